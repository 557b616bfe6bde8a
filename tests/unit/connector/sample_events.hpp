#pragma once
// Events with fixed values for the Data API golden tests.

#include "network/downlinks.hpp"
#include "network/events.hpp"

#include <chrono>

namespace tether::application::connector::test {

inline network::time_point at_us(std::int64_t us) {
  return network::time_point(std::chrono::microseconds(us));
}

inline network::device_ids sample_ids() {
  return {"app1", "dev1", core::eui64::from_hex("0004A30B001C0530"),
          core::eui64::from_hex("70B3D57ED0000000"), *core::dev_addr::from_hex("260B1234")};
}

inline network::uplink_event sample_uplink() {
  network::uplink_event e;
  e.ids = sample_ids();
  e.session_key_id = {0xaa, 0xbb};
  e.f_port = 2;
  e.f_cnt = 42;
  e.frm_payload = {0x01, 0x02, 0x03};
  e.encrypted_frm_payload = {0xde, 0xad, 0xbe};
  e.rx_metadata.resize(2);
  auto& best = e.rx_metadata[0];
  best.gateway_id = "gw1";
  best.gateway_eui = core::eui64::from_hex("0102030405060708");
  best.antenna_index = 0;
  best.time = at_us(1'700'000'000'100'000);
  best.timestamp = 1234567;
  best.rssi = -42;
  best.snr = 9.5F;
  best.channel_index = 2;
  best.location = network::location{52.5, 13.25, 30, 0, network::location_source::registry};
  auto& other = e.rx_metadata[1];
  other.gateway_id = "gw2";
  other.antenna_index = 1;
  other.timestamp = 99;
  other.rssi = -100;
  other.snr = -3.25F;
  other.channel_index = 5;
  e.settings.data_rate = network::lora_data_rate{125000, 7, "4/5"};
  e.settings.frequency = 868100000;
  e.data_rate_index = 5;
  e.band_id = "EU_863_870";
  e.net_id = 0x13;
  e.received_at = at_us(1'700'000'000'250'000);
  e.windows = network::answer_windows{at_us(1'700'000'001'200'000), 5, at_us(1'700'000'002'200'000), 0, 7};
  return e;
}

inline network::join_event sample_join() {
  network::join_event e;
  e.ids = sample_ids();
  e.session_key_id = {0x01};
  e.net_id = 0x13;
  e.received_at = at_us(1'700'000'000'500'000);
  return e;
}

inline network::downlink_event sample_downlink(network::downlink_outcome outcome) {
  network::downlink_event e;
  e.ids = sample_ids();
  e.outcome = outcome;
  e.downlink.f_port = 3;
  e.downlink.frm_payload = {0xca, 0xfe};
  e.downlink.f_cnt = 7;
  e.downlink.session_key_id = {0xaa, 0xbb};
  e.at = at_us(1'700'000'001'300'000);
  return e;
}

}  // namespace tether::application::connector::test
