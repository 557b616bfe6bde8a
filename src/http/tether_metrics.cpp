#include "http/tether_metrics.hpp"

#include "gateway/gateway_realm.hpp"
#include "gateway/hub.hpp"
#include "http/api/admin_api.hpp"
#include "http/downlink_failure_meter.hpp"
#include "http/exposition.hpp"
#include "http/server.hpp"
#include "mqtt/broker.hpp"
#include "network/server.hpp"
#include "storage/group_commit_stats.hpp"

#include <array>
#include <atomic>

namespace tether::http {
namespace {

using mqtt::broker;
using mqtt::broker_stats;

struct broker_counter {
  std::string_view name;
  metric_type type;
  std::string_view help;
  std::uint64_t (*read)(broker&);
};

std::uint64_t load(const std::atomic<std::uint64_t>& a) { return a.load(std::memory_order_relaxed); }

const std::array<broker_counter, 11> broker_counters{{
    {"tether_mqtt_clients_connected", metric_type::gauge, "MQTT clients connected now",
     [](broker& b) { return load(b.stats().clients_connected); }},
    {"tether_mqtt_connections_total", metric_type::counter, "MQTT connections accepted (CONNACK success)",
     [](broker& b) { return load(b.stats().clients_total); }},
    {"tether_mqtt_messages_received_total", metric_type::counter, "PUBLISH packets received from clients",
     [](broker& b) { return load(b.stats().messages_received); }},
    {"tether_mqtt_messages_sent_total", metric_type::counter, "PUBLISH packets sent to clients",
     [](broker& b) { return load(b.stats().messages_sent); }},
    {"tether_mqtt_bytes_received_total", metric_type::counter, "Bytes received from clients",
     [](broker& b) { return load(b.stats().bytes_received); }},
    {"tether_mqtt_bytes_sent_total", metric_type::counter, "Bytes sent to clients",
     [](broker& b) { return load(b.stats().bytes_sent); }},
    {"tether_mqtt_publish_dropped_total", metric_type::counter,
     "Messages dropped by the broker (offline queue full, denied by the ACL, ...)",
     [](broker& b) { return load(b.stats().publish_dropped); }},
    {"tether_mqtt_protocol_errors_total", metric_type::counter, "Connections closed for a protocol error",
     [](broker& b) { return load(b.stats().protocol_errors); }},
    {"tether_mqtt_sessions", metric_type::gauge, "MQTT sessions held (connected or persistent)",
     [](broker& b) { return static_cast<std::uint64_t>(b.session_count()); }},
    {"tether_mqtt_subscriptions", metric_type::gauge, "Subscriptions held",
     [](broker& b) { return static_cast<std::uint64_t>(b.subscription_count()); }},
    {"tether_mqtt_retained_messages", metric_type::gauge, "Retained messages held",
     [](broker& b) { return static_cast<std::uint64_t>(b.retained_count()); }},
}};

struct gateway_counter {
  std::string_view name;
  std::string_view help;
  const std::atomic<std::uint64_t> gateway::realm_stats::*field;
};

const std::array<gateway_counter, 5> gateway_counters{{
    {"tether_gateway_uplinks_received_total", "Uplink messages received from gateways",
     &gateway::realm_stats::uplinks},
    {"tether_gateway_statuses_received_total", "Status messages received from gateways",
     &gateway::realm_stats::statuses},
    {"tether_gateway_tx_acks_received_total", "TxAcks received from gateways",
     &gateway::realm_stats::tx_acks},
    {"tether_gateway_downlinks_sent_total", "Downlinks published to gateways",
     &gateway::realm_stats::downlinks},
    {"tether_gateway_messages_dropped_total",
     "Messages from gateways the realm could not use (by reason: tether_gateway_drops_total)",
     &gateway::realm_stats::dropped},
}};

}  // namespace

namespace {

// Queued and in-flight messages, drops by reason, refusals by CONNACK code: per realm.
void write_broker_details(exposition& out, const std::vector<broker*>& brokers) {
  std::vector<broker::message_counts> counts;
  for (auto* b : brokers) counts.push_back(b->count_messages());
  out.family("tether_mqtt_messages_queued", metric_type::gauge, "Messages waiting in sessions' queues");
  for (std::size_t i = 0; i < brokers.size(); ++i)
    out.sample("tether_mqtt_messages_queued", {{"realm", brokers[i]->owner().name()}},
               static_cast<std::uint64_t>(counts[i].queued));
  out.family("tether_mqtt_messages_inflight", metric_type::gauge,
             "QoS 1/2 messages sent to clients and not yet acknowledged");
  for (std::size_t i = 0; i < brokers.size(); ++i)
    out.sample("tether_mqtt_messages_inflight", {{"realm", brokers[i]->owner().name()}},
               static_cast<std::uint64_t>(counts[i].in_flight));
  constexpr std::string_view drops = "tether_mqtt_publish_drops_total";
  out.family(drops, metric_type::counter, "Messages the broker dropped, by reason");
  for (auto* b : brokers) {
    for (std::size_t r = 0; r < mqtt::drop_reason_count; ++r) {
      const auto reason = mqtt::to_string(static_cast<mqtt::drop_reason>(r));
      out.sample(drops, {{"realm", b->owner().name()}, {"reason", reason}}, load(b->stats().drops[r]));
    }
  }
  constexpr std::string_view refused = "tether_mqtt_connections_refused_total";
  out.family(refused, metric_type::counter, "Connections refused, by CONNACK return or reason code");
  for (auto* b : brokers) {
    const auto& by_code = b->stats().connections_refused;
    for (std::size_t code = 1; code < by_code.size(); ++code) {
      const auto n = load(by_code[code]);
      // The 3.1.1 codes always (so that rates start at 0), any other once it occurred.
      if (n == 0 && code > 5) continue;
      out.sample(refused, {{"realm", b->owner().name()}, {"code", std::to_string(code)}}, n);
    }
  }
}

}  // namespace

void write_broker_metrics(exposition& out, const std::vector<broker*>& brokers) {
  for (const auto& c : broker_counters) {
    out.family(c.name, c.type, c.help);
    for (auto* b : brokers) out.sample(c.name, {{"realm", b->owner().name()}}, c.read(*b));
  }
  write_broker_details(out, brokers);
}

void write_gateway_metrics(exposition& out, const std::vector<broker*>& brokers, const gateway::hub* hub) {
  std::vector<const gateway::gateway_realm*> realms;
  for (auto* b : brokers) {
    if (auto* g = dynamic_cast<const gateway::gateway_realm*>(&b->owner())) realms.push_back(g);
  }
  for (const auto& c : gateway_counters) {
    out.family(c.name, metric_type::counter, c.help);
    for (auto* g : realms) out.sample(c.name, {{"realm", g->name()}}, load(g->stats().*c.field));
  }
  if (!hub) return;
  const auto totals = hub->totals();
  out.family("tether_gateways_connected", metric_type::gauge, "Gateways connected now");
  out.sample("tether_gateways_connected", {}, static_cast<std::uint64_t>(totals.connected));
  out.family("tether_gateway_drops_total", metric_type::counter,
             "Messages from gateways dropped, by reason, summed over all gateways");
  for (const auto& [reason, n] : totals.dropped)
    out.sample("tether_gateway_drops_total", {{"reason", reason}}, n);
}

namespace {

// Divides (rather than multiplies by 1e6) so that bounds print as typed: 100000 µs is 0.1, not 0.09999...
histogram_snapshot to_snapshot(const core::histogram_reading& r, double divisor) {
  histogram_snapshot h;
  for (const auto b : r.bounds) h.bounds.push_back(static_cast<double>(b) / divisor);
  h.counts.assign(r.counts.begin(), r.counts.begin() + static_cast<std::ptrdiff_t>(r.bounds.size()));
  h.sum = static_cast<double>(r.sum) / divisor;
  h.count = r.count;
  return h;
}

}  // namespace

void write_histogram_metrics(exposition& out, const core_measures& measures) {
  if (measures.downlink_failures) {
    constexpr std::string_view name = "tether_lorawan_downlink_failures_total";
    out.family(name, metric_type::counter, "Application downlinks that ended in down/failed, by error name");
    for (const auto& [error, n] : measures.downlink_failures->read()) out.sample(name, {{"error", error}}, n);
  }
  if (measures.uplink_latency_us) {
    constexpr std::string_view name = "tether_uplink_latency_seconds";
    out.family(name, metric_type::histogram,
               "From the first gateway copy received to the application event (dedup window included)");
    out.histogram(name, {}, to_snapshot(measures.uplink_latency_us->read(), 1e6));
  }
  if (measures.stores.empty()) return;
  constexpr std::string_view size = "tether_storage_group_commit_changes";
  out.family(size, metric_type::histogram, "Changes written per group commit, by store");
  for (const auto& s : measures.stores)
    out.histogram(size, {{"store", s.name}}, to_snapshot(s.commits->group_size.read(), 1));
  constexpr std::string_view latency = "tether_storage_group_commit_seconds";
  out.family(latency, metric_type::histogram, "Time to write and commit one group, by store");
  for (const auto& s : measures.stores) {
    out.histogram(latency, {{"store", s.name}}, to_snapshot(s.commits->commit_us.read(), 1e6));
  }
}

void write_http_metrics(exposition& out, const std::vector<const server_stats*>& servers) {
  const auto sum = [&](const std::atomic<std::uint64_t> server_stats::*field) {
    std::uint64_t total = 0;
    for (auto* s : servers) total += load(s->*field);
    return total;
  };
  const auto one = [&](std::string_view name, std::string_view help,
                       const std::atomic<std::uint64_t> server_stats::*field) {
    out.family(name, metric_type::counter, help);
    out.sample(name, {}, sum(field));
  };
  one("tether_http_requests_total", "HTTP requests answered", &server_stats::requests);
  one("tether_http_requests_rejected_total", "HTTP requests refused: malformed or over a size limit",
      &server_stats::requests_rejected);
  one("tether_http_connections_total", "HTTP connections accepted", &server_stats::connections_accepted);
  one("tether_http_connections_refused_total", "HTTP connections closed at once: over the connection limit",
      &server_stats::connections_refused);
  one("tether_http_connections_timed_out_total", "HTTP connections closed by their deadline",
      &server_stats::connections_timed_out);
  one("tether_http_event_streams_total", "Event streams (/api/v1/events) opened",
      &server_stats::streams_opened);
  one("tether_http_event_streams_refused_total", "Event streams refused: over the stream limit",
      &server_stats::streams_refused);
  one("tether_http_event_streams_cut_total", "Event streams cut off: a slow client missed the write deadline",
      &server_stats::streams_cut_slow);
  one("tether_http_event_streams_closed_total", "Event streams ended by their client",
      &server_stats::streams_closed);
}

void write_admin_api_metrics(exposition& out, const api::admin_api_stats& stats) {
  constexpr std::string_view name = "tether_http_admin_api_requests_total";
  out.family(name, metric_type::counter, "Admin API requests by outcome");
  out.sample(name, {{"outcome", "served"}}, load(stats.served));
  out.sample(name, {{"outcome", "unauthorized"}}, load(stats.unauthorized));
  out.sample(name, {{"outcome", "forbidden"}}, load(stats.forbidden));
  out.sample(name, {{"outcome", "rejected"}}, load(stats.rejected));
  out.sample(name, {{"outcome", "failed"}}, load(stats.failed));
}

std::string render_metrics(const metric_sources& sources) {
  exposition out;
  out.family("tether_build_info", metric_type::gauge, "Always 1; the version is a label");
  out.sample("tether_build_info", {{"version", sources.version}}, std::uint64_t{1});
  const auto brokers = sources.brokers ? sources.brokers() : std::vector<broker*>{};
  write_broker_metrics(out, brokers);
  write_gateway_metrics(out, brokers, sources.hub);
  if (sources.network) write_network_metrics(out, *sources.network);
  write_histogram_metrics(out, sources.measures);
  write_http_metrics(out, sources.http);
  if (sources.admin_api) write_admin_api_metrics(out, *sources.admin_api);
  if (sources.frontends) sources.frontends->write(out);
  return out.take();
}

}  // namespace tether::http
