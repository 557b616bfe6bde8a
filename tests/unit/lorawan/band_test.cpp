// Band plans and frequency plans against the regional parameters in the spec file.

#include "lorawan/band/band.hpp"
#include "lorawan/band/frequency_plan.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

namespace tether::lorawan::band {
namespace {

using test::hex;

TEST(band, eu868_defaults) {
  const auto& b = eu868();
  EXPECT_EQ(b.id, "EU_863_870");
  ASSERT_EQ(b.default_channels.size(), 3u);
  EXPECT_EQ(b.default_channels[0].frequency, 868'100'000u);
  EXPECT_EQ(b.rx2_frequency, 869'525'000u);
  EXPECT_EQ(b.rx2_data_rate, 0);
  EXPECT_EQ(b.data_rates[0].spreading_factor, 12);
  EXPECT_EQ(b.data_rates[6].bandwidth, 250'000u);
  EXPECT_EQ(b.data_rates[7].mod, modulation::fsk);
  EXPECT_EQ(b.receive_delay_1, 1);
  EXPECT_EQ(b.join_accept_delay_1, 5);
  EXPECT_EQ(b.join_accept_delay_2, 6);
  EXPECT_EQ(tx_power_eirp(b, 0).value(), 16.0f);
  EXPECT_EQ(tx_power_eirp(b, 7).value(), 2.0f);
  EXPECT_FALSE(tx_power_eirp(b, 8));
}

TEST(band, max_app_payloads) {
  const std::uint8_t eu[] = {51, 51, 51, 115, 242, 242, 242, 242};
  for (std::uint8_t dr = 0; dr < 8; ++dr) EXPECT_EQ(max_app_payload(eu868(), dr).value(), eu[dr]) << int(dr);
  const std::uint8_t us[] = {11, 53, 125, 242, 242};
  for (std::uint8_t dr = 0; dr < 5; ++dr) EXPECT_EQ(max_app_payload(us915(), dr).value(), us[dr]) << int(dr);
  EXPECT_EQ(max_app_payload(us915(), 8).value(), 53);
  EXPECT_FALSE(max_app_payload(us915(), 7));
  EXPECT_FALSE(max_app_payload(au915(), 0, true));
  EXPECT_EQ(max_app_payload(au915(), 2, true).value(), 11);
  EXPECT_EQ(max_app_payload(as923(), 2, true).value(), 11);
  EXPECT_EQ(max_app_payload(as923(), 2).value(), 115);
}

TEST(band, eu868_rx1_data_rate_table) {
  EXPECT_EQ(rx1_data_rate(eu868(), 5, 0).value(), 5);
  EXPECT_EQ(rx1_data_rate(eu868(), 5, 3).value(), 2);
  EXPECT_EQ(rx1_data_rate(eu868(), 2, 5).value(), 0);
  EXPECT_EQ(rx1_data_rate(eu868(), 7, 5).value(), 2);
  EXPECT_EQ(rx1_data_rate(eu868(), 9, 1).value(), 1);
  EXPECT_FALSE(rx1_data_rate(eu868(), 5, 6));
}

TEST(band, us915_rx1) {
  const std::int8_t expected[5][4] = {
      {10, 9, 8, 8}, {11, 10, 9, 8}, {12, 11, 10, 9}, {13, 12, 11, 10}, {13, 13, 12, 11}};
  for (std::uint8_t dr = 0; dr < 5; ++dr) {
    for (std::uint8_t o = 0; o < 4; ++o) EXPECT_EQ(rx1_data_rate(us915(), dr, o).value(), expected[dr][o]);
  }
  EXPECT_EQ(rx1_frequency(us915(), 903'900'000).value(), 923'300'000u + 600'000u * 0);  // channel 8
  EXPECT_EQ(rx1_frequency(us915(), 905'300'000).value(), 923'300'000u + 600'000u * 7);  // channel 15
  EXPECT_EQ(rx1_frequency(us915(), 904'600'000).value(), 923'300'000u + 600'000u * 1);  // channel 65
  EXPECT_EQ(rx1_frequency(us915(), 904'000'000).error(), lorawan_error::invalid_frequency);
  EXPECT_EQ(us915().rx2_frequency, 923'300'000u);
  EXPECT_EQ(us915().rx2_data_rate, 8);
}

TEST(band, au915_rx1) {
  EXPECT_EQ(rx1_data_rate(au915(), 0, 0).value(), 8);
  EXPECT_EQ(rx1_data_rate(au915(), 5, 5).value(), 8);
  EXPECT_EQ(rx1_data_rate(au915(), 6, 0).value(), 13);
  EXPECT_EQ(rx1_data_rate(au915(), 6, 5).value(), 9);
  EXPECT_EQ(rx1_frequency(au915(), 916'800'000).value(), 923'300'000u);  // channel 8
  EXPECT_EQ(rx1_frequency(au915(), 917'500'000).value(), 923'900'000u);  // channel 65
}

TEST(band, as923_rx1_offsets_raise_and_clamp) {
  EXPECT_EQ(rx1_data_rate(as923(), 3, 6).value(), 4);
  EXPECT_EQ(rx1_data_rate(as923(), 3, 7).value(), 5);
  EXPECT_EQ(rx1_data_rate(as923(), 5, 7).value(), 5);
  EXPECT_EQ(rx1_data_rate(as923(), 1, 0).value(), 1);
  EXPECT_EQ(rx1_data_rate(as923(), 1, 0, true).value(), 2);
  EXPECT_EQ(rx1_frequency(as923(), 923'200'000).value(), 923'200'000u);
  EXPECT_EQ(as923().rx2_frequency, 923'200'000u);
  EXPECT_EQ(as923().rx2_data_rate, 2);
}

TEST(band, eu868_duty_cycle_sub_bands) {
  EXPECT_DOUBLE_EQ(sub_band_of(eu868(), 868'100'000)->duty_cycle, 0.01);
  EXPECT_DOUBLE_EQ(sub_band_of(eu868(), 867'100'000)->duty_cycle, 0.01);
  EXPECT_DOUBLE_EQ(sub_band_of(eu868(), 869'525'000)->duty_cycle, 0.1);
  EXPECT_DOUBLE_EQ(sub_band_of(eu868(), 864'000'000)->duty_cycle, 0.001);
  EXPECT_FALSE(sub_band_of(eu868(), 869'300'000));
}

TEST(band, find_band_by_id) {
  EXPECT_EQ(find_band("US_902_928").value(), &us915());
  EXPECT_EQ(find_band("XX").error(), lorawan_error::unknown_frequency_plan);
}

TEST(frequency_plan, eu868_ttn_uses_sf9_rx2_and_the_spec_cf_list) {
  const auto plan = find_frequency_plan("EU_863_870_TTN").value();
  EXPECT_EQ(plan.rx2_frequency, 869'525'000u);
  EXPECT_EQ(plan.rx2_data_rate, 3);
  EXPECT_EQ(plan.uplink_channels.size(), 8u);
  EXPECT_EQ(test::to_hex(cf_list(plan).value()), "184f84e85684b85e84886684586e8400");
  EXPECT_EQ(find_frequency_plan("EU_863_870").value().rx2_data_rate, 0);
}

TEST(frequency_plan, us915_fsb2_channels_and_cf_list) {
  const auto plan = find_frequency_plan("US_902_928_FSB_2").value();
  ASSERT_EQ(plan.uplink_channels.size(), 9u);
  EXPECT_EQ(plan.uplink_channels.front().frequency, 903'900'000u);
  EXPECT_EQ(plan.uplink_channels[7].frequency, 905'300'000u);
  EXPECT_EQ(plan.uplink_channels.back().frequency, 904'600'000u);
  EXPECT_EQ(test::to_hex(cf_list(plan).value()), "00ff0000000000000200000000000001");
}

TEST(frequency_plan, ids_cover_every_band) {
  for (const auto& id : frequency_plan_ids()) EXPECT_TRUE(find_frequency_plan(id)) << id;
  EXPECT_TRUE(find_frequency_plan("AU_915_928_FSB_2"));
  EXPECT_FALSE(find_frequency_plan("US_902_928_FSB_9"));
  EXPECT_EQ(find_frequency_plan("AS_923_925").value().band, &as923());
}

TEST(frequency_plan, cf_list_frequencies_refuses_more_than_five) {
  const std::uint32_t six[6] = {867'100'000, 867'300'000, 867'500'000, 867'700'000, 867'900'000, 868'900'000};
  EXPECT_FALSE(cf_list_frequencies(six));
}

}  // namespace
}  // namespace tether::lorawan::band
