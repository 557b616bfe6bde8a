// SUBSCRIBE and UNSUBSCRIBE: the realm authorizes (and may rewrite) each filter; retained messages
// follow the SUBACK. MQTT 5 adds subscription options (No Local, Retain As Published, Retain
// Handling), a Subscription Identifier, and a reason code per filter in UNSUBACK.

#include "mqtt/connection.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace tether::mqtt {

namespace {

struct retained_delivery {
  message_ptr msg;
  std::uint8_t qos = 0;
  std::uint32_t subscription_id = 0;
};

std::uint8_t options_of(const codec::subscription& sub) {
  return static_cast<std::uint8_t>((sub.no_local ? no_local_option : 0) |
                                   (sub.retain_as_published ? retain_as_published_option : 0));
}

}  // namespace

void connection::handle_subscribe(codec::subscribe& s) {
  codec::suback ack{s.packet_id, {}, {}};
  ack.return_codes.reserve(s.subscriptions.size());
  std::vector<retained_delivery> retained;
  auto& owner = broker_.owner();
  const std::uint32_t id =
      s.properties.subscription_identifiers.empty() ? 0 : s.properties.subscription_identifiers[0];
  for (auto& sub : s.subscriptions) {
    auto decision = owner.authorize_subscribe(*principal_, sub.filter);
    if (!decision.allowed) {
      spdlog::info("[{}] {} may not subscribe to '{}'", owner.name(), client_id(), sub.filter);
      if (closes_on_refusal(fmt::format("may not subscribe to '{}'", sub.filter))) return;
      ack.return_codes.push_back(v5_ ? static_cast<std::uint8_t>(codec::reason_code::not_authorized)
                                     : codec::suback_failure);
      continue;
    }
    auto granted = std::min(sub.qos, decision.max_qos);
    ack.return_codes.push_back(granted);
    auto filter = mounted(std::move(decision.filter));
    bool existed = false;
    auto due =
        broker_.subscribe(session_, filter, granted, decision.share_group, options_of(sub), id, &existed);
    // Retain Handling: 0 send retained messages, 1 only for a new subscription, 2 never (3.8.3.1).
    if (sub.retain_handling == 2 || (sub.retain_handling == 1 && existed)) continue;
    const bool shared =
        !decision.share_group.empty() || !subscription_index::split_shared(filter).first.empty();
    if (shared && v5_) continue;  // none to a shared subscription (section 4.8.2)
    for (auto& msg : due) {
      if (owner.checks_reads() && !owner.authorize_read(*principal_, msg->topic)) continue;
      retained.push_back({std::move(msg), granted, id});
    }
  }
  send(ack);
  // Retained messages go out after the SUBACK, with the retain flag set [MQTT-3.3.1-8].
  for (auto& r : retained) {
    auto qos = std::min(r.qos, r.msg->qos);
    session_->enqueue(r.msg, qos, true, r.subscription_id);
  }
}

void connection::handle_unsubscribe(const codec::unsubscribe& u) {
  auto& owner = broker_.owner();
  codec::unsuback ack{u.packet_id, {}, {}};
  for (const auto& filter : u.filters) {
    auto decision = owner.authorize_subscribe(*principal_, filter);
    const bool existed = decision.allowed ? broker_.unsubscribe(session_, mounted(std::move(decision.filter)),
                                                                decision.share_group)
                                          : broker_.unsubscribe(session_, mounted(filter));
    if (v5_) {
      ack.reason_codes.push_back(static_cast<std::uint8_t>(
          existed ? codec::reason_code::success : codec::reason_code::no_subscription_existed));
    }
  }
  send(ack);  // sent even when nothing matched [MQTT-3.10.4-5]
}

}  // namespace tether::mqtt
