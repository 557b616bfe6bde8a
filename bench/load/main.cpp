// tether-bench: an MQTT 3.1.1 load generator for Tether and other brokers.
//   tether-bench fan-in|fan-out|pairs [--clients N] [--qos Q] [--payload B] [--count N | --duration S]
//   [--rate R] tether-bench connections [--clients N] [--hold S] [--server-pid PID]
// Exit status: 0 when every message arrived as it should (or every connection held), 1 otherwise,
// 2 on a usage error.

#include "flow_scenario.hpp"
#include "idle_connections.hpp"

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <sys/resource.h>

#include <exception>
#include <string>

namespace {

using namespace tether::bench;

struct common_options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 1883;
  std::size_t concurrency = 64;
  bool no_spread = false;
  bool json = false;
};

// Many connections need many descriptors: take everything the hard limit allows.
void raise_file_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

connect_plan make_plan(const common_options& c) {
  connect_plan plan;
  plan.server = tcp::endpoint(asio::ip::make_address(c.host), c.port);
  plan.concurrency = c.concurrency;
  plan.spread_sources = !c.no_spread;
  return plan;
}

void add_common(CLI::App& cmd, common_options& c) {
  cmd.add_option("--host", c.host, "Broker address (IPv4 or IPv6 literal)")->capture_default_str();
  cmd.add_option("--port", c.port, "Broker port")->capture_default_str();
  cmd.add_option("--concurrency", c.concurrency, "Connection handshakes in progress at once")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd.add_flag("--no-spread", c.no_spread, "Do not bind clients to 127.0.0.(1 + i % 250)");
  cmd.add_flag("--json", c.json, "Print one JSON object instead of a table");
}

CLI::App* add_flow(CLI::App& app, const std::string& name, flow_kind kind, const std::string& help,
                   flow_options& f, common_options& c, flow_kind& chosen) {
  auto* cmd = app.add_subcommand(name, help);
  add_common(*cmd, c);
  cmd->add_option("-n,--clients", f.clients, "Publishers (fan-in), subscribers (fan-out) or pairs")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100'000}))
      ->capture_default_str();
  cmd->add_option("-q,--qos", f.qos, "QoS of publishes and subscriptions")
      ->check(CLI::Range(0, 2))
      ->capture_default_str();
  cmd->add_option("-s,--payload", f.payload_size, "Payload bytes (at least 20: the stamp)")
      ->check(CLI::Range(std::size_t{20}, std::size_t{16 * 1024 * 1024}))
      ->capture_default_str();
  cmd->add_option("-c,--count", f.count, "Messages per publisher")->capture_default_str();
  cmd->add_option("-d,--duration", f.duration_s, "Publish for this many seconds instead of --count");
  cmd->add_option("-r,--rate", f.rate, "Target msgs/s over all publishers (0: unpaced)")
      ->capture_default_str();
  cmd->add_option("-w,--window", f.window, "QoS 1/2 publishes in flight per publisher")
      ->check(CLI::Range(std::size_t{1}, std::size_t{65'535}))
      ->capture_default_str();
  cmd->add_option("--drain-timeout", f.drain_timeout_s,
                  "Seconds without progress before missing messages count")
      ->capture_default_str();
  cmd->add_option("--timeout", f.timeout_s, "Seconds before the whole run is abandoned")
      ->capture_default_str();
  cmd->callback([&chosen, kind] { chosen = kind; });
  return cmd;
}

int run_flow_command(flow_options f, const common_options& c) {
  f.connect = make_plan(c);
  auto r = run_flow(f);
  c.json ? print_json(r) : print_table(r);
  return r.ok ? 0 : 1;
}

int run_connections_command(connections_options o, const common_options& c) {
  o.connect = make_plan(c);
  auto r = run_connections(o);
  c.json ? print_json(r) : print_table(r);
  return r.ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"tether-bench: MQTT 3.1.1 load generator"};
  app.require_subcommand(1);
  common_options common;
  flow_options flow;
  flow_kind kind = flow_kind::fan_in;
  auto* fan_in = add_flow(app, "fan-in", flow_kind::fan_in, "N publishers -> 1 subscriber on a wildcard",
                          flow, common, kind);
  auto* fan_out =
      add_flow(app, "fan-out", flow_kind::fan_out, "1 publisher -> N subscribers", flow, common, kind);
  auto* pairs =
      add_flow(app, "pairs", flow_kind::pairs, "N publisher -> subscriber pairs", flow, common, kind);

  connections_options conns;
  auto* connections = app.add_subcommand("connections", "Open N idle connections and hold them");
  add_common(*connections, common);
  connections->add_option("-n,--clients", conns.clients, "Connections")->capture_default_str();
  connections->add_option("--hold", conns.hold_s, "Seconds to hold them")->capture_default_str();
  connections->add_option("--server-pid", conns.server_pid,
                          "Read this process's RSS before and while holding");

  CLI11_PARSE(app, argc, argv);
  raise_file_limit();
  try {
    if (connections->parsed()) return run_connections_command(conns, common);
    if (fan_in->parsed() || fan_out->parsed() || pairs->parsed()) {
      flow.kind = kind;
      return run_flow_command(flow, common);
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "tether-bench: {}\n", e.what());
    return 1;
  }
  return 2;
}
