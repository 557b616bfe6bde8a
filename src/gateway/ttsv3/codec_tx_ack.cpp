// v3/{gateway}/down/ack: TxAcknowledgment <-> network::tx_ack (spec §1.8). Matching the ack to its
// downlink (the gs:down:token:<n> correlation ID) is the hub's job, so downlink_id stays 0 here.

#include "gateway/ttsv3/codec.hpp"
#include "gateway/ttsv3/codec_pb.hpp"
#include "registry/ids.hpp"

namespace tether::gateway::ttsv3 {

using namespace detail;

result<network::tx_ack> decode_tx_ack(std::span<const std::uint8_t> payload, std::string_view gateway_id,
                                      network::time_point received_at) {
  if (!registry::is_valid_id(gateway_id)) return codec_error::invalid_gateway_id;
  const auto* msg = parse<pb::TxAcknowledgment>(payload);
  if (msg == nullptr) return codec_error::not_protobuf;
  if (!valid_correlation_ids(msg->correlation_ids())) return codec_error::invalid_correlation_id;
  if (!pb::TxAcknowledgment::Result_IsValid(msg->result())) return codec_error::unknown_tx_result;

  network::tx_ack out;
  out.gateway_id = gateway_id;
  out.correlation_ids.assign(msg->correlation_ids().begin(), msg->correlation_ids().end());
  out.result = static_cast<network::tx_result>(msg->result());
  out.received_at = received_at;
  return out;
}

std::string encode_tx_ack(const network::tx_ack& ack) {
  auto* msg = make<pb::TxAcknowledgment>();
  for (const auto& id : ack.correlation_ids) msg->add_correlation_ids(id);
  msg->set_result(static_cast<pb::TxAcknowledgment::Result>(ack.result));
  return serialize(*msg);
}

}  // namespace tether::gateway::ttsv3
