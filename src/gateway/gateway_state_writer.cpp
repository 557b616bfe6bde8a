#include "gateway/gateway_state_writer.hpp"

#include <spdlog/spdlog.h>

namespace tether::gateway {

gateway_state_writer::gateway_state_writer(const std::string& database_path, const hub& source,
                                           boost::asio::any_io_executor executor)
    : db_(database_path), store_(db_), hub_(source), timer_(std::move(executor)) {
  store_.mark_all_disconnected();
}

void gateway_state_writer::start() { schedule(); }

void gateway_state_writer::flush() {
  const auto revision = hub_.revision();
  if (revision == written_revision_) return;
  try {
    store_.write(hub_.changed_since(written_revision_));
    written_revision_ = revision;
  } catch (const std::exception& e) {
    spdlog::warn("gateway state not written (retrying in {} s): {}", interval.count(), e.what());
  }
}

void gateway_state_writer::schedule() {
  timer_.expires_after(interval);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    flush();
    schedule();
  });
}

}  // namespace tether::gateway
