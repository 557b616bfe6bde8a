// `tether serve`: builds the core (storage, API keys, the gateway hub, the application bus and the
// network core between them) from flags, config file and TETHER_* variables, then lets each
// frontend module (cli/serve/frontend_modules.cpp) build its realm and listeners on it, and runs the
// workers until SIGINT/SIGTERM.

#include "application/bus.hpp"
#include "cli/commands.hpp"
#include "cli/event_log_flags.hpp"
#include "cli/log_format.hpp"
#include "cli/registry_poller.hpp"
#include "cli/serve/frontend_modules.hpp"
#include "cli/serve/realm_host.hpp"
#include "cli/serve/serve_flags.hpp"
#include "gateway/gateway_state_writer.hpp"
#include "gateway/hub.hpp"
#include "gateway/ttsv3/protobuf_logging.hpp"
#include "http/downlink_failure_meter.hpp"
#include "http/tether_metrics.hpp"
#include "http/uplink_latency_meter.hpp"
#include "network/device_session_store_persistence.hpp"
#include "network/server.hpp"
#include "registry/key_authenticator.hpp"
#include "storage/device_session_store.hpp"
#include "storage/downlink_queue_store.hpp"
#include "storage/group_commit_stats.hpp"
#include "storage/migrations.hpp"
#include "storage/mqtt_state_store.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/signal_set.hpp>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <memory>
#include <thread>

namespace tether::cli {
namespace {

// The flags of the core; each frontend module holds its own.
struct core_options {
  std::string config_file;
  std::string data_dir = "data";
  std::string log_level = "info";
  std::string log_format = "text";
  std::size_t workers = std::max(1u, std::thread::hardware_concurrency());
  std::string tls_cert;
  std::string tls_key;
  std::string tls_ca;

  // Limits of every realm's MQTT broker.
  std::size_t mqtt_max_queued = 1000;
  std::size_t mqtt_max_inflight = 100;
  std::size_t mqtt_max_packet_size = 256 * 1024 * 1024;

  // The network core.
  std::uint32_t dedup_window_ms = 200;
  std::string net_id = "000013";
  float adr_margin_db = 10;

