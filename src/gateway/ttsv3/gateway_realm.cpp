#include "gateway/ttsv3/gateway_realm.hpp"

#include "gateway/ttsv3/codec.hpp"
#include "mqtt/codec/topic.hpp"
#include "registry/ids.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <charconv>
#include <span>

namespace tether::gateway::ttsv3 {
namespace {

constexpr std::string_view token_prefix = "gs:down:token:";

std::string topic_of(std::string_view gateway_id, std::string_view suffix) {
  return fmt::format("v3/{}/{}", gateway_id, suffix);
}

std::span<const std::uint8_t> bytes_of(const std::string& payload) {
  return {reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()};
}

const gateway_principal& as_gateway(const mqtt::principal& who) {
  return static_cast<const gateway_principal&>(who);  // this realm only ever sees its own principals
}

mqtt::auth_result refuse(mqtt::codec::connack_code code, std::string reason) {
  mqtt::auth_result r;
  r.refusal = code;
  r.reason = std::move(reason);
  return r;
}

}  // namespace

gateway_realm::gateway_realm(registry::key_authenticator& keys, gateway::hub& hub) : keys_(keys), hub_(hub) {}

mqtt::auth_result gateway_realm::authenticate(const mqtt::connect_request& request) {
  using mqtt::codec::connack_code;
  if (!request.username)
    return refuse(connack_code::bad_username_or_password, "no username: it must be the gateway ID");
  // On multi-tenant deployments of The Things Stack the username is `gateway-id@tenant-id`.
  std::string_view id = *request.username;
  id = id.substr(0, id.find('@'));
  if (!registry::is_valid_id(id)) {
    return refuse(connack_code::bad_username_or_password,
                  fmt::format("username '{}' is not a gateway ID", *request.username));
  }
  if (!request.password)
    return refuse(connack_code::not_authorized, fmt::format("gateway {}: no API key", id));
  auto key = keys_.authenticate({registry::entity_kind::gateway, std::string(id)}, *request.password);
  if (!key)
    return refuse(connack_code::not_authorized, fmt::format("gateway {}: API key not valid for it", id));
  if (!key->rights.contains(registry::right::gateway_link)) {
    return refuse(connack_code::not_authorized,
                  fmt::format("gateway {}: API key {} lacks RIGHT_GATEWAY_LINK", id, key->key_id));
  }
  auto who = std::make_shared<gateway_principal>();
  who->client_id = std::string(request.client_id);
  who->username = std::string(*request.username);
  who->gateway_id = std::string(id);
  who->credential_id = key->key_id;
  who->remote_address = std::string(request.remote_address);
  who->session_id = who->gateway_id;  // one connection per gateway: the newest takes over
  who->ephemeral = true;
  mqtt::auth_result r;
  r.who = std::move(who);
  return r;
}

bool gateway_realm::authorize_publish(const mqtt::principal& who, std::string_view topic) {
  const auto& id = as_gateway(who).gateway_id;
  return topic == topic_of(id, "up") || topic == topic_of(id, "status") || topic == topic_of(id, "down/ack");
}

mqtt::subscribe_decision gateway_realm::authorize_subscribe(const mqtt::principal& who,
                                                            std::string_view filter) {
  const auto& id = as_gateway(who).gateway_id;
  const auto down = topic_of(id, "down");
  const auto errors = topic_of(id, "errors");
  const bool wants_down = mqtt::codec::topic_matches(filter, down);
  const bool wants_errors = mqtt::codec::topic_matches(filter, errors);
  mqtt::subscribe_decision d;
  // Whatever the filter (`#`, `v3/+/down`, ...), the gateway gets only its own topics.
  if (wants_down && wants_errors) {
    d.allowed = true;
    d.filter = topic_of(id, "+");  // only down and errors are ever published in this namespace
  } else if (wants_down || wants_errors) {
    d.allowed = true;
    d.filter = wants_down ? down : errors;
  }
  return d;
}

bool gateway_realm::authorize_read(const mqtt::principal& who, std::string_view topic) {
  const auto& id = as_gateway(who).gateway_id;
  return topic == topic_of(id, "down") || topic == topic_of(id, "errors");
}

mqtt::publish_action gateway_realm::on_publish(const mqtt::principal& who, const mqtt::message& msg) {
  const auto& gw = as_gateway(who);
  const std::string_view suffix = std::string_view(msg.topic).substr(4 + gw.gateway_id.size());  // "v3/{id}/"
  if (suffix == "up") {
    handle_uplink(gw, msg);
  } else if (suffix == "status") {
    handle_status(gw, msg);
  } else if (suffix == "down/ack") {
    handle_tx_ack(gw, msg);
  }
  return mqtt::publish_action::consume;  // nothing a gateway publishes is routed to other clients
}

void gateway_realm::handle_uplink(const gateway_principal& gw, const mqtt::message& msg) {
  auto up = decode_uplink(bytes_of(msg.payload), gw.gateway_id, std::chrono::system_clock::now());
  if (!up) return reject(gw, msg.topic, up.error().message());
  stats_.uplinks.fetch_add(1, std::memory_order_relaxed);
  hub_.handle_uplink(std::move(*up));
}

void gateway_realm::handle_status(const gateway_principal& gw, const mqtt::message& msg) {
  auto status = decode_status(bytes_of(msg.payload), gw.gateway_id, std::chrono::system_clock::now());
  if (!status) return reject(gw, msg.topic, status.error().message());
  stats_.statuses.fetch_add(1, std::memory_order_relaxed);
  hub_.handle_status(std::move(*status));
}

void gateway_realm::handle_tx_ack(const gateway_principal& gw, const mqtt::message& msg) {
  auto ack = decode_tx_ack(bytes_of(msg.payload), gw.gateway_id, std::chrono::system_clock::now());
  if (!ack) return reject(gw, msg.topic, ack.error().message());
  ack->downlink_id = match_tx_ack(gw.gateway_id, ack->correlation_ids);
  stats_.tx_acks.fetch_add(1, std::memory_order_relaxed);
  hub_.handle_tx_ack(*ack);
}

void gateway_realm::reject(const gateway_principal& gw, const std::string& topic, std::string_view reason) {
  stats_.dropped.fetch_add(1, std::memory_order_relaxed);
  hub_.count_drop(gw.gateway_id, reason);
  spdlog::warn("[gateway-v3] {}: dropped a message on {}: {}", gw.gateway_id, topic, reason);
  // Unlike The Things Stack, tell the gateway why (delivered only if it subscribed).
  const nlohmann::json error = {{"topic", topic}, {"reason", reason}};
  if (publisher_)
    publisher_->publish(mqtt::make_message(topic_of(gw.gateway_id, "errors"), error.dump(), 0, false));
}

void gateway_realm::on_connect(const mqtt::principal& who) {
  const auto& gw = as_gateway(who);
  {
    std::lock_guard lock(sent_mutex_);
    ++connections_[gw.gateway_id];
  }
  hub_.connect(gw.gateway_id, *this, gw.remote_address);
  spdlog::info("[gateway-v3] gateway {} connected (client {}, key {})", gw.gateway_id, gw.client_id,
               gw.credential_id);
}

void gateway_realm::on_disconnect(const mqtt::principal& who, bool clean) {
  const auto& gw = as_gateway(who);
  bool last = false;
  {
    std::lock_guard lock(sent_mutex_);
    auto it = connections_.find(gw.gateway_id);
    if (it != connections_.end() && --it->second == 0) {
      connections_.erase(it);
      sent_.erase(gw.gateway_id);
      last = true;
    }
  }
  // A takeover connects the new connection before the old one closes: the gateway stays connected.
  if (last) hub_.disconnect(gw.gateway_id, *this);
  spdlog::info("[gateway-v3] gateway {} disconnected ({})", gw.gateway_id, clean ? "clean" : "unclean");
}

bool gateway_realm::transmit(const network::downlink_tx& tx) {
  network::downlink_tx out = tx;
  {
    std::lock_guard lock(sent_mutex_);
    if (!connections_.contains(tx.gateway_id)) return false;
    auto& ring = sent_[tx.gateway_id];
    const std::uint16_t token = ring.next_token++;
    ring.tokens[token % sent_downlinks::size] = token;
    ring.downlink_ids[token % sent_downlinks::size] = tx.id;
    out.correlation_ids.push_back(fmt::format("{}{}", token_prefix, token));
  }
  stats_.downlinks.fetch_add(1, std::memory_order_relaxed);
  // Published at QoS 2 so each gateway gets its downlinks at the QoS it subscribed with.
  if (publisher_)
    publisher_->publish(
        mqtt::make_message(topic_of(tx.gateway_id, "down"), encode_gateway_down(out), 2, false));
  return true;
}

std::uint64_t gateway_realm::match_tx_ack(const std::string& gateway_id,
                                          const std::vector<std::string>& correlation_ids) {
  for (const auto& id : correlation_ids) {
    if (!id.starts_with(token_prefix)) continue;
    std::uint16_t token = 0;
    const auto digits = std::string_view(id).substr(token_prefix.size());
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), token);
    if (ec != std::errc{} || end != digits.data() + digits.size()) continue;
    std::lock_guard lock(sent_mutex_);
    auto it = sent_.find(gateway_id);
    if (it == sent_.end()) return 0;
    const auto slot = token % sent_downlinks::size;
    // The token must still be in the ring: 16 newer downlinks overwrite it.
    if (it->second.tokens[slot] == token && it->second.downlink_ids[slot] != 0)
      return it->second.downlink_ids[slot];
    return 0;
  }
  return 0;
}

}  // namespace tether::gateway::ttsv3
