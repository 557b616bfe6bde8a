#include "gateway/ttsv3/format.hpp"

#include "gateway/ttsv3/codec.hpp"
#include "registry/ids.hpp"

#include <fmt/format.h>

namespace tether::gateway::ttsv3 {
credentials_result format::read_credentials(const mqtt::connect_request& request) const {
  using mqtt::codec::connack_code;
  if (!request.username)
    return refuse_login(connack_code::bad_username_or_password, "no username: it must be the gateway ID");
  // On multi-tenant deployments of The Things Stack the username is `gateway-id@tenant-id`.
  std::string_view id = *request.username;
  id = id.substr(0, id.find('@'));
  if (!registry::is_valid_id(id)) {
    return refuse_login(connack_code::bad_username_or_password,
                        fmt::format("username '{}' is not a gateway ID", *request.username));
  }
  if (!request.password)
    return refuse_login(connack_code::not_authorized, fmt::format("gateway {}: no API key", id));
  return {gateway_credentials{std::string(id), std::string(*request.password)}};
}

std::optional<gateway_message> format::classify(std::string_view gateway_id, std::string_view topic) const {
  const auto suffix = topic_suffix("v3/", gateway_id, topic);
  if (!suffix) return std::nullopt;
  if (*suffix == "up") return gateway_message::uplink;
  if (*suffix == "status") return gateway_message::status;
  if (*suffix == "down/ack") return gateway_message::tx_ack;
  return std::nullopt;
}

gateway_topics format::topics(std::string_view gateway_id) const { return topics_under("v3/", gateway_id); }

result<network::gateway_uplink> format::decode_uplink(std::span<const std::uint8_t> payload,
                                                      std::string_view gateway_id,
                                                      network::time_point received_at) const {
  return ttsv3::decode_uplink(payload, gateway_id, received_at);
}

result<network::gateway_status> format::decode_status(std::span<const std::uint8_t> payload,
                                                      std::string_view gateway_id,
                                                      network::time_point received_at) const {
  return ttsv3::decode_status(payload, gateway_id, received_at);
}

result<network::tx_ack> format::decode_tx_ack(std::span<const std::uint8_t> payload,
                                              std::string_view gateway_id,
                                              network::time_point received_at) const {
  return ttsv3::decode_tx_ack(payload, gateway_id, received_at);
}

std::string format::encode_downlink(const network::downlink_tx& tx) const { return encode_gateway_down(tx); }

}  // namespace tether::gateway::ttsv3