  std::string storage_sync = "normal";
  event_log_flags events;
};

void add_core_flags(CLI::App& cmd, core_options& o) {
  flag(cmd, "config", o.config_file,
       "TOML file whose keys are flag names (the command line and TETHER_* win)")
      ->check(CLI::ExistingFile);
  flag(cmd, "data-dir", o.data_dir, "Directory for the database and state");
  flag(cmd, "log-level", o.log_level, "trace, debug, info, warn, error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  flag(cmd, "log-format", o.log_format,
       "text, or json: one JSON object per line with time, level, component, message and correlation IDs")
      ->check(CLI::IsMember({"text", "json"}));
  flag(cmd, "workers", o.workers, "Worker threads (one io_context each)")->check(CLI::Range(1, 256));
  flag(cmd, "tls-cert", o.tls_cert, "PEM certificate chain for TLS listeners");
  flag(cmd, "tls-key", o.tls_key, "PEM private key for TLS listeners");
  flag(cmd, "tls-ca", o.tls_ca, "PEM CA bundle: when set, TLS clients must present a certificate it signed");
  flag(cmd, "mqtt-max-queued", o.mqtt_max_queued,
       "Messages queued per client before publishers are slowed "
       "(online) or QoS 1/2 messages are dropped (offline)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{10'000'000}));
  flag(cmd, "mqtt-max-inflight", o.mqtt_max_inflight,
       "Unacknowledged QoS 1/2 messages per client (0: no limit)");
  flag(cmd, "mqtt-max-packet-size", o.mqtt_max_packet_size, "Largest packet accepted, in bytes")
      ->check(CLI::Range(std::size_t{16}, std::size_t{268'435'455}));
  flag(cmd, "dedup-window", o.dedup_window_ms,
       "Milliseconds the network core gathers copies of one frame from all gateways")
      ->check(CLI::Range(0u, 10'000u));
  flag(cmd, "net-id", o.net_id,
       "NetID (6 hex digits); DevAddrs of joining devices are allocated in its range");
  flag(cmd, "adr-margin", o.adr_margin_db,
       "dB of SNR adaptive data rate keeps above the demodulation floor (more: slower, safer links)")
      ->check(CLI::Range(0.0f, 30.0f));
  flag(cmd, "storage-sync", o.storage_sync,
       "normal: what is acknowledged survives a crash; full: also power loss (fsync per commit, slower)")
      ->check(CLI::IsMember({"normal", "full"}));
  add_event_log_flags(cmd, o.events);
}

std::uint32_t parse_net_id(const std::string& text) {
  std::uint32_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  if (text.size() != 6 || ec != std::errc{} || end != text.data() + text.size()) {
    throw std::runtime_error("--net-id must be 6 hex digits, e.g. 000013, not '" + text + "'");
  }
  return value;
}

network::server_options network_options_of(const core_options& o) {
  network::server_options n;
  n.dedup_window = std::chrono::milliseconds(o.dedup_window_ms);
  n.net_id = parse_net_id(o.net_id);
  n.adr_margin_db = o.adr_margin_db;
  return n;
}

mqtt::broker_options broker_defaults_of(const core_options& o) {
  mqtt::broker_options b;
  b.session.max_queued = o.mqtt_max_queued;
  b.session.max_inflight = o.mqtt_max_inflight;
  b.max_packet_size = o.mqtt_max_packet_size;
  return b;
}

// Creates the data directory and brings the database's schema up to date; returns its path.
std::string prepare_database(const core_options& o) {
  std::filesystem::create_directories(o.data_dir);
  auto path = (std::filesystem::path(o.data_dir) / "tether.db").string();
  storage::database db(path);
  storage::migrate(db);
  return path;
}

// The network core is sharded by device over the workers.
std::vector<boost::asio::any_io_executor> shard_executors(mqtt::worker_pool& workers) {
  std::vector<boost::asio::any_io_executor> out;
  for (std::size_t i = 0; i < workers.size(); ++i) out.push_back(workers.at(i).context().get_executor());
  return out;
}

void run_until_signal(mqtt::worker_pool& workers, const std::string& data_dir) {
  boost::asio::signal_set signals(workers.system().context(), SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code ec, int signal) {
    if (ec) return;
    spdlog::info("signal {}: shutting down", signal);
    workers.stop();
  });
  spdlog::info("tether serving with {} worker(s), data in {}", workers.size(), data_dir);
  workers.run();
}

// Modules release what refers to the core before the core goes, last built first.
struct stop_on_exit {
  const frontend_modules& modules;
  ~stop_on_exit() {
    for (auto m = modules.rbegin(); m != modules.rend(); ++m) (*m)->stop();
  }
};

int serve(const core_options& o, const frontend_modules& modules) {
  spdlog::set_level(spdlog::level::from_str(o.log_level));
  set_log_format(o.log_format);
  gateway::ttsv3::route_protobuf_logs_to_spdlog();
  const auto db_path = prepare_database(o);
  const auto sync = o.storage_sync == "full" ? storage::sync_mode::full : storage::sync_mode::normal;
  // Group commits of each store, for /metrics; they outlive the stores.
  storage::group_commit_stats mqtt_commits, session_commits, downlink_commits, event_commits;
  storage::mqtt_state_store mqtt_state(db_path, {.sync = sync, .stats = &mqtt_commits});
  mqtt::worker_pool workers(o.workers);
  const mqtt::tls_files tls{o.tls_cert, o.tls_key, o.tls_ca};
  realm_host realms(workers, mqtt_state, tls);
  const auto system = workers.system().context().get_executor();

  // The core: API keys, the gateway hub and the application bus, the network core between them
  // (device sessions and downlink queues in SQLite).
  storage::database keys_db(db_path);
  registry::key_authenticator keys(keys_db);
  gateway::hub hub;
  // Application events: logged durably (numbered per application), then delivered on their worker.
  auto event_options = to_event_log_options(o.events, sync);
  event_options.writer.stats = &event_commits;
  storage::event_log event_log(db_path, event_options);
  std::vector<boost::asio::io_context*> worker_contexts;
  for (std::size_t i = 0; i < workers.size(); ++i) worker_contexts.push_back(&workers.at(i).context());
  application::bus bus(&event_log, worker_contexts);
  storage::device_session_store device_sessions(db_path, {.sync = sync, .stats = &session_commits});
  network::device_session_store_persistence session_persistence(device_sessions);
  storage::downlink_queue_store downlink_queue(db_path,
                                               {.writer = {.sync = sync, .stats = &downlink_commits}});
  http::uplink_latency_meter uplink_latency(bus);  // between the core and the bus
  http::downlink_failure_meter downlink_failures(uplink_latency);
  network::server network_server(network_options_of(o), shard_executors(workers), db_path,
                                 session_persistence, downlink_failures, hub, nullptr, &downlink_queue);
  const http::core_measures measures{.uplink_latency_us = &uplink_latency.latency(),
                                     .downlink_failures = &downlink_failures,
                                     .stores = {{"mqtt_state", &mqtt_commits},
                                                {"device_sessions", &session_commits},
                                                {"downlink_queues", &downlink_commits},
                                                {"event_log", &event_commits}}};
  http::metric_writers frontend_metrics;  // filled by the modules' build()
  hub.set_core(network_server);
  hub.set_pressure(network_server);  // gateway connections stop reading while the core is behind
  hub.set_events(bus);               // gateway events go to the log only (the live event stream reads them)
  bus.set_downlink_handler(network_server);
  gateway::gateway_state_writer gateway_state(db_path, hub, system);

  serve_context ctx{.workers = workers,
                    .database_path = db_path,
                    .mqtt_state = mqtt_state,
                    .keys = keys,
                    .hub = hub,
                    .bus = bus,
                    .event_log = event_log,
                    .network = network_server,
                    .tls = tls,
                    .broker_defaults = broker_defaults_of(o),
                    .realms = realms,
                    .measures = measures,
                    .metrics = frontend_metrics};
  const stop_on_exit stopper{modules};  // also when a later module fails to build
  for (const auto& m : modules) m->build(ctx);
  if (realms.listener_count() == 0) {
    spdlog::warn("no listener is enabled (try --mqtt-listen 127.0.0.1:1883 --mqtt-allow-anonymous)");
  }

  // Registry changes made with the CLI: reload keys, disconnect whoever lost access.
  registry_poller registry_changes(db_path, system, [&](const registry::registry_changes&) {
    keys.refresh();
    network_server.reload_devices();
    realms.disconnect_revoked(keys);
  });

  realms.start("0.1.0");
  for (const auto& m : modules) m->start();
  gateway_state.start();
  registry_changes.start();
  run_until_signal(workers, o.data_dir);
  gateway_state.flush();
  return 0;
}

}  // namespace

void add_serve_command(CLI::App& app, command_context& ctx) {
  struct setup {
    core_options core;
    frontend_modules modules = make_frontend_modules();
  };
  auto s = std::make_shared<setup>();
  auto* cmd = app.add_subcommand("serve", "Run the server");
  add_core_flags(*cmd, s->core);
  for (auto& m : s->modules) m->add_flags(*cmd);
  cmd->callback([s, cmd, &ctx] {
    if (!s->core.config_file.empty()) apply_config_file(*cmd, s->core.config_file);
    try {
      ctx.exit_code = serve(s->core, s->modules);
    } catch (const std::exception& e) {
      spdlog::error("{}", e.what());
      ctx.exit_code = 1;
    }
  });
}

}  // namespace tether::cli
