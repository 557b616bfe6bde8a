// The TTN v2 format: credentials, topic layout, and the codec of codec.hpp (see format.hpp).

#include "gateway/ttnv2/format.hpp"

#include "gateway/ttnv2/codec.hpp"
#include "registry/ids.hpp"

#include <fmt/format.h>

namespace tether::gateway::ttnv2 {
credentials_result format::read_credentials(const mqtt::connect_request& request) const {
  using mqtt::codec::connack_code;
  if (!request.username || request.username->empty()) {
    return refuse_login(connack_code::bad_username_or_password,
                        "no username: it must be the gateway ID (with the key as password) or the key");
  }
  if (request.password)  // the C library, mp_pkt_fwd, The Things Gateway and the bridge's README
    return {gateway_credentials{std::string(*request.username), std::string(*request.password)}};
  // The protocol document: the key as username, the client ID is the gateway ID.
  if (!registry::is_valid_id(request.client_id)) {
    return refuse_login(connack_code::bad_username_or_password,
                        fmt::format("no password and client ID '{}' is not a gateway ID", request.client_id));
  }
  return {gateway_credentials{std::string(request.client_id), std::string(*request.username)}};
}

std::optional<gateway_message> format::classify(std::string_view gateway_id, std::string_view topic) const {
  if (topic == "connect" || topic == "disconnect") return gateway_message::session;
  const auto suffix = topic_suffix("", gateway_id, topic);
  if (!suffix) return std::nullopt;
  if (*suffix == "up") return gateway_message::uplink;
  if (*suffix == "status") return gateway_message::status;
  return std::nullopt;
}

gateway_topics format::topics(std::string_view gateway_id) const { return topics_under("", gateway_id); }

result<network::gateway_uplink> format::decode_uplink(std::span<const std::uint8_t> payload,
                                                      std::string_view gateway_id,
                                                      network::time_point received_at) const {
  return ttnv2::decode_uplink(payload, gateway_id, received_at);
}

result<network::gateway_status> format::decode_status(std::span<const std::uint8_t> payload,
                                                      std::string_view gateway_id,
                                                      network::time_point received_at) const {
  return ttnv2::decode_status(payload, gateway_id, received_at);
}

boost::system::error_code format::check_session_message(std::string_view topic,
                                                        std::span<const std::uint8_t> payload,
                                                        std::string_view gateway_id,
                                                        std::string_view key) const {
  return ttnv2::check_session_message(topic, payload, gateway_id, key);
}

std::string format::encode_downlink(const network::downlink_tx& tx) const {
  return ttnv2::encode_downlink(tx);
}

}  // namespace tether::gateway::ttnv2
