// What only MQTT 5.0 adds to a connection: CONNECT checks and CONNACK capabilities, inbound topic
// aliases, the properties a PUBLISH carries on, DISCONNECT in both directions with reason codes.

#include "mqtt/connection.hpp"

#include "mqtt/codec/encoder.hpp"
#include "mqtt/codec/topic.hpp"

#include <boost/asio/steady_timer.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace tether::mqtt {

namespace {

// What this server accepts from a 5.0 client, announced in CONNACK.
constexpr std::uint16_t server_topic_alias_maximum = 10;
constexpr std::uint16_t server_receive_maximum = 100;
// Maximum Packet Size is 1..268,435,455 (section 3.2.2.3.6); a larger limit is announced as none.
constexpr std::size_t protocol_max_packet = 268'435'455;  // the largest value the property may carry

bool has_extras(const codec::property_set& p) {
  return p.payload_format_indicator || p.message_expiry_interval || p.content_type || p.response_topic ||
         p.correlation_data || !p.user_properties.empty();
}

}  // namespace

bool connection::accept_v5_connect(const codec::connect& c) {
  v5_ = std::make_unique<v5_state>();
  if (!broker_.owner().speaks_v5()) {
    refuse(codec::connack_code::unacceptable_protocol_version, "this listener does not offer MQTT 5.0",
           c.client_id);
    return false;
  }
  if (c.properties.authentication_method) {  // no enhanced authentication method is offered
    refuse(codec::connack_code::not_authorized,
           fmt::format("unsupported authentication method '{}'", *c.properties.authentication_method),
           c.client_id, codec::reason_code::bad_authentication_method);
    return false;
  }
  v5_->session_expiry = c.properties.session_expiry_interval.value_or(0);
  v5_->max_packet_size = c.properties.maximum_packet_size.value_or(0);
  return true;
}

codec::property_set connection::connack_properties(const codec::connect& c, bool assigned_id) const {
  codec::property_set p;
  p.receive_maximum = server_receive_maximum;
  p.topic_alias_maximum = server_topic_alias_maximum;
  if (!broker_.owner().keeps_retain_flag()) p.retain_available = 0;
  p.wildcard_subscription_available = 1;
  p.subscription_identifier_available = 1;
  p.shared_subscription_available = 1;
  const auto max_packet = broker_.options().max_packet_size;
  if (max_packet != 0 && max_packet <= protocol_max_packet) p.maximum_packet_size = std::uint32_t(max_packet);
  if (assigned_id) p.assigned_client_identifier = c.client_id;  // [MQTT-3.2.2-16]
  if (principal_ && principal_->ephemeral && v5_->session_expiry != 0) p.session_expiry_interval = 0;
  return p;
}

bool connection::fit_connack(codec::connack& ack, std::string& bytes) const {
  const auto limit = v5_->max_packet_size;
  if (limit == 0 || bytes.size() <= limit) return true;
  // Leave out what only restates a default (section 3.2.2.3) before giving up on a small client.
  auto& props = ack.properties;
  props.wildcard_subscription_available.reset();
  props.subscription_identifier_available.reset();
  props.shared_subscription_available.reset();
  if (broker_.options().max_packet_size >= 256u * 1024 * 1024) props.maximum_packet_size.reset();
  bytes.clear();
  codec::encode(ack, version_, bytes);
  return bytes.size() <= limit;
}

bool connection::resolve_topic_alias(codec::publish& p) {
  if (!p.properties.topic_alias) return true;
  const auto alias = *p.properties.topic_alias;
  p.properties.topic_alias.reset();
  if (alias == 0 || alias > server_topic_alias_maximum) {  // [MQTT-3.3.2-9]
    fail(codec::reason_code::topic_alias_invalid,
         fmt::format("protocol error: topic alias {} out of range", alias),
         disconnect_reason::protocol_error);
    return false;
  }
  auto& aliases = v5_->topic_aliases;
  if (aliases.size() < alias) aliases.resize(alias);
  if (!p.topic.empty()) {
    aliases[alias - 1] = p.topic;
    return true;
  }
  if (aliases[alias - 1].empty()) {  // an alias used before it was set
    fail(codec::reason_code::protocol_error, fmt::format("protocol error: topic alias {} not set", alias),
         disconnect_reason::protocol_error);
    return false;
  }
  p.topic = aliases[alias - 1];
  return true;
}

