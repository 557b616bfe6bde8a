#include "application/connector/downlink_binding.hpp"

namespace tether::application::connector {

std::string packet_correlation_id(std::string_view packet_hash) {
  return std::string(packet_correlation_prefix) + std::string(packet_hash);
}

std::optional<std::string> packet_hash_of(const std::vector<std::string>& correlation_ids) {
  for (const auto& id : correlation_ids) {
    if (id.starts_with(packet_correlation_prefix)) return id.substr(packet_correlation_prefix.size());
  }
  return std::nullopt;
}

void pending_requests::remember(const std::string& packet_hash, pending_request request) {
  std::lock_guard lock(mutex_);
  if (requests_.insert_or_assign(packet_hash, std::move(request)).second) order_.push_back(packet_hash);
  while (requests_.size() > capacity_ && !order_.empty()) {
    requests_.erase(order_.front());
    order_.pop_front();
  }
  // Hashes answered (forgotten) early stay in order_ until they reach the front; keep it bounded too.
  while (order_.size() > 2 * capacity_) {
    requests_.erase(order_.front());
    order_.pop_front();
  }
}

std::optional<pending_request> pending_requests::find(std::string_view packet_hash) const {
  std::lock_guard lock(mutex_);
  const auto it = requests_.find(std::string(packet_hash));
  if (it == requests_.end()) return std::nullopt;
  return it->second;
}

void pending_requests::forget(std::string_view packet_hash) {
  std::lock_guard lock(mutex_);
  requests_.erase(std::string(packet_hash));
}

std::size_t pending_requests::size() const {
  std::lock_guard lock(mutex_);
  return requests_.size();
}

}  // namespace tether::application::connector
