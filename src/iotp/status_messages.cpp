#include "iotp/status_messages.hpp"

#include "core/json_writer.hpp"

#include <fmt/format.h>

#include <ctime>

namespace tether::iotp {

std::string to_iso8601(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto ms = floor<milliseconds>(t);
  const auto secs = floor<seconds>(ms);
  const std::time_t tt = system_clock::to_time_t(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (ms - secs).count());
}

std::string_view protocol_name(int version, bool websocket) {
  switch (version) {
    case 3:
      return websocket ? "mqtt3-ws" : "mqtt3";
    case 5:
      return websocket ? "mqttv5-ws" : "mqtt5";
    default:
      return websocket ? "mqtt4-ws" : "mqtt4";
  }
}

std::string render_mon(const mon_status& s) {
  std::string out;
  core::json_writer w(out);
  w.begin_object();
  w.key("Action").string(s.action);
  w.key("Time").string(to_iso8601(s.time));
  w.key("ClientAddr").string(s.client_addr);
  w.key("ClientID").string(s.client_id);
  w.key("Port").number(s.port);
  w.key("Secure").boolean(s.secure);
  w.key("Protocol").string(s.protocol);
  if (!s.user.empty()) w.key("User").string(s.user);
  if (s.connect_time) w.key("ConnectTime").string(to_iso8601(*s.connect_time));
  if (s.close_code != 0) w.key("CloseCode").number(s.close_code);
  if (!s.reason.empty()) w.key("Reason").string(s.reason);
  w.key("ReadBytes").number(s.read_bytes);
  w.key("ReadMsg").number(s.read_msg);
  w.key("WriteBytes").number(s.write_bytes);
  w.key("WriteMsg").number(s.write_msg);
  w.end_object();
  return out;
}

std::string render_notify(const notify_message& n) {
  std::string out;
  core::json_writer w(out);
  w.begin_object();
  w.key("Request").string(n.request);
  w.key("Time").string(to_iso8601(n.time));
  w.key("Topic").string(n.topic);
  if (!n.type.empty()) w.key("Type").string(n.type);
  if (!n.id.empty()) w.key("Id").string(n.id);
  w.key("Client").string(n.client);
  w.key("RC").number(n.rc);
  w.key("Message").string(n.message);
  w.end_object();
  return out;
}

}  // namespace tether::iotp
