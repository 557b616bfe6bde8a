#pragma once
// Every second, writes what changed in the hub (connections, counters, last status and uplink) to
// gateway_state, so `tether gateway show` in another process sees it. Runs on one executor (a timer);
// owns its database connection.

#include "gateway/gateway_state_store.hpp"
#include "gateway/hub.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <string>

namespace tether::gateway {

class gateway_state_writer {
 public:
  static constexpr std::chrono::seconds interval{1};

  gateway_state_writer(const std::string& database_path, const hub& source,
                       boost::asio::any_io_executor executor);
  void start();
  // Writes what changed now (also called at shutdown).
  void flush();

 private:
  void schedule();

  storage::database db_;
  gateway_state_store store_;
  const hub& hub_;
  boost::asio::steady_timer timer_;
  std::uint64_t written_revision_ = 0;
};

}  // namespace tether::gateway
