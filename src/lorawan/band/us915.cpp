// US902-928 (RP002-1.0.x): 64 + 8 fixed uplink channels, 8 downlink channels, no duty cycle.

#include "lorawan/band/band.hpp"
#include "lorawan/band/table_helpers.hpp"

namespace tether::lorawan::band {
namespace {

using namespace tables;

constexpr channel_grid uplink_grids[] = {{902'300'000, 200'000, 64, 0, 3}, {903'000'000, 1'600'000, 8, 4, 4}};
constexpr sub_band sub_bands[] = {{902'000'000, 928'000'000, 1.0, 30}};

constexpr rx1_table make_rx1_table() {
  rx1_table t = empty_rx1_table();
  t[0] = {10, 9, 8, 8, -1, -1, -1, -1};
  t[1] = {11, 10, 9, 8, -1, -1, -1, -1};
  t[2] = {12, 11, 10, 9, -1, -1, -1, -1};
  t[3] = {13, 12, 11, 10, -1, -1, -1, -1};
  t[4] = {13, 13, 12, 11, -1, -1, -1, -1};
  t[5] = t[0];  // LR-FHSS
  t[6] = t[1];
  return t;
}

band make_us915() {
  band b;
  b.id = "US_902_928";
  b.min_frequency = 902'000'000;
  b.max_frequency = 928'000'000;
  b.data_rates = {lora(10, 125'000, 980, 19, 19),    lora(9, 125'000, 1760, 61, 61),
                  lora(8, 125'000, 3125, 133, 133),  lora(7, 125'000, 5470, 250, 250),
                  lora(8, 500'000, 12500, 250, 250), lr_fhss(1'523'000, 58),
                  lr_fhss(1'523'000, 133),           {},
                  lora(12, 500'000, 980, 61, 61),    lora(11, 500'000, 1760, 137, 137),
                  lora(10, 500'000, 3900, 250, 250), lora(9, 500'000, 7000, 250, 250),
                  lora(8, 500'000, 12500, 250, 250), lora(7, 500'000, 21900, 250, 250)};
  b.uplink_grids = uplink_grids;
  b.downlink_grid = channel_grid{923'300'000, 600'000, 8, 8, 13};
  b.rx1_data_rates = make_rx1_table();
  b.max_rx1_dr_offset = 3;
  b.rx2_frequency = 923'300'000;
  b.rx2_data_rate = 8;
  b.default_max_eirp = 30;
  b.max_tx_power_index = 14;
  b.max_adr_data_rate = 3;
  b.sub_bands = sub_bands;
  b.cf_list = cf_list_type::channel_mask;
  return b;
}

}  // namespace

const band& us915() {
  static const band b = make_us915();
  return b;
}

}  // namespace tether::lorawan::band
