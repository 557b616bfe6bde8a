// AS923 group 1 (RP002-1.0.x): two default channels, 400 ms dwell time, RX1 offsets 6/7 raise the DR.

#include "lorawan/band/band.hpp"
#include "lorawan/band/table_helpers.hpp"

namespace tether::lorawan::band {
namespace {

using namespace tables;

constexpr channel default_channels[] = {{923'200'000, 0, 5}, {923'400'000, 0, 5}};
constexpr sub_band sub_bands[] = {{915'000'000, 928'000'000, 1.0, 16}};

// Effective offsets 0..5, then 6 = -1 and 7 = -2, clamped to DR0..DR5.
constexpr rx1_table make_rx1_table() {
  rx1_table t = empty_rx1_table();
  constexpr int effective[8] = {0, 1, 2, 3, 4, 5, -1, -2};
  for (int dr = 0; dr <= 7; ++dr) {
    for (int o = 0; o < 8; ++o) {
      const int v = dr - effective[o];
      t[dr][o] = static_cast<std::int8_t>(v < 0 ? 0 : (v > 5 ? 5 : v));
    }
  }
  return t;
}

band make_as923() {
  band b;
  b.id = "AS_923";
  b.min_frequency = 915'000'000;
  b.max_frequency = 928'000'000;
  b.data_rates = {lora(12, 125'000, 250, 59, 0),     lora(11, 125'000, 440, 59, 0),
                  lora(10, 125'000, 980, 123, 19),   lora(9, 125'000, 1760, 123, 61),
                  lora(8, 125'000, 3125, 250, 133),  lora(7, 125'000, 5470, 250, 250),
                  lora(7, 250'000, 11000, 250, 250), fsk(50000, 250)};
  b.default_channels = default_channels;
  b.rx1_data_rates = make_rx1_table();
  b.max_rx1_dr_offset = 7;
  b.rx1_min_data_rate_dwell = 2;
  b.rx2_frequency = 923'200'000;
  b.rx2_data_rate = 2;
  b.default_max_eirp = 16;
  b.max_tx_power_index = 7;
  b.max_adr_data_rate = 5;
  b.sub_bands = sub_bands;
  b.cf_list = cf_list_type::frequencies;
  b.supports_new_channel = true;
  b.supports_tx_param_setup = true;
  return b;
}

}  // namespace

const band& as923() {
  static const band b = make_as923();
  return b;
}

}  // namespace tether::lorawan::band
