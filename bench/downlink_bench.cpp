// downlink_bench: Class C downlinks scheduled per second by the network core. `devices` Class C ABP
// devices (US915, no duty cycle) are heard once each, each by its own gateway (a gateway has one
// transmitter whose airtime the scheduler books: one gateway could not carry 20,000 frames/s); then
// `rounds` downlinks per device are pushed through network::server::push_downlinks and each one travels the
// whole path: validation, durable queue (SQLite, group commit), down/queued, Class C scheduling (encryption,
// RX2 settings, counter write), the gateway (a sink that acknowledges at once) and its TxAck, down/sent. The
// figure is frames handed to the gateway per second, from the first push to the last TxAck. With
// --tx-ack=0 the gateway is one whose protocol never acknowledges (TTN v2): down/sent at once. Usage:
// downlink_bench [--devices=N] [--rounds=N] [--threads=N] [--shards=N] [--tx-ack=1|0]

#include "lorawan/crypto/crypto_context.hpp"
#include "lorawan/secure_frame.hpp"
#include "network/device_session_store_persistence.hpp"
#include "network/downlinks.hpp"
#include "network/server.hpp"
#include "registry/application_store.hpp"
#include "registry/device_store.hpp"
#include "storage/device_session_store.hpp"
#include "storage/migrations.hpp"
#include "storage/paths.hpp"
#include "storage/sqlite.hpp"

#include <fmt/format.h>
#include <boost/asio/io_context.hpp>

#include <unistd.h>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace tether;
using clock_type = std::chrono::steady_clock;

struct options {
  std::size_t devices = 10'000;
  std::size_t rounds = 10;
  std::size_t threads = 2;
  std::size_t shards = 0;
  std::size_t tx_ack = 1;  // 0: the gateway reports nothing back (send_result::sent)
};

options parse(int argc, char** argv) {
  options o;
  std::map<std::string, std::size_t*> numbers{{"devices", &o.devices},
                                              {"rounds", &o.rounds},
                                              {"threads", &o.threads},
                                              {"shards", &o.shards},
                                              {"tx-ack", &o.tx_ack}};
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto eq = arg.find('=');
    auto it = eq == std::string::npos ? numbers.end() : numbers.find(arg.substr(2, eq - 2));
    if (arg.rfind("--", 0) != 0 || it == numbers.end()) {
      fmt::print(
          stderr,
          "usage: downlink_bench [--devices=N] [--rounds=N] [--threads=N] [--shards=N] [--tx-ack=1|0]\n");
      std::exit(2);
    }
    *it->second = std::stoull(arg.substr(eq + 1));
  }
  return o;
}

core::aes_key key_of(std::uint8_t fill) {
  core::aes_key k;
  k.bytes.fill(fill);
  return k;
}

class counting_events : public network::event_sink {
 public:
  void on_join(const network::join_event&) override {}
  void on_uplink(const network::uplink_event&) override { uplinks.fetch_add(1); }
  void on_downlink(const network::downlink_event& e) override {
    if (e.outcome == network::downlink_outcome::queued) queued.fetch_add(1);
    if (e.outcome == network::downlink_outcome::sent) sent.fetch_add(1);
    if (e.outcome == network::downlink_outcome::failed) failed.fetch_add(1);
  }
  std::atomic<std::uint64_t> uplinks{0}, queued{0}, sent{0}, failed{0};
};

// A gateway that transmits everything and acknowledges at once (or, without TxAcks, says sent).
class acking_gateway : public network::downlink_sink {
 public:
  network::send_outcome send_downlink(const network::downlink_tx& tx) override {
    scheduled.fetch_add(1, std::memory_order_relaxed);
    if (!tx_acks) return network::send_result::sent;
    network::tx_ack ack;
    ack.gateway_id = tx.gateway_id;
    ack.downlink_id = tx.id;
    core->handle_tx_ack(ack);  // posts to the shard: no re-entrance
    return network::send_result::awaiting_tx_ack;
  }
  network::uplink_handler* core = nullptr;
  bool tx_acks = true;
  std::atomic<std::uint64_t> scheduled{0};
};

