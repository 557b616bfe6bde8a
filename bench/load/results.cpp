#include "results.hpp"

#include <fmt/core.h>

namespace tether::bench {
namespace {

// Error texts come from the system and the codec; quotes and backslashes are all JSON needs escaped.
std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += (static_cast<unsigned char>(c) < 0x20) ? ' ' : c;
  }
  return out + "\"";
}

}  // namespace

void print_table(const flow_result& r) {
  fmt::print("scenario      {} QoS {}, {} publisher(s) -> {} subscriber(s), {}-byte payload{}\n", r.scenario,
             r.qos, r.publishers, r.subscribers, r.payload_size,
             r.target_rate > 0 ? fmt::format(", target {:.0f} msgs/s", r.target_rate) : std::string());
  fmt::print("sent          {:>12} ({:.0f} msgs/s)\n", r.sent, r.sent_per_s);
  fmt::print("delivered     {:>12} of {} expected in {:.3f} s\n", r.delivered, r.expected, r.elapsed_s);
  fmt::print("throughput    {:>12.0f} deliveries/s\n", r.delivered_per_s);
  fmt::print("latency (us)  p50 {:.0f}  p99 {:.0f}  p99.9 {:.0f}  max {:.0f}\n", r.latency.p50_us,
             r.latency.p99_us, r.latency.p999_us, r.latency.max_us);
  fmt::print("missing       {:>12}\ndisordered    {:>12}\nunexpected    {:>12}\nerrors        {:>12}{}\n",
             r.missing, r.disordered, r.unexpected, r.errors,
             r.first_error.empty() ? "" : " (" + r.first_error + ")");
  if (r.timed_out) fmt::print("timed out\n");
  fmt::print("result        {}\n", r.ok ? "OK" : "FAILED");
}

void print_json(const flow_result& r) {
  fmt::print(
      "{{\"scenario\":\"{}\",\"qos\":{},\"publishers\":{},\"subscribers\":{},\"payload_size\":{},"
      "\"target_rate\":{:.1f},\"sent\":{},\"expected\":{},\"delivered\":{},\"missing\":{},\"disordered\":{},"
      "\"unexpected\":{},\"errors\":{},\"first_error\":{},\"timed_out\":{},\"elapsed_s\":{:.6f},"
      "\"delivered_per_s\":{:.1f},\"sent_per_s\":{:.1f},\"latency_us\":{{\"samples\":{},\"p50\":{:.1f},"
      "\"p99\":{:.1f},\"p999\":{:.1f},\"max\":{:.1f}}},\"ok\":{}}}\n",
      r.scenario, r.qos, r.publishers, r.subscribers, r.payload_size, r.target_rate, r.sent, r.expected,
      r.delivered, r.missing, r.disordered, r.unexpected, r.errors, json_string(r.first_error), r.timed_out,
      r.elapsed_s, r.delivered_per_s, r.sent_per_s, r.latency.samples, r.latency.p50_us, r.latency.p99_us,
      r.latency.p999_us, r.latency.max_us, r.ok);
}

void print_table(const connections_result& r) {
  fmt::print("scenario      connections: {} requested\n", r.requested);
  fmt::print("connected     {:>12} in {:.2f} s ({} failed{})\n", r.connected, r.connect_s, r.failed,
             r.first_error.empty() ? "" : ": " + r.first_error);
  fmt::print("held          {:>12.1f} s, {} closed by the server meanwhile\n", r.hold_s, r.lost_while_held);
  if (r.server_rss_before_kib >= 0) {
    fmt::print("server RSS    {} KiB before, {} KiB holding: {:.2f} KiB per connection\n",
               r.server_rss_before_kib, r.server_rss_held_kib, r.server_kib_per_connection);
  }
  fmt::print("result        {}\n", r.ok ? "OK" : "FAILED");
}

void print_json(const connections_result& r) {
  fmt::print(
      "{{\"scenario\":\"connections\",\"requested\":{},\"connected\":{},\"failed\":{},\"lost_while_held\":{},"
      "\"first_error\":{},\"connect_s\":{:.3f},\"hold_s\":{:.3f},\"server_rss_before_kib\":{},"
      "\"server_rss_held_kib\":{},\"server_kib_per_connection\":{:.3f},\"ok\":{}}}\n",
      r.requested, r.connected, r.failed, r.lost_while_held, json_string(r.first_error), r.connect_s,
      r.hold_s, r.server_rss_before_kib, r.server_rss_held_kib, r.server_kib_per_connection, r.ok);
}

}  // namespace tether::bench
