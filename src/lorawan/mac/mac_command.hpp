#pragma once
// MAC commands of LoRaWAN 1.0.x (1.0.3+ adds DeviceTime and the class B commands). Req/Ans pairs share a
// CID; the direction of the frame tells them apart. Frequencies are in Hz (the wire carries Hz / 100).

#include "lorawan/types.hpp"

#include <cstdint>
#include <variant>

namespace tether::lorawan::mac {

// Sent by the device (uplink).
struct link_check_req {
  static constexpr std::uint8_t cid = 0x02;
  bool operator==(const link_check_req&) const = default;
};
struct link_adr_ans {
  static constexpr std::uint8_t cid = 0x03;
  bool power_ack = false;
  bool data_rate_ack = false;
  bool channel_mask_ack = false;
  bool operator==(const link_adr_ans&) const = default;
};
struct duty_cycle_ans {
  static constexpr std::uint8_t cid = 0x04;
  bool operator==(const duty_cycle_ans&) const = default;
};
struct rx_param_setup_ans {
  static constexpr std::uint8_t cid = 0x05;
  bool rx1_dr_offset_ack = false;
  bool rx2_data_rate_ack = false;
  bool channel_ack = false;
  bool operator==(const rx_param_setup_ans&) const = default;
};
struct dev_status_ans {
  static constexpr std::uint8_t cid = 0x06;
  std::uint8_t battery = 0;  // 0 external power, 1..254 level, 255 unknown
  std::int8_t margin = 0;    // SNR in dB, -32..31
  bool operator==(const dev_status_ans&) const = default;
};
struct new_channel_ans {
  static constexpr std::uint8_t cid = 0x07;
  bool data_rate_range_ok = false;
  bool channel_frequency_ok = false;
  bool operator==(const new_channel_ans&) const = default;
};
struct rx_timing_setup_ans {
  static constexpr std::uint8_t cid = 0x08;
  bool operator==(const rx_timing_setup_ans&) const = default;
};
struct tx_param_setup_ans {
  static constexpr std::uint8_t cid = 0x09;
  bool operator==(const tx_param_setup_ans&) const = default;
};
struct dl_channel_ans {
  static constexpr std::uint8_t cid = 0x0a;
  bool uplink_frequency_exists = false;
  bool channel_frequency_ok = false;
  bool operator==(const dl_channel_ans&) const = default;
};
struct device_time_req {
  static constexpr std::uint8_t cid = 0x0d;
  bool operator==(const device_time_req&) const = default;
};
struct ping_slot_info_req {
  static constexpr std::uint8_t cid = 0x10;
  std::uint8_t periodicity = 0;  // 3 bits
  bool operator==(const ping_slot_info_req&) const = default;
};
struct ping_slot_channel_ans {
  static constexpr std::uint8_t cid = 0x11;
  bool data_rate_ok = false;
  bool channel_frequency_ok = false;
  bool operator==(const ping_slot_channel_ans&) const = default;
};
struct beacon_timing_req {
  static constexpr std::uint8_t cid = 0x12;
  bool operator==(const beacon_timing_req&) const = default;
};
struct beacon_freq_ans {
  static constexpr std::uint8_t cid = 0x13;
  bool beacon_frequency_ok = false;
  bool operator==(const beacon_freq_ans&) const = default;
};

// Sent by the network (downlink).
struct link_check_ans {
  static constexpr std::uint8_t cid = 0x02;
  std::uint8_t margin = 0;  // dB above the demodulation floor
  std::uint8_t gw_cnt = 0;
  bool operator==(const link_check_ans&) const = default;
};
struct link_adr_req {
  static constexpr std::uint8_t cid = 0x03;
  std::uint8_t data_rate = 0;  // 4 bits
  std::uint8_t tx_power = 0;   // 4 bits
  std::uint16_t ch_mask = 0;
  std::uint8_t ch_mask_cntl = 0;  // 3 bits
  std::uint8_t nb_trans = 0;      // 4 bits
  bool operator==(const link_adr_req&) const = default;
};
struct duty_cycle_req {
  static constexpr std::uint8_t cid = 0x04;
  std::uint8_t max_duty_cycle = 0;  // 4 bits: 1 / 2^n
  bool operator==(const duty_cycle_req&) const = default;
};
struct rx_param_setup_req {
  static constexpr std::uint8_t cid = 0x05;
  std::uint8_t rx1_dr_offset = 0;  // 3 bits
  std::uint8_t rx2_data_rate = 0;  // 4 bits
  std::uint32_t frequency = 0;
  bool operator==(const rx_param_setup_req&) const = default;
};
struct dev_status_req {
  static constexpr std::uint8_t cid = 0x06;
  bool operator==(const dev_status_req&) const = default;
};
struct new_channel_req {
  static constexpr std::uint8_t cid = 0x07;
  std::uint8_t ch_index = 0;
  std::uint32_t frequency = 0;  // 0 disables the channel
  std::uint8_t min_dr = 0;      // 4 bits
  std::uint8_t max_dr = 0;      // 4 bits
  bool operator==(const new_channel_req&) const = default;
};
struct rx_timing_setup_req {
  static constexpr std::uint8_t cid = 0x08;
  std::uint8_t delay = 0;  // 4 bits, seconds (0 means 1)
  bool operator==(const rx_timing_setup_req&) const = default;
};
struct tx_param_setup_req {
  static constexpr std::uint8_t cid = 0x09;
  bool downlink_dwell_time = false;  // true: 400 ms
  bool uplink_dwell_time = false;
  std::uint8_t max_eirp = 0;  // 4-bit index, see max_eirp_dbm
  bool operator==(const tx_param_setup_req&) const = default;
};
struct dl_channel_req {
  static constexpr std::uint8_t cid = 0x0a;
  std::uint8_t ch_index = 0;
  std::uint32_t frequency = 0;
  bool operator==(const dl_channel_req&) const = default;
};
struct device_time_ans {
  static constexpr std::uint8_t cid = 0x0d;
  std::uint32_t gps_seconds = 0;       // since 1980-01-06T00:00:00Z, at the end of the uplink
  std::uint8_t fractional_second = 0;  // 1/256 s
  bool operator==(const device_time_ans&) const = default;
};
struct ping_slot_info_ans {
  static constexpr std::uint8_t cid = 0x10;
  bool operator==(const ping_slot_info_ans&) const = default;
};
struct ping_slot_channel_req {
  static constexpr std::uint8_t cid = 0x11;
  std::uint32_t frequency = 0;
  std::uint8_t data_rate = 0;  // 4 bits
  bool operator==(const ping_slot_channel_req&) const = default;
};
struct beacon_timing_ans {
  static constexpr std::uint8_t cid = 0x12;
  std::uint16_t delay = 0;  // deprecated since 1.0.3
  std::uint8_t channel = 0;
  bool operator==(const beacon_timing_ans&) const = default;
};
struct beacon_freq_req {
  static constexpr std::uint8_t cid = 0x13;
  std::uint32_t frequency = 0;
  bool operator==(const beacon_freq_req&) const = default;
};

// CID 0x80..0xFF: the length is not known, so it takes the rest of the list.
struct proprietary {
  std::uint8_t cid = 0x80;
  bytes payload;
  bool operator==(const proprietary&) const = default;
};

using uplink_command =
    std::variant<link_check_req, link_adr_ans, duty_cycle_ans, rx_param_setup_ans, dev_status_ans,
                 new_channel_ans, rx_timing_setup_ans, tx_param_setup_ans, dl_channel_ans, device_time_req,
                 ping_slot_info_req, ping_slot_channel_ans, beacon_timing_req, beacon_freq_ans, proprietary>;
using downlink_command =
    std::variant<link_check_ans, link_adr_req, duty_cycle_req, rx_param_setup_req, dev_status_req,
                 new_channel_req, rx_timing_setup_req, tx_param_setup_req, dl_channel_req, device_time_ans,
                 ping_slot_info_ans, ping_slot_channel_req, beacon_timing_ans, beacon_freq_req, proprietary>;

// TxParamSetupReq MaxEIRP index to dBm.
constexpr std::uint8_t max_eirp_dbm(std::uint8_t index) {
  constexpr std::uint8_t table[16] = {8, 10, 12, 13, 14, 16, 18, 20, 21, 24, 26, 27, 29, 30, 33, 36};
  return table[index & 0x0f];
}

}  // namespace tether::lorawan::mac
