#include "lorawan/mac/mac_fields.hpp"

namespace tether::lorawan::mac {
namespace {

using list = std::vector<field>;

field flag(std::string_view name, bool v) { return {name, v ? 1 : 0, true}; }
field num(std::string_view name, std::int64_t v) { return {name, v, false}; }

// Commands without a payload.
template <class T>
list describe(const T&) {
  return {};
}

list describe(const link_adr_ans& c) {
  return {flag("power_ack", c.power_ack), flag("data_rate_ack", c.data_rate_ack),
          flag("channel_mask_ack", c.channel_mask_ack)};
}
list describe(const rx_param_setup_ans& c) {
  return {flag("rx1_dr_offset_ack", c.rx1_dr_offset_ack), flag("rx2_data_rate_ack", c.rx2_data_rate_ack),
          flag("channel_ack", c.channel_ack)};
}
list describe(const dev_status_ans& c) { return {num("battery", c.battery), num("margin", c.margin)}; }
list describe(const new_channel_ans& c) {
  return {flag("data_rate_range_ok", c.data_rate_range_ok),
          flag("channel_frequency_ok", c.channel_frequency_ok)};
}
list describe(const dl_channel_ans& c) {
  return {flag("uplink_frequency_exists", c.uplink_frequency_exists),
          flag("channel_frequency_ok", c.channel_frequency_ok)};
}
list describe(const ping_slot_info_req& c) { return {num("periodicity", c.periodicity)}; }
list describe(const ping_slot_channel_ans& c) {
  return {flag("data_rate_ok", c.data_rate_ok), flag("channel_frequency_ok", c.channel_frequency_ok)};
}
list describe(const beacon_freq_ans& c) { return {flag("beacon_frequency_ok", c.beacon_frequency_ok)}; }
list describe(const link_check_ans& c) { return {num("margin", c.margin), num("gw_cnt", c.gw_cnt)}; }
list describe(const link_adr_req& c) {
  return {num("data_rate", c.data_rate), num("tx_power", c.tx_power), num("ch_mask", c.ch_mask),
          num("ch_mask_cntl", c.ch_mask_cntl), num("nb_trans", c.nb_trans)};
}
list describe(const duty_cycle_req& c) { return {num("max_duty_cycle", c.max_duty_cycle)}; }
list describe(const rx_param_setup_req& c) {
  return {num("rx1_dr_offset", c.rx1_dr_offset), num("rx2_data_rate", c.rx2_data_rate),
          num("frequency", c.frequency)};
}
list describe(const new_channel_req& c) {
  return {num("ch_index", c.ch_index), num("frequency", c.frequency), num("min_dr", c.min_dr),
          num("max_dr", c.max_dr)};
}
list describe(const rx_timing_setup_req& c) { return {num("delay", c.delay)}; }
list describe(const tx_param_setup_req& c) {
  return {flag("downlink_dwell_time", c.downlink_dwell_time), flag("uplink_dwell_time", c.uplink_dwell_time),
          num("max_eirp", c.max_eirp)};
}
list describe(const dl_channel_req& c) {
  return {num("ch_index", c.ch_index), num("frequency", c.frequency)};
}
list describe(const device_time_ans& c) {
  return {num("gps_seconds", c.gps_seconds), num("fractional_second", c.fractional_second)};
}
list describe(const ping_slot_channel_req& c) {
  return {num("frequency", c.frequency), num("data_rate", c.data_rate)};
}
list describe(const beacon_timing_ans& c) { return {num("delay", c.delay), num("channel", c.channel)}; }
list describe(const beacon_freq_req& c) { return {num("frequency", c.frequency)}; }
list describe(const proprietary& c) {
  return {num("cid", c.cid), num("payload_size", static_cast<std::int64_t>(c.payload.size()))};
}

}  // namespace

std::vector<field> fields_of(const uplink_command& command) {
  return std::visit([](const auto& c) { return describe(c); }, command);
}
std::vector<field> fields_of(const downlink_command& command) {
  return std::visit([](const auto& c) { return describe(c); }, command);
}

}  // namespace tether::lorawan::mac
