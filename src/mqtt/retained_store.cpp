#include "mqtt/retained_store.hpp"

#include "mqtt/codec/topic.hpp"

namespace tether::mqtt {

bool retained_store::put(const message_ptr& msg) {
  std::lock_guard lock(mutex_);
  // The broker's own $SYS figures are rebuilt at start; writing them to disk would only cost.
  auto* journal = msg->topic.starts_with("$SYS/") ? nullptr : journal_;
  if (msg->payload.empty()) {
    if (messages_.erase(msg->topic) && journal) journal->retained(msg);
    return true;
  }
  auto it = messages_.find(msg->topic);
  if (it != messages_.end()) {
    it->second = msg;
  } else if (messages_.size() >= max_messages_) {
    return false;
  } else {
    messages_.emplace(msg->topic, msg);
  }
  if (journal) journal->retained(msg);
  return true;
}

void retained_store::restore(const std::vector<message_ptr>& messages) {
  std::lock_guard lock(mutex_);
  for (const auto& m : messages) messages_[m->topic] = m;
}

std::vector<message_ptr> retained_store::matching(std::string_view filter) const {
  std::vector<message_ptr> out;
  std::lock_guard lock(mutex_);
  auto wildcard = filter.find_first_of("+#");
  if (wildcard == std::string_view::npos) {
    if (auto it = messages_.find(filter); it != messages_.end()) out.push_back(it->second);
    return out;
  }
  // Only topics sharing the filter's literal prefix can match; without its last '/', because
  // "a/#" also matches "a" [MQTT-4.7.1-2].
  auto prefix = filter.substr(0, wildcard);
  if (prefix.ends_with('/')) prefix.remove_suffix(1);
  for (auto it = messages_.lower_bound(prefix); it != messages_.end() && it->first.starts_with(prefix);
       ++it) {
    if (codec::topic_matches(filter, it->first)) out.push_back(it->second);
  }
  return out;
}

std::size_t retained_store::size() const {
  std::lock_guard lock(mutex_);
  return messages_.size();
}

}  // namespace tether::mqtt
