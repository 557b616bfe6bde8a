// AU915-928 (RP002-1.0.x): like US915's channel grid, with EU-style DR0-5 and TxParamSetupReq.

#include "lorawan/band/band.hpp"
#include "lorawan/band/table_helpers.hpp"

namespace tether::lorawan::band {
namespace {

using namespace tables;

constexpr channel_grid uplink_grids[] = {{915'200'000, 200'000, 64, 0, 5}, {915'900'000, 1'600'000, 8, 6, 6}};
constexpr sub_band sub_bands[] = {{915'000'000, 928'000'000, 1.0, 30}};

constexpr rx1_table make_rx1_table() {
  rx1_table t = empty_rx1_table();
  for (int dr = 0; dr <= 5; ++dr) t[dr] = subtract_row(8 + dr, 8, 5);
  t[6] = {13, 13, 12, 11, 10, 9, -1, -1};  // SF8BW500 uplink
  return t;
}

band make_au915() {
  band b;
  b.id = "AU_915_928";
  b.min_frequency = 915'000'000;
  b.max_frequency = 928'000'000;
  b.data_rates = {lora(12, 125'000, 250, 59, 0),     lora(11, 125'000, 440, 59, 0),
                  lora(10, 125'000, 980, 59, 19),    lora(9, 125'000, 1760, 123, 61),
                  lora(8, 125'000, 3125, 250, 133),  lora(7, 125'000, 5470, 250, 250),
                  lora(8, 500'000, 12500, 250, 250), lr_fhss(1'523'000, 58),
                  lora(12, 500'000, 980, 61, 61),    lora(11, 500'000, 1760, 137, 137),
                  lora(10, 500'000, 3900, 250, 250), lora(9, 500'000, 7000, 250, 250),
                  lora(8, 500'000, 12500, 250, 250), lora(7, 500'000, 21900, 250, 250)};
  b.uplink_grids = uplink_grids;
  b.downlink_grid = channel_grid{923'300'000, 600'000, 8, 8, 13};
  b.rx1_data_rates = make_rx1_table();
  b.max_rx1_dr_offset = 5;
  b.rx2_frequency = 923'300'000;
  b.rx2_data_rate = 8;
  b.default_max_eirp = 30;
  b.max_tx_power_index = 14;
  b.max_adr_data_rate = 5;
  b.sub_bands = sub_bands;
  b.cf_list = cf_list_type::channel_mask;
  b.supports_tx_param_setup = true;
  return b;
}

}  // namespace

const band& au915() {
  static const band b = make_au915();
  return b;
}

}  // namespace tether::lorawan::band
