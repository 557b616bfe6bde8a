#include "gateway/gateway_realm.hpp"

#include "core/log_context.hpp"
#include "gateway/uplink_token.hpp"
#include "mqtt/codec/topic.hpp"
#include "registry/ids.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <span>

namespace tether::gateway {
namespace {

std::span<const std::uint8_t> bytes_of(const std::string& payload) {
  return {reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()};
}

const gateway_principal& as_gateway(const mqtt::principal& who) {
  return static_cast<const gateway_principal&>(who);  // this realm only ever sees its own principals
}

// The size of a PUBLISH: fixed header, remaining length, topic, packet ID at QoS > 0, payload, plus one
// byte for an MQTT 5 property length (an upper bound for 3.1.1 gateways).
std::size_t publish_size(std::size_t topic, std::size_t payload, std::uint8_t qos) {
  const std::size_t remaining = 2 + topic + (qos > 0 ? 2 : 0) + 1 + payload;
  std::size_t length_bytes = 1;
  for (std::size_t r = remaining; r >= 128; r /= 128) ++length_bytes;
  return 1 + length_bytes + remaining;
}

mqtt::auth_result refuse(mqtt::codec::connack_code code, std::string reason) {
  mqtt::auth_result r;
  r.refusal = code;
  r.reason = std::move(reason);
  return r;
}

}  // namespace

gateway_realm::gateway_realm(registry::key_authenticator& keys, gateway::hub& hub,
                             std::unique_ptr<gateway::format> format)
    : keys_(keys), hub_(hub), format_(std::move(format)) {}

mqtt::auth_result gateway_realm::authenticate(const mqtt::connect_request& request) {
  using mqtt::codec::connack_code;
  auto read = format_->read_credentials(request);
  if (!read.credentials) return refuse(read.refusal, std::move(read.reason));
  const auto& [id, secret] = *read.credentials;
  if (!registry::is_valid_id(id))
    return refuse(connack_code::bad_username_or_password, fmt::format("'{}' is not a gateway ID", id));
  auto key = keys_.authenticate({registry::entity_kind::gateway, id}, secret);
  if (!key)
    return refuse(connack_code::not_authorized, fmt::format("gateway {}: API key not valid for it", id));
  if (!key->rights.contains(registry::right::gateway_link)) {
    return refuse(connack_code::not_authorized,
                  fmt::format("gateway {}: API key {} lacks RIGHT_GATEWAY_LINK", id, key->key_id));
  }
  auto who = std::make_shared<gateway_principal>();
  who->client_id = std::string(request.client_id);
  who->username = std::string(request.username.value_or(""));
  who->gateway_id = id;
  who->credential_id = key->key_id;
  who->remote_address = std::string(request.remote_address);
  who->key = secret;
  who->topics = format_->topics(id);
  who->session_id = who->gateway_id;  // one connection per gateway: the newest takes over
  who->ephemeral = true;
  mqtt::auth_result r;
  r.who = std::move(who);
  return r;
}

bool gateway_realm::authorize_publish(const mqtt::principal& who, std::string_view topic) {
  return format_->classify(as_gateway(who).gateway_id, topic).has_value();
}

mqtt::subscribe_decision gateway_realm::authorize_subscribe(const mqtt::principal& who,
                                                            std::string_view filter) {
  const auto& topics = as_gateway(who).topics;
  const bool wants_down = mqtt::codec::topic_matches(filter, topics.downlink);
  const bool wants_errors = mqtt::codec::topic_matches(filter, topics.errors);
  mqtt::subscribe_decision d;
  // Whatever the filter (`#`, `v3/+/down`, ...), the gateway gets only its own topics.
  if (wants_down && wants_errors) {
    d.allowed = true;
    d.filter = topics.both;
  } else if (wants_down || wants_errors) {
    d.allowed = true;
    d.filter = wants_down ? topics.downlink : topics.errors;
  }
  return d;
}

bool gateway_realm::authorize_read(const mqtt::principal& who, std::string_view topic) {
  const auto& topics = as_gateway(who).topics;
  return topic == topics.downlink || topic == topics.errors;
}

mqtt::publish_action gateway_realm::on_publish(const mqtt::principal& who, const mqtt::message& msg) {
  const auto& gw = as_gateway(who);
  if (const auto kind = format_->classify(gw.gateway_id, msg.topic)) {
    switch (*kind) {
      case gateway_message::uplink:
        handle_uplink(gw, msg);
        break;
      case gateway_message::status:
        handle_status(gw, msg);
        break;
      case gateway_message::tx_ack:
        handle_tx_ack(gw, msg);
        break;
      case gateway_message::session:
        handle_session(gw, msg);
        break;
    }
  }
  return mqtt::publish_action::consume;  // nothing a gateway publishes is routed to other clients
}

void gateway_realm::handle_uplink(const gateway_principal& gw, const mqtt::message& msg) {
  auto up = format_->decode_uplink(bytes_of(msg.payload), gw.gateway_id, std::chrono::system_clock::now());
  if (!up) return reject(gw, msg.topic, up.error().message());
  stamp_uplink_tokens(*up, gw.gateway_id);
  stats_.uplinks.fetch_add(1, std::memory_order_relaxed);
  hub_.handle_uplink(std::move(*up));
}

void gateway_realm::handle_status(const gateway_principal& gw, const mqtt::message& msg) {
  auto status =
      format_->decode_status(bytes_of(msg.payload), gw.gateway_id, std::chrono::system_clock::now());
  if (!status) return reject(gw, msg.topic, status.error().message());
  stats_.statuses.fetch_add(1, std::memory_order_relaxed);
  hub_.handle_status(std::move(*status));
}

void gateway_realm::handle_tx_ack(const gateway_principal& gw, const mqtt::message& msg) {
  auto ack = format_->decode_tx_ack(bytes_of(msg.payload), gw.gateway_id, std::chrono::system_clock::now());
  if (!ack) return reject(gw, msg.topic, ack.error().message());
  stats_.tx_acks.fetch_add(1, std::memory_order_relaxed);
  hub_.handle_tx_ack(std::move(*ack));  // the hub matches it to its downlink
}

void gateway_realm::handle_session(const gateway_principal& gw, const mqtt::message& msg) {
  if (auto ec = format_->check_session_message(msg.topic, bytes_of(msg.payload), gw.gateway_id, gw.key))
    reject(gw, msg.topic, ec.message());
}

std::optional<std::uint64_t> gateway_realm::count_drop(const std::string& gateway_id,
                                                       std::string_view reason) {
  stats_.dropped.fetch_add(1, std::memory_order_relaxed);
  hub_.count_drop(gateway_id, reason);
  std::lock_guard lock(drop_log_mutex_);
  return drop_log_.due();
}

void gateway_realm::reject(const gateway_principal& gw, const std::string& topic, std::string_view reason) {
  const core::log_scope scope{{"gateway_id", gw.gateway_id}, {"client_id", gw.client_id}};
  if (const auto due = count_drop(gw.gateway_id, reason)) {
    spdlog::warn("[{}] {}: dropped a message on {}: {}{}", name(), gw.gateway_id, topic, reason,
                 core::repeat_note(*due));
  }
  // Unlike The Things Stack, tell the gateway why (delivered only if it subscribed), within what it can read.
  std::string text(reason);
  std::string report;
  for (;;) {
    report = nlohmann::json{{"topic", topic}, {"reason", text}}.dump();
    const auto limit = format_->max_packet_size();
    if (limit == 0 || publish_size(gw.topics.errors.size(), report.size(), 0) <= limit) break;
    if (text.empty()) return;  // not even the topic fits
    text.resize(text.size() > 16 ? text.size() - 16 : 0);
  }
  if (publisher_) publisher_->publish(mqtt::make_message(gw.topics.errors, std::move(report), 0, false));
}

network::send_outcome gateway_realm::reject_downlink(const network::downlink_tx& tx, std::size_t size,
                                                     std::size_t limit) {
  constexpr std::string_view reason = "downlink larger than the gateway can read";
  const core::log_scope scope{{"gateway_id", tx.gateway_id}};
  if (const auto due = count_drop(tx.gateway_id, reason)) {
    spdlog::warn("[{}] {}: downlink {} not sent: {} ({} bytes, at most {}){}", name(), tx.gateway_id, tx.id,
                 reason, size, limit, core::repeat_note(*due));
  }
  return network::send_outcome{network::send_refusal{
      "gateway_packet_too_large",
      fmt::format("gateway {} ({}) reads MQTT packets of at most {} bytes; this downlink needs {}",
                  tx.gateway_id, protocol(), limit, size)}};
}

void gateway_realm::on_connect(const mqtt::principal& who) {
  const auto& gw = as_gateway(who);
  {
    std::lock_guard lock(connections_mutex_);
    auto& c = connected_[gw.gateway_id];
    ++c.connections;
    c.downlink_topic = gw.topics.downlink;
  }
  const core::log_scope scope{{"gateway_id", gw.gateway_id}, {"client_id", gw.client_id}};
  hub_.connect(gw.gateway_id, *this, gw.remote_address);
  spdlog::info("[{}] gateway {} connected (client {}, key {})", name(), gw.gateway_id, gw.client_id,
               gw.credential_id);
}

void gateway_realm::on_disconnect(const mqtt::principal& who, bool clean) {
  const auto& gw = as_gateway(who);
  bool last = false;
  {
    std::lock_guard lock(connections_mutex_);
    auto it = connected_.find(gw.gateway_id);
    if (it != connected_.end() && --it->second.connections == 0) {
      connected_.erase(it);
      last = true;
    }
  }
  const core::log_scope scope{{"gateway_id", gw.gateway_id}, {"client_id", gw.client_id}};
  // A takeover connects the new connection before the old one closes: the gateway stays connected.
  if (last) hub_.disconnect(gw.gateway_id, *this);
  spdlog::info("[{}] gateway {} disconnected ({})", name(), gw.gateway_id, clean ? "clean" : "unclean");
}

network::send_outcome gateway_realm::transmit(const network::downlink_tx& tx) {
  std::string topic;
  {
    std::lock_guard lock(connections_mutex_);
    auto it = connected_.find(tx.gateway_id);
    if (it == connected_.end()) return network::send_result::not_connected;
    topic = it->second.downlink_topic;
  }
  auto payload = format_->encode_downlink(tx);
  const auto qos = format_->downlink_qos();
  const auto limit = format_->max_packet_size();
  if (const auto size = publish_size(topic.size(), payload.size(), qos); limit != 0 && size > limit)
    return reject_downlink(tx, size, limit);
  stats_.downlinks.fetch_add(1, std::memory_order_relaxed);
  if (publisher_) publisher_->publish(mqtt::make_message(std::move(topic), std::move(payload), qos, false));
  return network::send_result::sent;
}

}  // namespace tether::gateway
