// `tether serve`: builds the object graph from flags, config file and TETHER_* variables, opens
// the listeners and runs the workers until SIGINT/SIGTERM.

#include "application/bus.hpp"
#include "application/ttsv3/application_realm.hpp"
#include "cli/commands.hpp"
#include "cli/event_log_flags.hpp"
#include "cli/registry_poller.hpp"
#include "gateway/gateway_state_writer.hpp"
#include "gateway/hub.hpp"
#include "gateway/ttsv3/gateway_realm.hpp"
#include "gateway/ttsv3/protobuf_logging.hpp"
#include "mqtt/broker.hpp"
#include "mqtt/listener.hpp"
#include "mqtt/tls_context.hpp"
#include "mqtt/worker_pool.hpp"
#include "network/device_session_store_persistence.hpp"
#include "network/server.hpp"
#include "plain/plain_realm.hpp"
#include "registry/key_authenticator.hpp"
#include "storage/device_session_store.hpp"
#include "storage/downlink_queue_store.hpp"
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

struct serve_options {
  std::string data_dir = "data";
  std::string log_level = "info";
  std::size_t workers = std::max(1u, std::thread::hardware_concurrency());

  // Listeners ("" disables). Realms other than the plain broker register theirs as they land.
  std::string gateway_v3_listen = "0.0.0.0:1882";
  std::string gateway_v3_tls_listen = "0.0.0.0:8882";
  std::string gateway_v3_ws_listen;
  std::string gateway_v3_wss_listen;
  std::string gateway_v2_listen = "0.0.0.0:1881";
  std::string application_listen = "0.0.0.0:1883";
  std::string application_tls_listen = "0.0.0.0:8883";
  std::string application_ws_listen;
  std::string application_wss_listen;
  std::string iot_listen = "0.0.0.0:1884";
  std::string mqtt_listen;
  std::string mqtt_tls_listen;
  std::string mqtt_ws_listen;
  std::string mqtt_wss_listen;
  std::string http_listen = "127.0.0.1:8080";
  std::string tls_cert;
  std::string tls_key;
  std::string tls_ca;

  // The network core.
  std::uint32_t dedup_window_ms = 200;
  std::string net_id = "000013";
  float adr_margin_db = 10;

  // The plain broker.
  std::string mqtt_password_file;
  std::string mqtt_acl_file;
  bool mqtt_allow_anonymous = false;
  std::size_t mqtt_max_queued = 1000;
  std::size_t mqtt_max_inflight = 100;
  std::size_t mqtt_max_packet_size = 256 * 1024 * 1024;

  std::string storage_sync = "normal";
  event_log_flags events;
};

// Every flag is also TETHER_<FLAG> in the environment and a key of the --config file.
template <class T>
CLI::Option* flag(CLI::App& cmd, const std::string& name, T& value, const std::string& help) {
  std::string env = "TETHER_" + name;
  for (auto& c : env) c = c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return cmd.add_option("--" + name, value, help)->envname(env)->capture_default_str();
}

