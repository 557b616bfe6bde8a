#include "network/dedup_table.hpp"

#include <algorithm>
#include <string_view>

namespace tether::network {
namespace {

std::uint64_t hash_of(const bytes& payload) {
  return std::hash<std::string_view>{}(
      std::string_view(reinterpret_cast<const char*>(payload.data()), payload.size()));
}

}  // namespace

dedup_table::dedup_table(boost::asio::any_io_executor executor, std::chrono::milliseconds window,
                         std::size_t max_frames, ready_handler on_ready, std::chrono::milliseconds cooldown)
    : executor_(std::move(executor)),
      window_(window),
      max_frames_(max_frames),
      on_ready_(std::move(on_ready)),
      cooldown_(cooldown) {}

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
  if (cooldown_.count() > 0 && is_late(hash_of(up.raw_payload), clock::now())) return outcome::late;
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
  if (cooldown_.count() > 0) remember(hash_of(merged.raw_payload), clock::now());
  on_ready_(std::move(merged));
}

bool dedup_table::is_late(std::uint64_t hash, clock::time_point now) const {
  const auto it = closed_index_.find(hash);
  return it != closed_index_.end() && now - it->second <= cooldown_;
}

void dedup_table::remember(std::uint64_t hash, clock::time_point now) {
  closed_.push_back({hash, now});
  closed_index_[hash] = now;
  while (!closed_.empty() && (closed_.size() > max_frames_ || now - closed_.front().at > cooldown_)) {
    const auto& old = closed_.front();
    // Only the hash's last close is indexed: an older entry of a hash closed again leaves it be.
    if (auto it = closed_index_.find(old.hash); it != closed_index_.end() && it->second == old.at) {
      closed_index_.erase(it);
    }
    closed_.pop_front();
  }
}

}  // namespace tether::network
