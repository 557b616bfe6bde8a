// {id}/down: network::downlink_tx <-> router.DownlinkMessage (spec/ttn-v2.md §1.1, §1.3, §1.4, §2.6):
// the PHYPayload, the data rate and coding rate, and the concentrator timestamp, frequency, power,
// polarization inversion and RF chain (always 0, as The Things Stack) of the chosen window. No `message`
// and no `trace`, which keeps the packet far below the 512 bytes real v2 gateways can read.

#include "gateway/ttnv2/codec.hpp"
#include "gateway/ttnv2/codec_pb.hpp"

#include <algorithm>
#include <cmath>

namespace tether::gateway::ttnv2 {
namespace {

using namespace detail;

// The Things Stack's v2 frontend sends EIRP - 2 dB, the gain it assumes for a v2 gateway's antenna.
constexpr float antenna_gain = 2;

}  // namespace

std::string encode_downlink(const network::downlink_tx& tx) {
  auto* msg = make<v2::router::DownlinkMessage>();
  msg->set_payload(tx.raw_payload.data(), tx.raw_payload.size());
  auto* lorawan = msg->mutable_protocol_configuration()->mutable_lorawan();
  data_rate_to_pb(tx.scheduled.data_rate, lorawan);
  // mp_pkt_fwd aborts a transmission without a coding rate it knows (spec §2.6).
  if (lorawan->modulation() == v2::lorawan::LORA && lorawan->coding_rate().empty())
    lorawan->set_coding_rate("4/5");
  auto* gw = msg->mutable_gateway_configuration();
  gw->set_timestamp(tx.scheduled.timestamp);
  gw->set_rf_chain(0);
  gw->set_frequency(tx.scheduled.frequency);
  const float power = std::isfinite(tx.scheduled.tx_power) ? tx.scheduled.tx_power - antenna_gain : 0;
  gw->set_power(static_cast<std::int32_t>(std::lround(std::clamp(power, -100.0f, 100.0f))));
  gw->set_polarization_inversion(tx.scheduled.invert_polarization);
  if (const auto* fsk = std::get_if<network::fsk_data_rate>(&tx.scheduled.data_rate))
    gw->set_frequency_deviation(fsk->bit_rate / 2);
  return serialize(*msg);
}

result<network::downlink_tx> decode_downlink(std::span<const std::uint8_t> payload) {
  const auto* msg = parse<v2::router::DownlinkMessage>(payload);
  if (msg == nullptr) return codec_error::not_protobuf;
  if (msg->payload().empty()) return codec_error::empty_payload;
  if (!msg->protocol_configuration().has_lorawan()) return codec_error::missing_lorawan_metadata;
  if (!msg->has_gateway_configuration()) return codec_error::missing_configuration;
  auto data_rate = data_rate_from_pb(msg->protocol_configuration().lorawan());
  if (!data_rate) return data_rate.error();
  const auto& gw = msg->gateway_configuration();
  if (gw.frequency() < min_frequency) return codec_error::frequency_too_low;
  network::downlink_tx tx;
  tx.raw_payload.assign(msg->payload().begin(), msg->payload().end());
  tx.scheduled.data_rate = std::move(*data_rate);
  tx.scheduled.frequency = gw.frequency();
  tx.scheduled.timestamp = gw.timestamp();
  tx.scheduled.tx_power = static_cast<float>(gw.power()) + antenna_gain;
  tx.scheduled.invert_polarization = gw.polarization_inversion();
  return tx;
}

}  // namespace tether::gateway::ttnv2
