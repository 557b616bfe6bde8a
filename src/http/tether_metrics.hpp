#pragma once
// What /metrics shows of Tether: every realm's broker counters (label `realm`; messages queued and in
// flight; drops by `reason`; connections refused by CONNACK `code`), the gateway realms' traffic, the
// gateway hub (gateways connected; drops summed over gateways by `reason`), the network core's counters
// (uplinks, joins and downlinks by `outcome`, drops by `reason`, downlink failures by TTS `error` name),
// histograms of uplink latency and of the stores' group commits (label `store`), and the HTTP server's
// own and its admin API's requests by outcome. Labels are bounded: realm names, reasons, codes, error names
// and outcomes only, never a device, client or gateway. Rendering reads atomics and takes the hub's, the
// brokers' and each session's locks briefly (one at a time per session); it allocates only the text it
// returns.

#include <functional>
#include <string>
#include <vector>

namespace tether::mqtt {
class broker;
}
namespace tether::gateway {
class hub;
}
namespace tether::network {
class server;
}

namespace tether::core {
class histogram;
}
namespace tether::storage {
struct group_commit_stats;
}

namespace tether::http::api {
struct admin_api_stats;
}

namespace tether::http {

struct server_stats;
class downlink_failure_meter;

// What the core measures besides its counters (serve builds them with the core).
struct core_measures {
  const core::histogram* uplink_latency_us = nullptr;         // uplink_latency_meter
  const downlink_failure_meter* downlink_failures = nullptr;  // down/failed by error name
  struct store {
    std::string name;  // "device_sessions", ...: the `store` label
    const storage::group_commit_stats* commits = nullptr;
  };
  std::vector<store> stores;
};

class exposition;

// What frontends count besides the core (the IoT realm, the outbound connectors): each adds a writer
// while it is built, and every scrape calls them in order after the core's families. Writers read
// atomics or take their owner's lock briefly; they run on the HTTP thread.
class metric_writers {
 public:
  using writer = std::function<void(exposition&)>;
  void add(writer w) { writers_.push_back(std::move(w)); }  // while serve builds, before any scrape
  void write(exposition& out) const {
    for (const auto& w : writers_) w(out);
  }

 private:
  std::vector<writer> writers_;
};

struct metric_sources {
  std::function<std::vector<mqtt::broker*>()> brokers;  // asked at each scrape
  gateway::hub* hub = nullptr;
  network::server* network = nullptr;
  std::vector<const server_stats*> http;  // the HTTP servers (plain, TLS)
  const api::admin_api_stats* admin_api = nullptr;
  core_measures measures;
  const metric_writers* frontends = nullptr;
  std::string version;
};

void write_broker_metrics(exposition& out, const std::vector<mqtt::broker*>& brokers);
void write_gateway_metrics(exposition& out, const std::vector<mqtt::broker*>& brokers,
                           const gateway::hub* hub);
void write_network_metrics(exposition& out, const network::server& network);
// Downlink failures by error name; uplink latency and group commits, as histograms in seconds and changes.
void write_histogram_metrics(exposition& out, const core_measures& measures);
void write_http_metrics(exposition& out, const std::vector<const server_stats*>& servers);
// Admin API requests by `outcome`: served, unauthorized, forbidden, rejected, failed.
void write_admin_api_metrics(exposition& out, const api::admin_api_stats& stats);

// All of the above, with tether_build_info.
std::string render_metrics(const metric_sources& sources);

}  // namespace tether::http
