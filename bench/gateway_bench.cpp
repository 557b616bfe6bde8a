// Gateway API throughput: how many uplinks per second the gateway realm accepts from many connected
// gateways, decodes and hands to the hub, with the TTS v3 format (v3/{id}/up) or the TTN v2 one
// ({id}/up, username = ID and password = key, as the v2 C library logs in). The real listener, broker, realm,
// codec and hub run on their worker threads; the hub's core only counts (the network core has its own
// benchmarks). The load comes from real MQTT connections (tether::mqtt::client) on one more thread of this
// process, so the figure includes the load generator's share of the two cores.
//
//   gateway_bench --gateways 1000 --seconds 10 --workers 1 --qos 0 [--format v2]

#include "gateway/gateway_realm.hpp"
#include "gateway/hub.hpp"
#include "gateway/ttnv2/codec.hpp"
#include "gateway/ttnv2/format.hpp"
#include "gateway/ttsv3/codec.hpp"
#include "gateway/ttsv3/format.hpp"
#include "mqtt/broker.hpp"
#include "mqtt/client/client.hpp"
#include "mqtt/listener.hpp"
#include "mqtt/worker_pool.hpp"
#include "registry/gateway_store.hpp"
#include "registry/key_authenticator.hpp"
#include "registry/key_store.hpp"
#include "storage/migrations.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <CLI/CLI.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>
#include <vector>

namespace {

using namespace tether;
using clock_type = std::chrono::steady_clock;

// Stands in for the network core: counts what the hub hands over.
class counting_core : public network::uplink_handler {
 public:
  void handle_uplink(network::gateway_uplink) override { uplinks.fetch_add(1, std::memory_order_relaxed); }
  void handle_status(const network::gateway_status&) override {}
  void handle_tx_ack(const network::tx_ack&) override {}
  std::atomic<std::uint64_t> uplinks{0};
};

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// A typical uplink: a 13-byte frame with a 20-byte payload heard on one antenna.
std::string sample_uplink(const std::string& gateway_id, bool v2) {
  network::gateway_uplink up;
  up.raw_payload.assign(33, 0x5A);
  up.raw_payload[0] = 0x40;
  up.settings.data_rate = network::lora_data_rate{125000, 7, "4/5"};
  up.settings.frequency = 868100000;
  up.settings.timestamp = 1'000'000;
  network::rx_metadata md;
  md.gateway_id = gateway_id;
  md.timestamp = 1'000'000;
  md.rssi = -70;
  md.channel_rssi = -70;
  md.snr = 7.5;
  up.rx_metadata.push_back(md);
  return v2 ? gateway::ttnv2::encode_uplink(up) : gateway::ttsv3::encode_uplink(up);
}

std::unique_ptr<gateway::format> make_format(bool v2) {
  if (v2) return std::make_unique<gateway::ttnv2::format>();
  return std::make_unique<gateway::ttsv3::format>();
}

struct gateway_client {
  std::string id;
  std::string password;
  std::string topic;
  std::string payload;
  std::unique_ptr<mqtt::client> mqtt;
  std::uint64_t sent = 0;
};

// Keeps each gateway's output buffer topped up: QoS 0 as fast as writes complete, QoS 1 within the window.
void pump(gateway_client& c, unsigned qos, const std::atomic<bool>& running) {
  if (!running.load(std::memory_order_relaxed) || !c.mqtt->is_connected()) return;
  while (c.mqtt->buffered() < 8 * 1024 && (qos == 0 || c.mqtt->window_open())) {
    c.mqtt->publish(c.topic, c.payload, static_cast<std::uint8_t>(qos));
    ++c.sent;
  }
  c.mqtt->flush();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Uplinks per second through the gateway realm (TTS v3 or TTN v2 format)"};
  std::size_t gateways = 1000;
  double seconds = 10;
  std::size_t workers_count = 1;
  unsigned qos = 0;
  std::size_t window = 16;
  std::string format_name = "v3";
  app.add_option("--gateways", gateways, "Connected gateways")->capture_default_str();
  app.add_option("--seconds", seconds, "Measured time after a one-second warm-up")->capture_default_str();
  app.add_option("--workers", workers_count, "Server worker threads")->capture_default_str();
  app.add_option("--qos", qos, "QoS of the uplinks (0 or 1)")->check(CLI::Range(0, 1))->capture_default_str();
  app.add_option("--window", window, "QoS 1 uplinks in flight per gateway")->capture_default_str();
  app.add_option("--format", format_name, "Gateway protocol: v3 (TTS) or v2 (TTN connector)")
      ->check(CLI::IsMember({"v3", "v2"}))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);
  const bool v2 = format_name == "v2";

