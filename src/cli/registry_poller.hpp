#pragma once
// Runs registry::watcher on a timer so that what the CLI changes in the registry reaches the running
// server within watch_interval (200 ms): caches reload, and clients of a revoked key or deleted
// entity are disconnected by the callback.

#include "registry/watcher.hpp"
#include "storage/sqlite.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <string>

namespace tether::cli {

class registry_poller {
 public:
  registry_poller(const std::string& database_path, boost::asio::any_io_executor executor,
                  registry::watcher::callback on_change);
  void start();

 private:
  void schedule();

  storage::database db_;
  registry::watcher watcher_;
  boost::asio::steady_timer timer_;
};

}  // namespace tether::cli