bool connection::within_receive_maximum() {
  if (session_->inbound_qos2_pending() <= server_receive_maximum) return true;
  fail(codec::reason_code::receive_maximum_exceeded,
       fmt::format("more than {} QoS 2 messages unacknowledged", server_receive_maximum),
       disconnect_reason::protocol_error);  // [MQTT-3.3.4-7]
  return false;
}

bool connection::accept_publish_properties(const codec::publish& p) {
  if (p.properties.payload_format_indicator.value_or(0) != 1 || !codec::validate_utf8(p.payload)) return true;
  // Payload Format Indicator 1 with a payload that is not UTF-8 (section 3.3.2.3.2).
  broker_.stats().count_drop(drop_reason::payload_format_invalid);
  spdlog::warn("[{}] {} published a payload on '{}' that is not the UTF-8 it claims: dropped",
               broker_.owner().name(), client_id(), p.topic);
  if (p.qos == 1) send_ack(codec::puback{p.packet_id, codec::reason_code::payload_format_invalid, {}}, false);
  if (p.qos == 2) {
    session_->end_inbound_qos2(p.packet_id);  // a failed PUBREC ends the exchange
    send_ack(codec::pubrec{p.packet_id, codec::reason_code::payload_format_invalid, {}}, false);
  }
  return false;
}

std::shared_ptr<const message_extras> connection::extras_of(codec::property_set& props) const {
  if (!has_extras(props)) return nullptr;
  auto extras = std::make_shared<message_extras>();
  if (props.message_expiry_interval) {
    extras->expires_at =
        std::chrono::steady_clock::now() + std::chrono::seconds(*props.message_expiry_interval);
    props.message_expiry_interval.reset();
  }
  props.subscription_identifiers.clear();
  props.topic_alias.reset();
  extras->properties = std::move(props);
  return extras;
}

void connection::schedule_will(message_ptr will, std::uint32_t delay_s) {
  auto timer =
      std::make_shared<boost::asio::steady_timer>(transport_->executor(), std::chrono::seconds(delay_s));
  std::weak_ptr<session> resumed = session_;
  timer->async_wait([timer, will = std::move(will), resumed, who = principal_, &target = broker_,
                     worker = home_.index()](boost::system::error_code ec) {
    if (ec) return;                                                   // shutting down
    if (auto s = resumed.lock(); s && s->attachment().first) return;  // the client is back in time
    if (target.owner().on_publish(*who, *will) != publish_action::route) return;
    route_outcome outcome;
    target.route(will, worker, outcome);
  });
}

void connection::handle_disconnect(const codec::disconnect& d) {
  if (v5_) {
    if (auto expiry = d.properties.session_expiry_interval) {
      if (v5_->session_expiry == 0 && *expiry != 0) {  // [MQTT-3.14.2-2]
        fail(codec::reason_code::protocol_error, "protocol error: DISCONNECT sets a session expiry after 0",
             disconnect_reason::protocol_error);
        return;
      }
      v5_->session_expiry = *expiry;
    }
    v5_->disconnect_sent = true;  // the client ended it: nothing to tell it
    if (d.reason == codec::reason_code::disconnect_with_will) publish_will();
  }
  close("client disconnected", true);
}

void connection::fail(codec::reason_code code, std::string_view reason, disconnect_reason why) {
  if (v5_ && phase_ == phase::connected) send_disconnect(code, reason);
  close(reason, false, true, why);
}

void connection::send_disconnect(codec::reason_code code, std::string_view reason_string) {
  if (!v5_ || v5_->disconnect_sent) return;
  v5_->disconnect_sent = true;
  codec::disconnect d{code, {}};
  // Malformed packets, protocol errors and bad topic aliases go out bare, byte for byte as Mosquitto sends
  // them.
  if (code != codec::reason_code::malformed_packet && code != codec::reason_code::protocol_error &&
      code != codec::reason_code::topic_alias_invalid && !reason_string.empty()) {
    d.properties.reason_string = std::string(reason_string);
  }
  std::string bytes;
  codec::encode(d, version_, bytes);
  if (v5_->max_packet_size != 0 && bytes.size() > v5_->max_packet_size) {  // [MQTT-3.1.2-24]
    d.properties.reason_string.reset();
    bytes.clear();
    codec::encode(d, version_, bytes);
  }
  if (v5_->max_packet_size == 0 || bytes.size() <= v5_->max_packet_size) tx_ += bytes;
}

}  // namespace tether::mqtt
