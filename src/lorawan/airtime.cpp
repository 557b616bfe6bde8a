#include "lorawan/airtime.hpp"

#include <algorithm>

namespace tether::lorawan {

result<std::chrono::microseconds> lora_airtime(std::size_t payload_size, std::uint8_t spreading_factor,
                                               std::uint32_t bandwidth, std::uint8_t coding_rate,
                                               std::optional<bool> low_data_rate_optimization) {
  if (spreading_factor < 5 || spreading_factor > 12 || coding_rate < 5 || coding_rate > 8) {
    return lorawan_error::invalid_data_rate;
  }
  if (bandwidth != 125'000 && bandwidth != 250'000 && bandwidth != 500'000)
    return lorawan_error::invalid_data_rate;
  const std::int64_t sf = spreading_factor;
  const bool ldro = low_data_rate_optimization.value_or(bandwidth == 125'000 && sf >= 11);
  const std::int64_t de = ldro ? 1 : 0;
  // Symbols after the preamble: 8 + ceil((8PL - 4SF + 28 + 16 CRC) / (4 (SF - 2DE))) * CR, with CRC = 1.
  const std::int64_t numerator = 8 * static_cast<std::int64_t>(payload_size) - 4 * sf + 28 + 16;
  const std::int64_t denominator = 4 * (sf - 2 * de);
  const std::int64_t blocks = numerator > 0 ? (numerator + denominator - 1) / denominator : 0;
  const std::int64_t payload_symbols = 8 + blocks * coding_rate;
  // Time in units of a quarter symbol keeps the preamble's 12.25 symbols exact: ns = quarters * 2^SF * 1e9 /
  // (4 BW).
  const std::int64_t quarter_symbols = 49 + 4 * payload_symbols;
  const std::int64_t ns =
      quarter_symbols * (std::int64_t{1} << sf) * 1'000'000'000 / (4 * std::int64_t{bandwidth});
  return std::chrono::microseconds(ns / 1000);
}

std::chrono::microseconds fsk_airtime(std::size_t payload_size, std::uint32_t bit_rate) {
  const std::int64_t bits = (static_cast<std::int64_t>(payload_size) + 5 + 3 + 1 + 2) * 8;
  return std::chrono::microseconds(bits * 1'000'000 / bit_rate);
}

result<std::chrono::microseconds> airtime(const band::data_rate& dr, std::size_t payload_size) {
  switch (dr.mod) {
    case band::modulation::lora:
      return lora_airtime(payload_size, dr.spreading_factor, dr.bandwidth);
    case band::modulation::fsk:
      return fsk_airtime(payload_size, dr.bit_rate);
    default:
      return lorawan_error::invalid_data_rate;
  }
}

}  // namespace tether::lorawan
