#pragma once
// Retained messages of one realm: the last retained message per topic, replaced by a newer one and
// cleared by an empty payload [MQTT-3.3.1-10/11].

#include "mqtt/message.hpp"
#include "mqtt/session_journal.hpp"

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace tether::mqtt {

class retained_store {
 public:
  // `journal` (may be null) records every change, under the store's lock so that disk and memory
  // agree on which of two racing publishes came last.
  explicit retained_store(std::size_t max_messages, session_journal* journal = nullptr)
      : max_messages_(max_messages), journal_(journal) {}

  // Loads what a journal restored, without journaling it again.
  void restore(const std::vector<message_ptr>& messages);

  // Stores, replaces or (empty payload) clears. False when the store is full and the message was not kept.
  bool put(const message_ptr& msg);
  std::vector<message_ptr> matching(std::string_view filter) const;
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, message_ptr, std::less<>> messages_;
  std::size_t max_messages_;
  session_journal* journal_;
};

}  // namespace tether::mqtt
