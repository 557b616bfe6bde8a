#include "cli/registry_poller.hpp"

#include <spdlog/spdlog.h>

namespace tether::cli {

registry_poller::registry_poller(const std::string& database_path, boost::asio::any_io_executor executor,
                                 registry::watcher::callback on_change)
    : db_(database_path), watcher_(db_, std::move(on_change)), timer_(std::move(executor)) {}

void registry_poller::start() { schedule(); }

void registry_poller::schedule() {
  timer_.expires_after(registry::watch_interval);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    try {
      watcher_.poll();
    } catch (const std::exception& e) {
      spdlog::warn("registry changes not read (retrying): {}", e.what());
    }
    schedule();
  });
}

}  // namespace tether::cli
