#pragma once
// Sample radio structs and a render helper shared by the radio_json and snapshot_json tests.

#include "core/json_writer.hpp"
#include "gateway/radio_json.hpp"
#include "network/radio.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace tether::gateway::test {

inline network::time_point at(std::int64_t unix_ns) {
  return network::time_point{std::chrono::nanoseconds{unix_ns}};
}

template <class T, class F>
std::string render(const T& value, F write) {
  std::string out;
  core::json_writer w(out);
  write(w, value);
  return out;
}

inline network::rx_metadata full_rx_metadata() {
  network::rx_metadata md;
  md.gateway_id = "gw1";
  md.gateway_eui = core::eui64::from_hex("0016c001ff10d3f6").value();
  md.antenna_index = 1;
  md.time = at(1'795'395'723'000'000'000);
  md.timestamp = 2887504643u;
  md.fine_timestamp = 123456789;
  md.rssi = -42.3f;
  md.signal_rssi = -45.5f;
  md.channel_rssi = -42.3f;
  md.rssi_standard_deviation = 0.5f;
  md.snr = 9.5f;
  md.frequency_offset = -1234;
  md.location = network::location{52.5, 4.75, 12, 3, network::location_source::gps};
  md.channel_index = 2;
  md.gps_time = at(1'795'395'723'100'000'000);
  md.received_at = at(1'795'395'723'123'456'789);
  md.uplink_token = {0xAA, 0xBB};
  return md;
}

inline network::gateway_status sample_status() {
  network::gateway_status s;
  s.gateway_id = "gw1";
  s.time = at(1'795'395'723'000'000'000);
  s.versions = {{"model", "tst"}, {"firmware", "1.2.3"}};
  s.antenna_locations = {{1.5, 2.5, 3, 0, network::location_source::registry}};
  s.ips = {"192.0.2.1"};
  s.metrics = {{"rxin", 3}, {"rxok", 0.1f}, {"txin", 0}};
  s.received_at = at(1'795'395'724'000'000'000);
  return s;
}

}  // namespace tether::gateway::test