void add_flags(CLI::App& cmd, serve_options& o) {
  cmd.set_config("--config", "", "TOML configuration file (keys are the flag names)");
  flag(cmd, "data-dir", o.data_dir, "Directory for the database and state");
  flag(cmd, "log-level", o.log_level, "trace, debug, info, warn, error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  flag(cmd, "workers", o.workers, "Worker threads (one io_context each)")->check(CLI::Range(1, 256));
  flag(cmd, "gateway-v3-listen", o.gateway_v3_listen, "Gateway API (The Things Stack v3 protobuf), TCP");
  flag(cmd, "gateway-v3-tls-listen", o.gateway_v3_tls_listen, "Gateway API (v3), TLS (needs --tls-cert)");
  flag(cmd, "gateway-v3-ws-listen", o.gateway_v3_ws_listen, "Gateway API (v3), WebSocket (path /mqtt)");
  flag(cmd, "gateway-v3-wss-listen", o.gateway_v3_wss_listen, "Gateway API (v3), WebSocket over TLS");
  flag(cmd, "gateway-v2-listen", o.gateway_v2_listen, "Gateway API (TTN v2 connector), TCP");
  flag(cmd, "application-listen", o.application_listen, "Application API (JSON), TCP");
  flag(cmd, "application-tls-listen", o.application_tls_listen, "Application API, TLS");
  flag(cmd, "application-ws-listen", o.application_ws_listen, "Application API, WebSocket (path /mqtt)");
  flag(cmd, "application-wss-listen", o.application_wss_listen, "Application API, WebSocket over TLS");
  flag(cmd, "iot-listen", o.iot_listen, "IoT platform API (Watson IoT style), TCP");
  flag(cmd, "mqtt-listen", o.mqtt_listen, "General-purpose MQTT broker, TCP (off when empty)");
  flag(cmd, "mqtt-tls-listen", o.mqtt_tls_listen, "General-purpose MQTT broker, TLS");
  flag(cmd, "mqtt-ws-listen", o.mqtt_ws_listen, "General-purpose MQTT broker, WebSocket (path /mqtt)");
  flag(cmd, "mqtt-wss-listen", o.mqtt_wss_listen, "General-purpose MQTT broker, WebSocket over TLS");
  flag(cmd, "http-listen", o.http_listen, "Health and metrics endpoint");
  flag(cmd, "tls-cert", o.tls_cert, "PEM certificate chain for TLS listeners");
  flag(cmd, "tls-key", o.tls_key, "PEM private key for TLS listeners");
  flag(cmd, "tls-ca", o.tls_ca, "PEM CA bundle: when set, TLS clients must present a certificate it signed");
  flag(cmd, "mqtt-password-file", o.mqtt_password_file,
       "Users of the MQTT broker (see `tether mqtt-passwd`)");
  flag(cmd, "mqtt-acl-file", o.mqtt_acl_file, "Topic rules of the MQTT broker (Mosquitto ACL format)");
  cmd.add_flag("--mqtt-allow-anonymous", o.mqtt_allow_anonymous, "Let clients without credentials in")
      ->envname("TETHER_MQTT_ALLOW_ANONYMOUS");
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

std::unique_ptr<plain::plain_realm> make_plain_realm(const serve_options& o) {
  plain::plain_options p;
  p.allow_anonymous = o.mqtt_allow_anonymous;
  if (!o.mqtt_password_file.empty()) p.passwords = plain::password_file::load(o.mqtt_password_file);
  if (!o.mqtt_acl_file.empty()) p.acl = plain::acl_file::load(o.mqtt_acl_file);
  return std::make_unique<plain::plain_realm>(std::move(p));
}

std::uint32_t parse_net_id(const std::string& text) {
  std::uint32_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  if (text.size() != 6 || ec != std::errc{} || end != text.data() + text.size()) {
    throw std::runtime_error("--net-id must be 6 hex digits, e.g. 000013, not '" + text + "'");
  }
  return value;
}

// Closes the connections whose API key is gone (revoked, or deleted with its gateway or application).
void disconnect_revoked(mqtt::broker& b, registry::key_authenticator& keys) {
  const auto closed = b.disconnect_if(
      [&](const mqtt::principal& who) {
        return !who.credential_id.empty() && !keys.is_active(who.credential_id);
      },
      "its API key was revoked");
  if (closed) spdlog::info("[{}] registry changed: disconnecting {} client(s)", b.owner().name(), closed);
}

int serve(const serve_options& o) {
  spdlog::set_level(spdlog::level::from_str(o.log_level));
  gateway::ttsv3::route_protobuf_logs_to_spdlog();
  std::filesystem::create_directories(o.data_dir);
  const auto db_path = (std::filesystem::path(o.data_dir) / "tether.db").string();
  {
    storage::database db(db_path);
    storage::migrate(db);
  }
  storage::mqtt_state_options state_options;
  state_options.sync = o.storage_sync == "full" ? storage::sync_mode::full : storage::sync_mode::normal;
  storage::mqtt_state_store mqtt_state(db_path, state_options);

  mqtt::worker_pool workers(o.workers);
  std::vector<std::unique_ptr<mqtt::realm>> realms;
  std::vector<std::unique_ptr<mqtt::broker>> brokers;
  std::vector<std::unique_ptr<mqtt::listener>> listeners;

  std::unique_ptr<boost::asio::ssl::context> tls;  // made on first use: only TLS listeners need files
  auto open = [&](mqtt::broker& b, const std::string& address, const std::string& label,
                  mqtt::transport_kind kind) {
    if (address.empty()) return;
    const bool secure = kind == mqtt::transport_kind::tls || kind == mqtt::transport_kind::websocket_tls;
    if (secure && (o.tls_cert.empty() || o.tls_key.empty())) {
      spdlog::warn("{}: {} not opened: TLS listeners need --tls-cert and --tls-key", label, address);
      return;
    }
    if (secure && !tls) tls = mqtt::make_server_tls_context({o.tls_cert, o.tls_key, o.tls_ca});
    try {
      listeners.push_back(std::make_unique<mqtt::listener>(workers, b, mqtt::parse_endpoint(address), label,
                                                           kind, secure ? tls.get() : nullptr));
    } catch (const boost::system::system_error& e) {
      throw std::runtime_error(label + ": cannot listen on " + address + ": " + e.code().message());
    }
  };
  // Every realm may be offered on every transport.
  auto open_all = [&](mqtt::broker& b, const std::string& label, const std::string& tcp,
                      const std::string& tls_address, const std::string& ws, const std::string& wss) {
    open(b, tcp, label, mqtt::transport_kind::tcp);
    open(b, tls_address, label, mqtt::transport_kind::tls);
    open(b, ws, label, mqtt::transport_kind::websocket);
    open(b, wss, label, mqtt::transport_kind::websocket_tls);
  };

  // One broker per realm: its own namespace, sessions and (when journaled) durable state.
  auto add_realm = [&](std::unique_ptr<mqtt::realm> realm, const mqtt::broker_options& bo, bool journaled,
                       const std::string& tcp, const std::string& tls_address, const std::string& ws,
                       const std::string& wss) -> mqtt::broker* {
    if ((tcp + tls_address + ws + wss).empty()) return nullptr;
    const std::string label(realm->name());
    realms.push_back(std::move(realm));
    auto* journal = journaled ? &mqtt_state.journal_for(label) : nullptr;
    brokers.push_back(std::make_unique<mqtt::broker>(*realms.back(), bo, workers.size(),
                                                     workers.system().context().get_executor(), journal));
    if (journaled) brokers.back()->restore(mqtt_state.load(label));
    open_all(*brokers.back(), label, tcp, tls_address, ws, wss);
    return brokers.back().get();
  };
  mqtt::broker_options plain_options;
  plain_options.session.max_queued = o.mqtt_max_queued;
  plain_options.session.max_inflight = o.mqtt_max_inflight;
  plain_options.max_packet_size = o.mqtt_max_packet_size;
  if (!(o.mqtt_listen + o.mqtt_tls_listen + o.mqtt_ws_listen + o.mqtt_wss_listen).empty()) {
    add_realm(make_plain_realm(o), plain_options, true, o.mqtt_listen, o.mqtt_tls_listen, o.mqtt_ws_listen,
              o.mqtt_wss_listen);
  }

  // Gateways and applications authenticate with API keys from the registry.
  storage::database keys_db(db_path);
  registry::key_authenticator keys(keys_db);
  gateway::hub hub;
  // Application events: logged durably (numbered per application), then delivered on their worker.
  storage::event_log event_log(db_path, to_event_log_options(o.events, state_options.sync));
  std::vector<boost::asio::io_context*> worker_contexts;
  for (std::size_t i = 0; i < workers.size(); ++i) worker_contexts.push_back(&workers.at(i).context());
  application::bus bus(&event_log, worker_contexts);

  // The gateway API (The Things Stack v3). Gateway sessions are ephemeral and nothing is retained.
  mqtt::broker_options gateway_options;
  gateway_options.max_packet_size = o.mqtt_max_packet_size;
  auto* gateway_v3 = add_realm(std::make_unique<gateway::ttsv3::gateway_realm>(keys, hub), gateway_options,
                               false, o.gateway_v3_listen, o.gateway_v3_tls_listen, o.gateway_v3_ws_listen,
                               o.gateway_v3_wss_listen);
  gateway::gateway_state_writer gateway_state(db_path, hub, workers.system().context().get_executor());

  // The application API (The Things Stack style JSON), with persistent sessions.
  auto application_realm = std::make_unique<application::ttsv3::application_realm>(keys, bus);
  auto& application_frontend = *application_realm;
  auto* applications = add_realm(std::move(application_realm), plain_options, true, o.application_listen,
                                 o.application_tls_listen, o.application_ws_listen, o.application_wss_listen);
  if (applications) bus.attach(application_frontend);

  // The network core between them: sharded by device over the workers, sessions in SQLite.
  storage::device_session_store device_sessions(db_path, {.sync = state_options.sync});
  network::device_session_store_persistence session_persistence(device_sessions);
  std::vector<boost::asio::any_io_executor> shard_executors;
  for (std::size_t i = 0; i < workers.size(); ++i)
    shard_executors.push_back(workers.at(i).context().get_executor());
  network::server_options network_options;
  network_options.dedup_window = std::chrono::milliseconds(o.dedup_window_ms);
  network_options.net_id = parse_net_id(o.net_id);
  network_options.adr_margin_db = o.adr_margin_db;
  storage::downlink_queue_store downlink_queue(db_path, {.writer = {.sync = state_options.sync}});
  network::server network_server(network_options, shard_executors, db_path, session_persistence, bus, hub,
                                 nullptr, &downlink_queue);
  hub.set_core(network_server);
  bus.set_downlink_handler(network_server);

  // Registry changes made with the CLI: reload keys, disconnect whoever lost access.
  registry_poller registry_changes(db_path, workers.system().context().get_executor(),
                                   [&](const registry::registry_changes&) {
                                     keys.refresh();
                                     network_server.reload_devices();
                                     for (auto* b : {gateway_v3, applications}) {
                                       if (b) disconnect_revoked(*b, keys);
                                     }
                                   });

  if (listeners.empty()) {
    spdlog::warn("no listener is enabled (try --mqtt-listen 127.0.0.1:1883 --mqtt-allow-anonymous)");
  }

  for (auto& b : brokers) {
    boost::asio::post(workers.system().context(), [&b] { b->start_sys_topics("0.1.0"); });
  }
  for (auto& l : listeners) l->start();
  gateway_state.start();
  registry_changes.start();

  boost::asio::signal_set signals(workers.system().context(), SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code ec, int signal) {
    if (ec) return;
    spdlog::info("signal {}: shutting down", signal);
    workers.stop();
  });
  spdlog::info("tether serving with {} worker(s), data in {}", workers.size(), o.data_dir);
  workers.run();
  gateway_state.flush();
  return 0;
}

}  // namespace

void add_serve_command(CLI::App& app, command_context& ctx) {
  auto options = std::make_shared<serve_options>();
  auto* cmd = app.add_subcommand("serve", "Run the server");
  add_flags(*cmd, *options);
  cmd->callback([options, &ctx] {
    try {
      ctx.exit_code = serve(*options);
    } catch (const std::exception& e) {
      spdlog::error("{}", e.what());
      ctx.exit_code = 1;
    }
  });
}

}  // namespace tether::cli
