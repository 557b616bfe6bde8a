// PUBLISH and its acknowledgements, in both directions.
// Inbound QoS 2 delivers onward when the PUBLISH arrives and remembers the packet identifier until
// PUBREL, so a resent PUBLISH with the same identifier is not delivered twice ([MQTT-4.3.3] method B).

#include "mqtt/connection.hpp"

#include "mqtt/codec/encoder.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

namespace tether::mqtt {

void connection::handle_publish(codec::publish& p) {
  auto& state = extra();
  ++state.received;
  if (v5_ && !resolve_topic_alias(p)) return;
  if (p.qos == 2 && !session_->begin_inbound_qos2(p.packet_id)) {
    send_ack(codec::pubrec{p.packet_id}, false);  // a resend of a message already routed
    return;
  }
  if (p.qos == 2 && v5_ && !within_receive_maximum()) return;
  if (traffic_) ++traffic_->messages_read;
  auto& owner = broker_.owner();
  const auto max_payload = broker_.options().max_payload_size;
  if (max_payload != 0 && p.payload.size() > max_payload) {
    close(fmt::format("payload of {} bytes on '{}' over the limit of {}", p.payload.size(), p.topic,
                      max_payload),
          false, false, disconnect_reason::packet_too_large);
    return;
  }
  if (v5_ && !accept_publish_properties(p)) return;
  if (!owner.keeps_retain_flag()) p.retain = false;
  auto& route = state.route;
  route.journaled = false;
  route.delivered = 0;
  auto reason = codec::reason_code::success;
  if (!owner.authorize_publish(*principal_, p.topic)) {
    // 3.1.1: acknowledged as usual so the client does not resend, but not delivered. 5.0 says why.
    spdlog::info("[{}] {} may not publish to '{}': dropped", owner.name(), client_id(), p.topic);
    broker_.stats().count_drop(drop_reason::publish_denied);
    if (closes_on_refusal(fmt::format("may not publish to '{}'", p.topic))) return;
    reason = codec::reason_code::not_authorized;
  } else {
    auto msg = std::make_shared<message>(
        message{mounted(std::move(p.topic)), std::move(p.payload), p.qos, p.retain, {}, {}});
    if (v5_) {
      msg->extras = extras_of(p.properties);
      msg->origin = session_.get();
    }
    if (owner.on_publish(*principal_, *msg) == publish_action::route) {
      broker_.route(msg, home_.index(), route);
      // Only PUBACK says so, as Mosquitto does; PUBREC stays "success" (both are allowed).
      if (route.delivered == 0) reason = codec::reason_code::no_matching_subscribers;
    } else if (owner.congested(*principal_)) {
      state.realm_paused = true;  // the rest of the input waits (connection::process)
    }
  }
  if (!v5_) reason = codec::reason_code::success;
  if (p.qos == 1) send_ack(codec::puback{p.packet_id, reason, {}}, route.journaled);
  if (p.qos == 2) {
    if (codec::is_failure(reason))
      session_->end_inbound_qos2(p.packet_id);  // a failed PUBREC ends the exchange
    const auto rec =
        reason == codec::reason_code::no_matching_subscribers ? codec::reason_code::success : reason;
    send_ack(codec::pubrec{p.packet_id, rec, {}}, route.journaled);
  }
}

bool connection::closes_on_refusal(std::string_view what) {
  if (broker_.owner().on_refused(*principal_) != refusal_action::disconnect) return false;
  close(what, false, false, disconnect_reason::refused_by_realm);
  return true;
}

void connection::send_ack(const codec::packet& p, bool needs_disk) {
  auto& state = extra();
  if (!needs_disk && state.held_acks.empty() && state.sealed_acks.empty()) {
    send(p);
    return;
  }
  codec::encode(p, version_, state.held_acks);
}

void connection::seal_held_acks() {
  if (!extra_ || extra_->held_acks.empty()) return;
  auto* journal = broker_.journal();
  auto ticket = journal->mark();
  extra_->sealed_acks.emplace_back(ticket, std::move(extra_->held_acks));
  extra_->held_acks.clear();
  journal->when_durable(ticket, [weak = weak_from_this(), ticket] {
    if (auto self = weak.lock()) {
      boost::asio::post(self->transport_->executor(), [self, ticket] { self->release_acks(ticket); });
    }
  });
}

void connection::release_acks(session_journal::ticket durable) {
  auto& sealed = extra_->sealed_acks;
  while (!sealed.empty() && sealed.front().first <= durable) {
    tx_ += sealed.front().second;
    sealed.pop_front();
  }
  flush();
}

void connection::handle_pubrel(const codec::pubrel& p) {
  session_->end_inbound_qos2(p.packet_id);
  send(codec::pubcomp{p.packet_id});
}

bool connection::accept_ack(session::ack_result result, std::string_view kind, std::uint16_t packet_id) {
  using enum session::ack_result;
  if (result == mismatch) {
    close(fmt::format("protocol error: {} does not match the QoS or stage of packet {}", kind, packet_id));
    return false;
  }
  if (result == unknown) {
    spdlog::debug("[{}] {} sent {} for unknown packet {}", broker_.owner().name(), client_id(), kind,
                  packet_id);
  }
  return true;
}

void connection::handle_puback(const codec::puback& p) {
  if (accept_ack(session_->on_puback(p.packet_id), "PUBACK", p.packet_id))
    more_queued_ = true;  // window has room
}

void connection::handle_pubrec(const codec::pubrec& p) {
  if (v5_ && codec::is_failure(p.reason)) {  // the exchange ends here: no PUBREL (section 4.3.3)
    if (session_->on_pubrec(p.packet_id) == session::ack_result::ok) session_->on_pubcomp(p.packet_id);
    more_queued_ = true;
    return;
  }
  if (accept_ack(session_->on_pubrec(p.packet_id), "PUBREC", p.packet_id)) send(codec::pubrel{p.packet_id});
}

void connection::handle_pubcomp(const codec::pubcomp& p) {
  if (accept_ack(session_->on_pubcomp(p.packet_id), "PUBCOMP", p.packet_id)) more_queued_ = true;
}

}  // namespace tether::mqtt
