#include "mqtt/realm.hpp"

namespace tether::mqtt {

std::string to_broker_topic(const principal& who, std::string topic) {
  for (const auto& m : who.topic_map) {
    if (topic.starts_with(m.client)) return topic.replace(0, m.client.size(), m.broker);
  }
  return topic;
}

std::string_view to_client_topic(const principal& who, std::string_view topic, std::string& scratch) {
  for (const auto& m : who.topic_map) {
    if (!topic.starts_with(m.broker)) continue;
    scratch.assign(m.client);
    scratch.append(topic.substr(m.broker.size()));
    return scratch;
  }
  return topic;
}

}  // namespace tether::mqtt
