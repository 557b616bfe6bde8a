#pragma once
// Shorthands for writing the band tables; used only by the band files.

#include "lorawan/band/band.hpp"

namespace tether::lorawan::band::tables {

constexpr data_rate lora(std::uint8_t sf, std::uint32_t bw, std::uint32_t bit_rate, std::uint8_t m,
                         std::uint8_t m_dwell) {
  return {modulation::lora, sf, bw, bit_rate, m, m_dwell};
}
constexpr data_rate fsk(std::uint32_t bit_rate, std::uint8_t m) {
  return {modulation::fsk, 0, 0, bit_rate, m, m};
}
constexpr data_rate lr_fhss(std::uint32_t ocw, std::uint8_t m) {
  return {modulation::lr_fhss, 0, ocw, 0, m, m};
}

using rx1_table = std::array<std::array<std::int8_t, 8>, 16>;

// Rows for uplink DRs with RX1 DR = max(DR - offset, floor) and offsets 0..max_offset.
constexpr std::array<std::int8_t, 8> subtract_row(int dr, int floor, int max_offset) {
  std::array<std::int8_t, 8> row{};
  row.fill(no_data_rate);
  for (int o = 0; o <= max_offset; ++o) row[o] = static_cast<std::int8_t>(dr - o < floor ? floor : dr - o);
  return row;
}

constexpr rx1_table empty_rx1_table() {
  rx1_table t{};
  for (auto& row : t) row.fill(no_data_rate);
  return t;
}

}  // namespace tether::lorawan::band::tables
