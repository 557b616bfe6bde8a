// Time-on-air figures from the spec file (The Things Stack pkg/toa and brocaar/lorawan airtime tests).

#include "lorawan/airtime.hpp"

#include <gtest/gtest.h>

namespace tether::lorawan {
namespace {

std::int64_t us(std::size_t pl, std::uint8_t sf, std::uint32_t bw, std::uint8_t cr = 5) {
  return lora_airtime(pl, sf, bw, cr).value().count();
}

TEST(airtime, tts_ten_bytes_each_spreading_factor) {
  const std::int64_t expected[] = {41216, 72192, 144384, 288768, 577536, 991232};
  for (std::uint8_t sf = 7; sf <= 12; ++sf) EXPECT_EQ(us(10, sf, 125'000), expected[sf - 7]) << int(sf);
}

TEST(airtime, wider_bandwidths) {
  EXPECT_EQ(us(10, 7, 250'000), 20608);
  EXPECT_EQ(us(10, 7, 500'000), 10304);
}

TEST(airtime, coding_rates) {
  EXPECT_EQ(us(10, 7, 125'000, 6), 45312);
  EXPECT_EQ(us(10, 7, 125'000, 7), 49408);
  EXPECT_EQ(us(10, 7, 125'000, 8), 53504);
}

TEST(airtime, payload_sizes) {
  EXPECT_EQ(us(13, 7, 125'000), 46336);
  EXPECT_EQ(us(16, 7, 125'000), 51456);
  EXPECT_EQ(us(19, 7, 125'000), 51456);
  EXPECT_EQ(us(23, 7, 125'000), 61696);
  EXPECT_EQ(us(23, 9, 125'000), 205824);
  EXPECT_EQ(us(23, 12, 125'000), 1482752);
}

TEST(airtime, without_low_data_rate_optimization) {
  EXPECT_EQ(lora_airtime(13, 12, 125'000, 5, false).value().count(), 1155072);
}

TEST(airtime, fsk) { EXPECT_EQ(fsk_airtime(200, 50'000).count(), 33760); }

TEST(airtime, band_data_rates) {
  EXPECT_EQ(airtime(band::eu868().data_rates[5], 10).value().count(), 41216);
  EXPECT_EQ(airtime(band::eu868().data_rates[7], 200).value().count(), 33760);
  EXPECT_EQ(airtime(band::eu868().data_rates[8], 10).error(), lorawan_error::invalid_data_rate);
}

TEST(airtime, refuses_unknown_parameters) {
  EXPECT_FALSE(lora_airtime(10, 13, 125'000));
  EXPECT_FALSE(lora_airtime(10, 7, 200'000));
  EXPECT_FALSE(lora_airtime(10, 7, 125'000, 9));
}

}  // namespace
}  // namespace tether::lorawan
