#include "mqtt/retained_store.hpp"

#include "mqtt/codec/topic.hpp"

namespace tether::mqtt {

bool retained_store::put(const message_ptr& msg) {
  std::lock_guard lock(mutex_);
  if (msg->payload.empty()) {
    messages_.erase(msg->topic);
    return true;
  }
  auto it = messages_.find(msg->topic);
  if (it != messages_.end()) {
    it->second = msg;
    return true;
  }
  if (messages_.size() >= max_messages_) return false;
  messages_.emplace(msg->topic, msg);
  return true;
}

std::vector<message_ptr> retained_store::matching(std::string_view filter) const {
  std::vector<message_ptr> out;
  std::lock_guard lock(mutex_);
  auto wildcard = filter.find_first_of("+#");
  if (wildcard == std::string_view::npos) {
    if (auto it = messages_.find(filter); it != messages_.end()) out.push_back(it->second);
    return out;
  }
  // Only topics sharing the filter's literal prefix can match.
  auto prefix = filter.substr(0, wildcard);
  for (auto it = messages_.lower_bound(prefix); it != messages_.end() && it->first.starts_with(prefix); ++it) {
    if (codec::topic_matches(filter, it->first)) out.push_back(it->second);
  }
  return out;
}

std::size_t retained_store::size() const {
  std::lock_guard lock(mutex_);
  return messages_.size();
}

}  // namespace tether::mqtt
