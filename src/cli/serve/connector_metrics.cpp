#include "cli/serve/connector_metrics.hpp"

namespace tether::cli {

namespace {

namespace conn = application::connector;
using http::metric_type;

// The summed fields, in retired_link_counts' order.
constexpr std::array<std::atomic<std::uint64_t> conn::link_counters::*, retired_link_counts::fields> summed{
    &conn::link_counters::published,
    &conn::link_counters::acked,
    &conn::link_counters::replayed,
    &conn::link_counters::expired,
    &conn::link_counters::missing,
    &conn::link_counters::filtered,
    &conn::link_counters::outbox_dropped,
    &conn::link_counters::downstream,
    &conn::link_counters::downstream_dropped,
    &conn::link_counters::connects,
    &conn::link_counters::connect_failures,
    &conn::link_counters::ack_timeouts,
    &conn::link_counters::link_errors};
enum field : std::size_t {
  published,
  acked,
  replayed,
  expired,
  missing,
  filtered,
  outbox_dropped,
  downstream,
  downstream_dropped,
  connects,
  connect_failures,
  ack_timeouts,
  link_errors
};

std::uint64_t load(const std::atomic<std::uint64_t>& a) { return a.load(std::memory_order_relaxed); }

}  // namespace

void retired_link_counts::add(const conn::link_counters& c) {
  for (std::size_t i = 0; i < fields; ++i) sums_[i].fetch_add(load(c.*summed[i]), std::memory_order_relaxed);
}

std::array<std::uint64_t, retired_link_counts::fields> retired_link_counts::values() const {
  std::array<std::uint64_t, fields> out{};
  for (std::size_t i = 0; i < fields; ++i) out[i] = load(sums_[i]);
  return out;
}

void write_connector_metrics(http::exposition& out, const std::vector<const conn::link_counters*>& live,
                             const retired_link_counts& retired, const conn::downstream_counters& d) {
  auto v = retired.values();
  for (const auto* c : live) {
    for (std::size_t i = 0; i < v.size(); ++i) v[i] += load(c->*summed[i]);
  }
  out.family("tether_connector_links", metric_type::gauge, "Outbound connectors running");
  out.sample("tether_connector_links", {}, static_cast<std::uint64_t>(live.size()));
  out.family("tether_connector_messages_total", metric_type::counter,
             "Connector publishes (re-sends included), PUBACKs, and messages replayed as history");
  out.sample("tether_connector_messages_total", {{"outcome", "published"}}, v[published]);
  out.sample("tether_connector_messages_total", {{"outcome", "acked"}}, v[acked]);
  out.sample("tether_connector_messages_total", {{"outcome", "replayed"}}, v[replayed]);
  out.sample("tether_connector_messages_total", {{"outcome", "filtered"}}, v[filtered]);
  out.family(
      "tether_connector_connections_total", metric_type::counter,
      "Connector connections: CONNACKs, attempts that failed, links lost after CONNACK, PUBACK timeouts");
  out.sample("tether_connector_connections_total", {{"outcome", "connected"}}, v[connects]);
  out.sample("tether_connector_connections_total", {{"outcome", "failed"}}, v[connect_failures]);
  out.sample("tether_connector_connections_total", {{"outcome", "lost"}}, v[link_errors]);
  out.sample("tether_connector_connections_total", {{"outcome", "ack_timeout"}}, v[ack_timeouts]);
  out.family("tether_connector_drops_total", metric_type::counter,
             "Connector messages not delivered, by reason");
  out.sample("tether_connector_drops_total", {{"reason", "history_expired"}}, v[expired]);
  out.sample("tether_connector_drops_total", {{"reason", "trimmed_before_read"}}, v[missing]);
  out.sample("tether_connector_drops_total", {{"reason", "outbox_full"}}, v[outbox_dropped]);
  out.sample("tether_connector_drops_total", {{"reason", "downstream_unhandled"}}, v[downstream_dropped]);
  out.sample("tether_connector_drops_total", {{"reason", "answer_outbox_full"}}, load(d.answers_dropped));
  out.family("tether_connector_downstream_total", metric_type::counter,
             "Messages on the connectors' topic_down, by what became of them");
  out.sample("tether_connector_downstream_total", {{"outcome", "received"}}, v[downstream]);
  out.sample("tether_connector_downstream_total", {{"outcome", "bound_to_window"}}, load(d.responses_bound));
  out.sample("tether_connector_downstream_total", {{"outcome", "queued"}}, load(d.responses_queued));
  out.sample("tether_connector_downstream_total", {{"outcome", "claim"}}, load(d.claims));
  out.sample("tether_connector_downstream_total", {{"outcome", "refused_invalid"}}, load(d.refused_invalid));
  out.sample("tether_connector_downstream_total", {{"outcome", "refused_late"}}, load(d.refused_late));
  out.sample("tether_connector_downstream_total", {{"outcome", "refused_unknown"}}, load(d.refused_unknown));
  out.sample("tether_connector_downstream_total", {{"outcome", "refused_unsupported"}},
             load(d.refused_unsupported));
}

}  // namespace tether::cli
