#pragma once
// The TTN v2 gateway connector (spec/ttn-v2.md §2) as a gateway::format, for the gateways that run the
// TTN gateway connector C library, mp_pkt_fwd or The Things Gateway firmware, unchanged:
// - login: username = gateway ID and password = key (what those clients send), or username = key and no
//   password with client ID = gateway ID (what the protocol document says);
// - gateways publish router.UplinkMessage on {id}/up, gateway.Status on {id}/status and
//   types.ConnectMessage/DisconnectMessage on the shared `connect`/`disconnect` topics (checked against
//   the connection: ID and key must match), and read router.DownlinkMessage on {id}/down;
// - downlinks go out at QoS 0 (what the v2 bridge and The Things Stack send; the C library cannot take
//   QoS 2), and no packet to a v2 gateway reaches 512 bytes: both Paho embedded forks read into a
//   512-byte buffer without a length check;
// - there is no TxAck in v2: the hub reports a downlink sent when it is handed to the connection.
// Beyond the original: {id}/errors, as for v3.

#include "gateway/format.hpp"

namespace tether::gateway::ttnv2 {

// Every MQTT packet sent to a v2 gateway stays below this many bytes.
inline constexpr std::size_t gateway_read_buffer = 512;
// The smallest packet limit a v2 realm accepts: a join-accept with a CFList (33 bytes) and its protobuf
// still fit (about 120 bytes with a 36-character gateway ID).
inline constexpr std::size_t min_packet_limit = 128;

class format final : public gateway::format {
 public:
  // `max_packet`: the largest packet sent to a gateway, gateway_read_buffer - 1 for the C library and
  // mp_pkt_fwd; lower for firmware built with smaller buffers (--gateway-v2-max-packet-size).
  explicit format(std::size_t max_packet = gateway_read_buffer - 1) : max_packet_(max_packet) {}

  std::string_view realm_name() const override { return "gateway-v2"; }
  std::string_view protocol() const override { return "ttnv2"; }
  bool acknowledges_transmissions() const override { return false; }
  std::uint8_t downlink_qos() const override { return 0; }
  std::size_t max_packet_size() const override { return max_packet_; }

  credentials_result read_credentials(const mqtt::connect_request& request) const override;
  std::optional<gateway_message> classify(std::string_view gateway_id, std::string_view topic) const override;
  gateway_topics topics(std::string_view gateway_id) const override;

  result<network::gateway_uplink> decode_uplink(std::span<const std::uint8_t> payload,
                                                std::string_view gateway_id,
                                                network::time_point received_at) const override;
  result<network::gateway_status> decode_status(std::span<const std::uint8_t> payload,
                                                std::string_view gateway_id,
                                                network::time_point received_at) const override;
  boost::system::error_code check_session_message(std::string_view topic,
                                                  std::span<const std::uint8_t> payload,
                                                  std::string_view gateway_id,
                                                  std::string_view key) const override;
  std::string encode_downlink(const network::downlink_tx& tx) const override;

 private:
  std::size_t max_packet_;
};

}  // namespace tether::gateway::ttnv2
