#pragma once
// The Things Stack v3 gateway API (spec/tts-v3.md §2) as a gateway::format: gateways log in with
// username = gateway ID (`id@tenant` accepted, tenant ignored) and password = an API key of that
// gateway; they publish protobuf UplinkMessage, GatewayStatus and TxAcknowledgment to v3/{id}/up,
// /status and /down/ack (write-only) and receive GatewayDown on v3/{id}/down, where the hub's
// `gs:down:token:<n>` correlation ID comes back in the TxAck. Beyond the original: v3/{id}/errors.

#include "gateway/format.hpp"

namespace tether::gateway::ttsv3 {

class format final : public gateway::format {
 public:
  std::string_view realm_name() const override { return "gateway-v3"; }
  std::string_view protocol() const override { return "ttsv3"; }
  bool acknowledges_transmissions() const override { return true; }

  credentials_result read_credentials(const mqtt::connect_request& request) const override;
  std::optional<gateway_message> classify(std::string_view gateway_id, std::string_view topic) const override;
  gateway_topics topics(std::string_view gateway_id) const override;

  result<network::gateway_uplink> decode_uplink(std::span<const std::uint8_t> payload,
                                                std::string_view gateway_id,
                                                network::time_point received_at) const override;
  result<network::gateway_status> decode_status(std::span<const std::uint8_t> payload,
                                                std::string_view gateway_id,
                                                network::time_point received_at) const override;
  result<network::tx_ack> decode_tx_ack(std::span<const std::uint8_t> payload, std::string_view gateway_id,
                                        network::time_point received_at) const override;
  std::string encode_downlink(const network::downlink_tx& tx) const override;
};

}  // namespace tether::gateway::ttsv3
