#pragma once
// The JSON the realm publishes itself (spec A2): `mon` status messages (Connect, FailedConnect,
// Disconnect) and a gateway's `notify` messages, with ISO 8601 times in UTC to the millisecond
// (2026-12-07T15:04:05.123Z), which IBM's SDK parses with `iso8601`.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tether::iotp {

// "2026-12-07T15:04:05.123Z".
std::string to_iso8601(std::chrono::system_clock::time_point t);

struct mon_status {
  std::string_view action;  // "Connect", "FailedConnect", "Disconnect"
  std::chrono::system_clock::time_point time;
  std::string_view client_addr;  // the client's IP address
  std::string_view client_id;
  std::uint16_t port = 0;  // the server's
  bool secure = false;
  std::string_view protocol;  // "mqtt4", "mqtt3-ws", ...
  std::string_view user;      // omitted when empty
  std::optional<std::chrono::system_clock::time_point> connect_time;
  int close_code = 0;       // omitted when 0
  std::string_view reason;  // omitted when empty
  std::uint64_t read_bytes = 0;
  std::uint64_t read_msg = 0;
  std::uint64_t write_bytes = 0;
  std::uint64_t write_msg = 0;
};

std::string render_mon(const mon_status& s);

struct notify_message {
  std::string_view request;  // "publish" or "subscribe"
  std::chrono::system_clock::time_point time;
  std::string_view topic;
  std::string_view type;  // omitted when empty (the topic named no device)
  std::string_view id;
  std::string_view client;
  int rc = 0;
  std::string_view message;
};

std::string render_notify(const notify_message& n);

// The monitor "Protocol" value: mqtt3, mqtt4, mqtt5, mqtt3-ws, mqtt4-ws, mqttv5-ws (spelled so).
std::string_view protocol_name(int version, bool websocket);

}  // namespace tether::iotp
