// SUBSCRIBE and UNSUBSCRIBE: the realm authorizes (and may rewrite) each filter; retained messages
// follow the SUBACK.

#include "mqtt/connection.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace tether::mqtt {

void connection::handle_subscribe(codec::subscribe& s) {
  codec::suback ack{s.packet_id, {}};
  ack.return_codes.reserve(s.subscriptions.size());
  std::vector<std::pair<message_ptr, std::uint8_t>> retained;
  auto& owner = broker_.owner();
  for (auto& sub : s.subscriptions) {
    auto decision = owner.authorize_subscribe(*principal_, sub.filter);
    if (!decision.allowed) {
      spdlog::info("[{}] {} may not subscribe to '{}'", owner.name(), client_id(), sub.filter);
      if (closes_on_refusal(fmt::format("may not subscribe to '{}'", sub.filter))) return;
      ack.return_codes.push_back(codec::suback_failure);
      continue;
    }
    auto granted = std::min(sub.qos, decision.max_qos);
    ack.return_codes.push_back(granted);
    auto filter = mounted(std::move(decision.filter));
    for (auto& msg : broker_.subscribe(session_, filter, granted, decision.share_group)) {
      if (owner.checks_reads() && !owner.authorize_read(*principal_, msg->topic)) continue;
      retained.emplace_back(std::move(msg), granted);
    }
  }
  send(ack);
  // Retained messages go out after the SUBACK, with the retain flag set [MQTT-3.3.1-8].
  for (auto& [msg, granted] : retained) {
    auto qos = std::min(granted, msg->qos);
    session_->enqueue(msg, qos, true);
  }
}

void connection::handle_unsubscribe(const codec::unsubscribe& u) {
  auto& owner = broker_.owner();
  for (const auto& filter : u.filters) {
    auto decision = owner.authorize_subscribe(*principal_, filter);
    if (decision.allowed) {
      broker_.unsubscribe(session_, mounted(std::move(decision.filter)), decision.share_group);
    } else {
      broker_.unsubscribe(session_, mounted(filter));
    }
  }
  send(codec::unsuback{u.packet_id});  // sent even when nothing matched [MQTT-3.10.4-5]
}

}  // namespace tether::mqtt
