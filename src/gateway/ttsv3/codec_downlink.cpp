// v3/{gateway}/down: network::downlink_tx <-> GatewayDown{DownlinkMessage} (spec §1.5). The hub
// appends gs:down:token:<n> to the correlation IDs before the realm calls encode_gateway_down.

#include "gateway/ttsv3/codec.hpp"
#include "gateway/ttsv3/codec_pb.hpp"

namespace tether::gateway::ttsv3 {

using namespace detail;

std::string encode_gateway_down(const network::downlink_tx& tx) {
  auto* msg = make<pb::GatewayDown>();
  auto* down = msg->mutable_downlink_message();
  down->set_raw_payload(tx.raw_payload.data(), tx.raw_payload.size());
  detail::to_pb(tx.scheduled, down->mutable_scheduled(), true);
  for (const auto& id : tx.correlation_ids) down->add_correlation_ids(id);
  return serialize(*msg);
}

result<network::downlink_tx> decode_gateway_down(std::span<const std::uint8_t> payload) {
  const auto* msg = parse<pb::GatewayDown>(payload);
  if (msg == nullptr) return codec_error::not_protobuf;
  if (!msg->has_downlink_message()) return codec_error::missing_downlink;
  const auto& down = msg->downlink_message();
  if (down.raw_payload().empty()) return codec_error::empty_payload;
  // A TxRequest is for the gateway server to schedule; a gateway can only transmit scheduled settings.
  if (!down.has_scheduled()) return codec_error::missing_settings;
  auto settings = detail::from_pb(down.scheduled());
  if (!settings) return settings.error();
  if (!valid_correlation_ids(down.correlation_ids())) return codec_error::invalid_correlation_id;

  network::downlink_tx out;
  out.raw_payload.assign(down.raw_payload().begin(), down.raw_payload().end());
  out.scheduled = std::move(*settings);
  out.correlation_ids.assign(down.correlation_ids().begin(), down.correlation_ids().end());
  return out;
}

}  // namespace tether::gateway::ttsv3
