#include "gateway/snapshot_json.hpp"

#include "core/json_writer.hpp"
#include "core/rfc3339.hpp"
#include "gateway/radio_json.hpp"

namespace tether::gateway {
namespace {

// A connection timestamp: null until the event happened.
void write_time_or_null(core::json_writer& w, std::string_view key, network::time_point t) {
  w.key(key);
  if (t == network::time_point{}) {
    w.raw("null");
    return;
  }
  auto& out = w.value_slot();
  out += '"';
  core::append_rfc3339(out, t);
  out += '"';
}

}  // namespace

std::string to_json(const gateway_snapshot& s) {
  std::string out;
  core::json_writer w(out);
  w.begin_object();
  w.key("connected").boolean(s.connected);
  w.key("protocol").string(s.protocol);
  w.key("remote_address").string(s.remote_address);
  write_time_or_null(w, "connected_at", s.connected_at);
  write_time_or_null(w, "disconnected_at", s.disconnected_at);
  write_time_or_null(w, "last_seen", s.last_seen);
  w.key("uplinks").number(s.uplinks);
  w.key("statuses").number(s.statuses);
  w.key("downlinks").number(s.downlinks);
  w.key("tx_acks").number(s.tx_acks);
  w.key("dropped").begin_object();
  for (const auto& [reason, count] : s.dropped) w.key(reason).number(count);
  w.end_object();
  if (s.last_status) {
    w.key("last_status");
    write_gateway_status(w, *s.last_status);
  }
  if (s.last_uplink) {
    w.key("last_uplink");
    write_gateway_uplink(w, *s.last_uplink);
  }
  w.end_object();
  return out;
}

}  // namespace tether::gateway