template <class F>
void wait_for(F done) {
  while (!done()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

}  // namespace

int main(int argc, char** argv) {
  const auto o = parse(argc, argv);
  const auto dir =
      std::filesystem::temp_directory_path() / fmt::format("tether-downlink-bench-{}", ::getpid());
  std::filesystem::create_directories(dir);
  const auto path = storage::database_path(dir).string();
  {
    storage::database db(path);
    storage::migrate(db);
    registry::application_store apps(db);
    (void)apps.create({"app1", "App", 0});
    registry::device_store devices(db);
    for (std::size_t i = 0; i < o.devices; ++i) {
      registry::end_device d;
      d.application_id = "app1";
      d.device_id = fmt::format("dev{}", i);
      d.activation = registry::activation_mode::abp;
      d.dev_addr = network::to_dev_addr(0x26000000u + static_cast<std::uint32_t>(i));
      d.nwk_s_key = key_of(0x11);
      d.app_s_key = key_of(0x22);
      d.cls = registry::device_class::c;
      d.frequency_plan_id = "US_902_928_FSB_2";
      if (!devices.create(d)) return 1;
    }
  }

  boost::asio::io_context io(static_cast<int>(o.threads));
  auto guard = boost::asio::make_work_guard(io);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < o.threads; ++i) threads.emplace_back([&io] { io.run(); });

  storage::device_session_store sessions(path);
  network::device_session_store_persistence persistence(sessions);
  counting_events events;
  acking_gateway gateway;
  network::server_options options;
  options.shard_count = o.shards ? o.shards : o.threads * 4;
  options.dedup_window = std::chrono::milliseconds(1);
  std::vector<boost::asio::any_io_executor> executors(o.threads,
                                                      boost::asio::any_io_executor(io.get_executor()));
  auto server = std::make_unique<network::server>(options, executors, path, persistence, events, gateway);
  gateway.core = server.get();
  gateway.tx_acks = o.tx_ack != 0;

  // Every device heard once, so that Class C has a gateway and a clock.
  lorawan::crypto_context crypto;
  const auto nwk = key_of(0x11), app = key_of(0x22);
  for (std::size_t i = 0; i < o.devices; ++i) {
    lorawan::data_frame f;
    f.type = lorawan::mtype::unconfirmed_data_up;
    f.header.dev_addr = 0x26000000u + static_cast<std::uint32_t>(i);
    f.f_port = 1;
    f.frm_payload = {1};
    network::gateway_uplink up;
    up.raw_payload = *lorawan::encode_data_frame(crypto, f, 0, nwk.bytes, app.bytes);
    up.settings.data_rate = network::lora_data_rate{125'000, 7, "4/5"};
    up.settings.frequency = 903'900'000;
    network::rx_metadata m;
    m.gateway_id = fmt::format("gw{}", i);
    m.timestamp = 1'000'000;
    m.uplink_token = {1, 2, 3};
    up.rx_metadata.push_back(m);
    up.received_at = std::chrono::system_clock::now();
    server->handle_uplink(std::move(up));
  }
  wait_for([&] { return events.uplinks.load() == o.devices; });

  const auto total = o.devices * o.rounds;
  const auto start = clock_type::now();
  for (std::size_t r = 0; r < o.rounds; ++r) {
    for (std::size_t i = 0; i < o.devices; ++i) {
      network::application_downlink d;
      d.f_port = 1;
      d.frm_payload = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
      d.correlation_ids = {fmt::format("as:downlink:{}-{}", r, i)};
      server->push_downlinks({"app1", fmt::format("dev{}", i), false, {std::move(d)}});
    }
  }
  wait_for([&] { return events.sent.load() + events.failed.load() >= total; });
  const auto seconds = std::chrono::duration<double>(clock_type::now() - start).count();

  fmt::print("devices={} rounds={} threads={} shards={} tx_ack={}\n", o.devices, o.rounds, o.threads,
             options.shard_count, o.tx_ack);
  fmt::print("downlinks scheduled: {} in {:.3f} s = {:.0f}/s (queued {}, sent {}, failed {})\n",
             gateway.scheduled.load(), seconds, static_cast<double>(gateway.scheduled.load()) / seconds,
             events.queued.load(), events.sent.load(), events.failed.load());

  guard.reset();
  io.stop();
  for (auto& t : threads) t.join();
  server.reset();
  std::filesystem::remove_all(dir);
  return 0;
}
