// v3/{gateway}/up: UplinkMessage <-> network::gateway_uplink (spec §1.1, §1.3, §2.6).

#include "gateway/ttsv3/codec.hpp"
#include "gateway/ttsv3/codec_pb.hpp"
#include "registry/ids.hpp"

namespace tether::gateway::ttsv3 {
namespace {

using namespace detail;

result<network::rx_metadata> from_pb(const pb::RxMetadata& md, std::string_view gateway_id,
                                     network::time_point received_at) {
  network::rx_metadata out;
  // Unlike The Things Stack we refuse metadata in another gateway's name, and fill in a missing ID.
  const auto& ids = md.gateway_ids();
  if (!ids.gateway_id().empty() && ids.gateway_id() != gateway_id) return codec_error::wrong_gateway;
  out.gateway_id = gateway_id;
  if (!ids.eui().empty()) {
    out.gateway_eui = core::eui64::from_bytes(ids.eui());
    if (!out.gateway_eui) return codec_error::invalid_gateway_id;
  }
  out.antenna_index = md.antenna_index();
  if (md.has_time()) {
    auto t = detail::from_pb(md.time());
    if (!t) return t.error();
    out.time = *t;
  }
  out.timestamp = md.timestamp();
  out.fine_timestamp = md.fine_timestamp();
  out.rssi = md.rssi();
  if (md.has_signal_rssi()) out.signal_rssi = md.signal_rssi().value();
  out.channel_rssi = md.channel_rssi();
  out.rssi_standard_deviation = md.rssi_standard_deviation();
  out.snr = md.snr();
  out.frequency_offset = md.frequency_offset();
  if (md.has_location()) out.location = detail::from_pb(md.location());
  out.channel_index = md.channel_index();
  if (md.has_gps_time()) {
    auto t = detail::from_pb(md.gps_time());
    if (!t) return t.error();
    out.gps_time = *t;
  }
  out.received_at = received_at;
  // The gateway's uplink_token is ignored: the realm stamps its own (gateway/uplink_token.hpp).
  return out;
}

void to_pb(const network::rx_metadata& md, pb::RxMetadata* out) {
  auto* ids = out->mutable_gateway_ids();
  ids->set_gateway_id(md.gateway_id);
  if (md.gateway_eui) ids->set_eui(std::string(md.gateway_eui->view()));
  out->set_antenna_index(md.antenna_index);
  if (md.time) detail::to_pb(*md.time, out->mutable_time());
  out->set_timestamp(md.timestamp);
  out->set_fine_timestamp(md.fine_timestamp);
  out->set_rssi(md.rssi);
  if (md.signal_rssi) out->mutable_signal_rssi()->set_value(*md.signal_rssi);
  out->set_channel_rssi(md.channel_rssi);
  out->set_rssi_standard_deviation(md.rssi_standard_deviation);
  out->set_snr(md.snr);
  out->set_frequency_offset(md.frequency_offset);
  if (md.location) detail::to_pb(*md.location, out->mutable_location());
  if (!md.uplink_token.empty()) out->set_uplink_token(md.uplink_token.data(), md.uplink_token.size());
  out->set_channel_index(md.channel_index);
  if (md.gps_time) detail::to_pb(*md.gps_time, out->mutable_gps_time());
  if (md.received_at != network::time_point{}) detail::to_pb(md.received_at, out->mutable_received_at());
}

}  // namespace

result<network::gateway_uplink> decode_uplink(std::span<const std::uint8_t> payload,
                                              std::string_view gateway_id, network::time_point received_at) {
  if (!registry::is_valid_id(gateway_id)) return codec_error::invalid_gateway_id;
  const auto* msg = parse<pb::UplinkMessage>(payload);
  if (msg == nullptr) return codec_error::not_protobuf;
  if (!msg->has_settings()) return codec_error::missing_settings;
  auto settings = detail::from_pb(msg->settings());
  if (!settings) return settings.error();
  if (msg->raw_payload().empty()) return codec_error::empty_payload;
  if (msg->has_crc_status() && !msg->crc_status().value()) return codec_error::crc_failed;
  if (!valid_correlation_ids(msg->correlation_ids())) return codec_error::invalid_correlation_id;
  if (static_cast<std::size_t>(msg->rx_metadata_size()) > max_antennas) return codec_error::too_many_antennas;

  network::gateway_uplink up;
  const auto& raw = msg->raw_payload();
  up.raw_payload.assign(raw.begin(), raw.end());
  up.settings = std::move(*settings);
  up.rx_metadata.reserve(static_cast<std::size_t>(msg->rx_metadata_size()));
  for (const auto& md : msg->rx_metadata()) {
    auto converted = from_pb(md, gateway_id, received_at);
    if (!converted) return converted.error();
    up.rx_metadata.push_back(std::move(*converted));
  }
  up.received_at = received_at;  // the gateway's claim is ignored (spec §1.1)
  up.correlation_ids.assign(msg->correlation_ids().begin(), msg->correlation_ids().end());
  return up;
}

std::string encode_uplink(const network::gateway_uplink& up) {
  auto* msg = make<pb::UplinkMessage>();
  msg->set_raw_payload(up.raw_payload.data(), up.raw_payload.size());
  detail::to_pb(up.settings, msg->mutable_settings(), false);
  for (const auto& md : up.rx_metadata) to_pb(md, msg->add_rx_metadata());
  if (up.received_at != network::time_point{}) detail::to_pb(up.received_at, msg->mutable_received_at());
  for (const auto& id : up.correlation_ids) msg->add_correlation_ids(id);
  return serialize(*msg);
}

}  // namespace tether::gateway::ttsv3
