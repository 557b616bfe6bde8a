#include "network/dedup_table.hpp"

#include <algorithm>

namespace tether::network {

dedup_table::dedup_table(boost::asio::any_io_executor executor, std::chrono::milliseconds window,
                         std::size_t max_frames, ready_handler on_ready)
    : executor_(std::move(executor)),
      window_(window),
      max_frames_(max_frames),
      on_ready_(std::move(on_ready)) {}

dedup_table::~dedup_table() {
  // Pending handlers see operation_aborted and return without touching the table.
  for (auto& [key, f] : frames_) f.timer->cancel();
}

dedup_table::outcome dedup_table::add(gateway_uplink up) {
  if (auto it = frames_.find(up.raw_payload); it != frames_.end()) {
    auto& merged = it->second.merged;
    for (auto& m : up.rx_metadata) {
      // The same antenna reporting twice (a forwarder resending) is one reception, not two.
      const bool known = std::any_of(
          merged.rx_metadata.begin(), merged.rx_metadata.end(),
          [&m](const auto& k) { return k.gateway_id == m.gateway_id && k.antenna_index == m.antenna_index; });
      if (!known) merged.rx_metadata.push_back(std::move(m));
    }
    for (auto& id : up.correlation_ids) {
      if (std::find(merged.correlation_ids.begin(), merged.correlation_ids.end(), id) ==
          merged.correlation_ids.end()) {
        merged.correlation_ids.push_back(std::move(id));
      }
    }
    return outcome::merged;
  }
  if (frames_.size() >= max_frames_) return outcome::full;

  const bytes key = up.raw_payload;
  auto timer = std::make_unique<boost::asio::steady_timer>(executor_, window_);
  timer->async_wait([this, key](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled: the table is going away
    close(key);
  });
  frames_.emplace(key, frame{std::move(up), std::move(timer)});
  return outcome::opened;
}

void dedup_table::close(const bytes& key) {
  auto it = frames_.find(key);
  if (it == frames_.end()) return;
  gateway_uplink merged = std::move(it->second.merged);
  frames_.erase(it);
  on_ready_(std::move(merged));
}

}  // namespace tether::network
