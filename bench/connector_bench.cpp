// connector_bench: the outbound connector's link (application/connector/link.hpp) draining an
// application's durable event stream into a local MQTT broker (Mosquitto) with QoS 1 and its window
// of 100, in a database file under /tmp:
//  (a) replay: `events` uplink events are in the stream before the link starts, from a cursor of 0
//      (as after an outage): all of them go out marked history; the figure is events/s until the
//      last PUBACK;
//  (b) live: the link is caught up; a producer appends `live` events as fast as the event log takes
//      them (waking the link as the bus does) and the figure is events/s from the first append to
//      the last PUBACK.
// Messages are rendered by basic_renderer (about 220 bytes of JSON each).
// Usage: connector_bench [--port=1883] [--events=200000] [--live=200000]

#include "application/connector/basic_renderer.hpp"
#include "application/connector/link.hpp"
#include "application/event_stream.hpp"
#include "storage/cursor_store.hpp"
#include "storage/event_log.hpp"
#include "storage/migrations.hpp"
#include "storage/sqlite.hpp"

#include <fmt/format.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

namespace {

using namespace tether;
using clock_type = std::chrono::steady_clock;
namespace conn = application::connector;

struct options {
  std::uint16_t port = 1883;
  std::size_t events = 200'000;
  std::size_t live = 200'000;
};

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto eq = arg.find('=');
    if (arg.rfind("--", 0) != 0 || eq == std::string::npos) {
      fmt::print(stderr, "usage: connector_bench [--port=N] [--events=N] [--live=N]\n");
      std::exit(2);
    }
    auto name = arg.substr(2, eq - 2);
    auto value = std::stoull(arg.substr(eq + 1));
    if (name == "port")
      o.port = static_cast<std::uint16_t>(value);
    else if (name == "events")
      o.events = value;
    else if (name == "live")
      o.live = value;
    else {
      fmt::print(stderr, "unknown option --{}\n", name);
      std::exit(2);
    }
  }
  return o;
}

std::string uplink(std::uint32_t f_cnt) {
  network::uplink_event e;
  e.ids.application_id = "app1";
  e.ids.device_id = "dev-" + std::to_string(f_cnt % 1000);
  e.ids.dev_eui = core::eui64::from_hex("0004A30B001C0530");
  e.ids.dev_addr = *core::dev_addr::from_hex("260B1234");
  e.f_port = 1;
  e.f_cnt = f_cnt;
  e.frm_payload = network::bytes(12, 0x42);
  e.settings.data_rate = network::lora_data_rate{125000, 7, "4/5"};
  e.received_at = std::chrono::system_clock::now();
  network::rx_metadata md;
  md.gateway_id = "gw1";
  md.rssi = -60;
  md.snr = 7.5;
  e.rx_metadata.push_back(md);
  return application::encode_event(e);
}

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void wait_acked(const conn::link& l, std::uint64_t n) {
  while (l.counters().acked < n) std::this_thread::sleep_for(std::chrono::microseconds(200));
}

}  // namespace

int main(int argc, char** argv) {
  const auto o = parse(argc, argv);
  char dir_template[] = "/tmp/connector_bench-XXXXXX";
  const std::filesystem::path dir = ::mkdtemp(dir_template);
  const auto path = (dir / "tether.db").string();
  {
    storage::database db(path);
    storage::migrate(db);
  }
  {
    storage::event_log log(path, {.max_age = {}, .max_rows_per_stream = 0});
    storage::cursor_store cursors(path);
    application::event_stream stream(log, cursors);

    conn::connector_config config;
    config.application_id = "app1";
    config.name = "bench";
    config.broker.host = "127.0.0.1";
    config.broker.port = o.port;
    config.topic_up = "bench/{type}/{device}";
    for (std::size_t i = 1; i <= o.events; ++i)
      log.append("app1", uplink(static_cast<std::uint32_t>(i)), now_ns());
    log.sync();
    stream.save_cursor(conn::link::reader_name(config), "app1",
                       0);  // as after an outage: all of it to replay

    boost::asio::io_context io(1);
    auto guard = boost::asio::make_work_guard(io);
    auto l = std::make_shared<conn::link>(io, stream, config, conn::make_basic_codec_factory()(config));
    std::thread runner([&] { io.run(); });
    const auto t0 = clock_type::now();
    boost::asio::post(io, [&] { l->start(); });
    wait_acked(*l, o.events);
    const double replay_s = std::chrono::duration<double>(clock_type::now() - t0).count();
    fmt::print(
        "replay: {} events (history) in {:.2f} s = {:.0f} msgs/s; {} published, max {} awaiting PUBACK\n",
        o.events, replay_s, static_cast<double>(o.events) / replay_s, l->counters().published.load(),
        l->counters().max_inflight.load());

    const auto t1 = clock_type::now();
    for (std::size_t i = 1; i <= o.live; ++i) {
      log.append("app1", uplink(static_cast<std::uint32_t>(o.events + i)), now_ns());
      if (i % 256 == 0) l->wake();
    }
    const double produce_s = std::chrono::duration<double>(clock_type::now() - t1).count();
    l->wake();
    wait_acked(*l, o.events + o.live);
    const double live_s = std::chrono::duration<double>(clock_type::now() - t1).count();
    fmt::print(
        "live: {} events in {:.2f} s = {:.0f} msgs/s end to end (the producer appended at {:.0f}/s); "
        "replayed {}, cursor {}\n",
        o.live, live_s, static_cast<double>(o.live) / live_s, static_cast<double>(o.live) / produce_s,
        l->counters().replayed.load(), l->counters().cursor.load());
    l->stop_async();
    boost::asio::post(io, [&] { io.stop(); });
    runner.join();
  }
  std::filesystem::remove_all(dir);
  return 0;
}
