// $SYS/broker/...: the broker's own figures as retained messages, refreshed every sys_interval.

#include "mqtt/broker.hpp"

#include <fmt/format.h>

namespace tether::mqtt {

void broker::start_sys_topics(std::string version) {
  version_ = std::move(version);
  if (options_.sys_interval.count() == 0) return;
  publish_sys("$SYS/broker/version", "tether " + version_);
  schedule_sys();
}

void broker::publish_sys(std::string topic, std::string payload) {
  // Only changed values are published, so a short interval costs nothing on an idle broker.
  auto& last = sys_values_[topic];
  if (last == payload) return;
  last = payload;
  route_outcome outcome;
  route(make_message(std::move(topic), std::move(payload), 0, true), system_worker_, outcome);
}

void broker::schedule_sys() {
  auto uptime = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_);
  publish_sys("$SYS/broker/uptime", fmt::format("{} seconds", uptime.count()));
  publish_sys("$SYS/broker/clients/connected", std::to_string(stats_.clients_connected.load()));
  publish_sys("$SYS/broker/clients/total", std::to_string(session_count()));
  publish_sys("$SYS/broker/messages/received", std::to_string(stats_.messages_received.load()));
  publish_sys("$SYS/broker/messages/sent", std::to_string(stats_.messages_sent.load()));
  publish_sys("$SYS/broker/messages/dropped", std::to_string(stats_.publish_dropped.load()));
  publish_sys("$SYS/broker/subscriptions/count", std::to_string(subscription_count()));
  publish_sys("$SYS/broker/retained messages/count", std::to_string(retained_count()));
  publish_sys("$SYS/broker/bytes/received", std::to_string(stats_.bytes_received.load()));
  publish_sys("$SYS/broker/bytes/sent", std::to_string(stats_.bytes_sent.load()));
  sys_timer_.expires_after(options_.sys_interval);
  sys_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) schedule_sys();
  });
}

}  // namespace tether::mqtt
