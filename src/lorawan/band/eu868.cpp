// EU863-870 (RP002-1.0.x): three fixed join channels, 1 % / 0.1 % / 10 % duty-cycle sub-bands.

#include "lorawan/band/band.hpp"
#include "lorawan/band/table_helpers.hpp"

namespace tether::lorawan::band {
namespace {

using namespace tables;

constexpr channel default_channels[] = {{868'100'000, 0, 5}, {868'300'000, 0, 5}, {868'500'000, 0, 5}};

// ETSI EN 300 220 as The Things Stack models it; EIRP = ERP + 2.15 dB.
constexpr sub_band sub_bands[] = {
    {863'000'000, 865'000'000, 0.001, 16.15f}, {865'000'000, 868'000'000, 0.01, 16.15f},
    {868'000'000, 868'600'000, 0.01, 16.15f},  {868'700'000, 869'200'000, 0.001, 16.15f},
    {869'400'000, 869'650'000, 0.1, 29.15f},   {869'700'000, 870'000'000, 0.01, 16.15f},
};

constexpr rx1_table make_rx1_table() {
  rx1_table t = empty_rx1_table();
  for (int dr = 0; dr <= 7; ++dr) t[dr] = subtract_row(dr, 0, 5);
  t[8] = t[10] = subtract_row(1, 0, 5);  // LR-FHSS
  t[9] = t[11] = subtract_row(2, 0, 5);
  return t;
}

band make_eu868() {
  band b;
  b.id = "EU_863_870";
  b.min_frequency = 863'000'000;
  b.max_frequency = 870'000'000;
  b.data_rates = {lora(12, 125'000, 250, 59, 59),
                  lora(11, 125'000, 440, 59, 59),
                  lora(10, 125'000, 980, 59, 59),
                  lora(9, 125'000, 1760, 123, 123),
                  lora(8, 125'000, 3125, 250, 250),
                  lora(7, 125'000, 5470, 250, 250),
                  lora(7, 250'000, 11000, 250, 250),
                  fsk(50000, 250),
                  lr_fhss(137'000, 58),
                  lr_fhss(137'000, 123),
                  lr_fhss(336'000, 58),
                  lr_fhss(336'000, 123)};
  b.default_channels = default_channels;
  b.rx1_data_rates = make_rx1_table();
  b.max_rx1_dr_offset = 5;
  b.rx2_frequency = 869'525'000;
  b.rx2_data_rate = 0;
  b.default_max_eirp = 16;
  b.max_tx_power_index = 7;
  b.max_adr_data_rate = 5;
  b.sub_bands = sub_bands;
  b.cf_list = cf_list_type::frequencies;
  b.supports_new_channel = true;
  return b;
}

}  // namespace

const band& eu868() {
  static const band b = make_eu868();
  return b;
}

}  // namespace tether::lorawan::band