  // A registry with the gateways and one link key each.
  const auto dir = std::filesystem::temp_directory_path() / fmt::format("tether-gateway-bench-{}", getpid());
  std::filesystem::create_directories(dir);
  const auto db_path = (dir / "tether.db").string();
  storage::database db(db_path);
  storage::migrate(db);
  std::vector<gateway_client> clients(gateways);
  {
    for (std::size_t i = 0; i < gateways; ++i) {
      auto& c = clients[i];
      c.id = fmt::format("gw-{:05}", i);
      c.topic = v2 ? fmt::format("{}/up", c.id) : fmt::format("v3/{}/up", c.id);
      c.payload = sample_uplink(c.id, v2);
      registry::gateway g;
      g.gateway_id = c.id;
      if (!registry::gateway_store(db).create(g)) throw std::runtime_error("gateway not created");
      auto key = registry::key_store(db).create({registry::entity_kind::gateway, c.id},
                                                {registry::right::gateway_link});
      if (!key) throw std::runtime_error("key not created");
      c.password = key->full_key;
    }
  }

  // The server side: workers, the gateway realm's broker and a TCP listener on a free port.
  mqtt::worker_pool workers(workers_count);
  storage::database keys_db(db_path);
  registry::key_authenticator keys(keys_db);
  gateway::hub hub;
  counting_core core;
  hub.set_core(core);
  gateway::gateway_realm realm(keys, hub, make_format(v2));
  mqtt::broker broker(realm, {}, workers.size(), workers.system().context().get_executor());
  mqtt::listener listener(workers, broker, {boost::asio::ip::make_address("127.0.0.1"), 0},
                          std::string(realm.name()));
  const auto endpoint = listener.local_endpoint();
  listener.start();
  std::thread server([&] { workers.run(); });

  // The gateways: one io_context on this thread, connections spread over 127.0.0.x source addresses.
  boost::asio::io_context io;
  std::atomic<bool> running{true};
  std::size_t connected = 0, failed = 0;
  for (std::size_t i = 0; i < gateways; ++i) {
    auto& c = clients[i];
    mqtt::client_options options;
    options.client_id = c.id;
    options.username = c.id;
    options.password = c.password;
    options.window = window;
    mqtt::client_events events;
    events.on_ready = [&c, &running, qos] { pump(c, qos, running); };
    events.on_error = [&failed](std::string_view, const boost::system::error_code&) { ++failed; };
    c.mqtt = std::make_unique<mqtt::client>(io, options, events);
    const auto source =
        boost::asio::ip::make_address_v4(0x7F000001u + static_cast<std::uint32_t>(1 + i % 200));
    c.mqtt->start(endpoint, source, [&, &c = c](const boost::system::error_code& ec) {
      if (ec) {
        ++failed;
        return;
      }
      ++connected;
      pump(c, qos, running);
    });
  }
  // Connect everything, warm up for a second, then measure.
  const auto connect_deadline = clock_type::now() + std::chrono::seconds(60);
  while (connected + failed < gateways && clock_type::now() < connect_deadline)
    io.run_for(std::chrono::milliseconds(50));
  io.run_for(std::chrono::seconds(1));
  const auto start_count = core.uplinks.load();
  const auto start_cpu = cpu_seconds();
  const auto start = clock_type::now();
  io.run_for(std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(seconds)));
  const auto end_count = core.uplinks.load();
  const double elapsed = std::chrono::duration<double>(clock_type::now() - start).count();
  const double cpu = cpu_seconds() - start_cpu;
  running = false;

  const auto accepted = end_count - start_count;
  fmt::print("gateways connected: {} of {} (failures: {})\n", connected, gateways, failed);
  fmt::print(
      "uplinks accepted by the {} realm and handed to the hub: {} in {:.2f} s = {:.0f} uplinks/s (QoS {})\n",
      realm.name(), accepted, elapsed, accepted / elapsed, qos);
  fmt::print("process CPU (server + load generator): {:.2f} s = {:.2f} µs per uplink\n", cpu,
             accepted ? cpu * 1e6 / static_cast<double>(accepted) : 0.0);
  fmt::print("dropped by the realm: {}\n", realm.stats().dropped.load());

  for (auto& c : clients) c.mqtt->close();
  io.run_for(std::chrono::milliseconds(200));
  workers.stop();
  server.join();
  std::filesystem::remove_all(dir);
  return connected == gateways && failed == 0 ? 0 : 1;
}
