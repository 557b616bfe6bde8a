#include "idle_connections.hpp"

#include "payload.hpp"

#include <fmt/core.h>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <fstream>
#include <memory>
#include <string>

namespace tether::bench {
namespace {

class connections_run {
 public:
  explicit connections_run(const connections_options& o) : o_(o), timer_(io_) {}

  connections_result run() {
    r_.requested = o_.clients;
    r_.server_rss_before_kib = read_rss();
    std::vector<mqtt::client*> all;
    for (std::size_t i = 0; i < o_.clients; ++i) {
      client_events e;
      e.on_error = [this](std::string_view, const boost::system::error_code&) { ++r_.lost_while_held; };
      // Idle clients receive nothing but CONNACK: a small read buffer keeps the generator lean too.
      client_options co{fmt::format("tb-idle-{}", i), 0, 64, 1};
      clients_.push_back(std::make_unique<mqtt::client>(io_, co, std::move(e)));
      all.push_back(clients_.back().get());
    }
    start_ns_ = now_ns();
    connect_all(all, o_.connect, [this](const connect_outcome& c) { on_connected(c); });
    io_.run();
    r_.ok = r_.failed == 0 && r_.lost_while_held == 0 && r_.connected == r_.requested;
    return r_;
  }

 private:
  long read_rss() const { return o_.server_pid > 0 ? resident_kib(o_.server_pid) : -1; }

  void on_connected(const connect_outcome& c) {
    r_.connected = c.connected;
    r_.failed = c.failed;
    r_.first_error = c.first_error;
    r_.connect_s = static_cast<double>(now_ns() - start_ns_) / 1e9;
    fmt::print(stderr, "connections: {} connected, {} failed in {:.2f} s; holding {:.0f} s\n", c.connected,
               c.failed, r_.connect_s, o_.hold_s);
    held_ns_ = now_ns();
    after(o_.settle_s, [this] { measure(); });
  }

  void measure() {
    r_.server_rss_held_kib = read_rss();
    if (r_.server_rss_held_kib >= 0 && r_.connected > 0) {
      r_.server_kib_per_connection = static_cast<double>(r_.server_rss_held_kib - r_.server_rss_before_kib) /
                                     static_cast<double>(r_.connected);
    }
    after(std::max(0.0, o_.hold_s - o_.settle_s), [this] { release(); });
  }

  void release() {
    r_.hold_s = static_cast<double>(now_ns() - held_ns_) / 1e9;
    for (auto& c : clients_) c->disconnect();
    after(2, [this] {
      for (auto& c : clients_) c->close();
    });
  }

  template <class F>
  void after(double seconds, F f) {
    timer_.expires_after(std::chrono::microseconds(static_cast<std::int64_t>(seconds * 1e6)));
    timer_.async_wait([f](const boost::system::error_code& ec) {
      if (!ec) f();
    });
  }

  asio::io_context io_;
  connections_options o_;
  asio::steady_timer timer_;
  std::vector<std::unique_ptr<mqtt::client>> clients_;
  connections_result r_;
  std::int64_t start_ns_ = 0;
  std::int64_t held_ns_ = 0;
};

}  // namespace

connections_result run_connections(const connections_options& options) {
  return connections_run(options).run();
}

long resident_kib(int pid) {
  std::ifstream status(fmt::format("/proc/{}/status", pid));
  std::string key;
  while (status >> key) {
    if (key == "VmRSS:") {
      long kib = -1;
      status >> kib;
      return kib;
    }
    status.ignore(4096, '\n');
  }
  return -1;
}

}  // namespace tether::bench
