// {id}/up: router.UplinkMessage <-> network::gateway_uplink (spec/ttn-v2.md §1.1, §1.3, §1.4, §2.6).
// As the bridge, the gateway_id in the metadata is overwritten with the connection's; `message` and
// `trace` are ignored.

#include "gateway/ttnv2/codec.hpp"
#include "gateway/ttnv2/codec_pb.hpp"
#include "registry/ids.hpp"

namespace tether::gateway::ttnv2 {
namespace {

using namespace detail;

network::rx_metadata from_antenna(const v2::gateway::RxMetadata::Antenna& a) {
  network::rx_metadata md;
  md.antenna_index = a.antenna();
  md.channel_index = a.channel();
  // As The Things Stack: rssi as is; boards that report no channel RSSI get rssi there too.
  md.rssi = a.rssi();
  md.channel_rssi = a.channel_rssi() != 0 ? a.channel_rssi() : a.rssi();
  md.snr = a.snr();
  md.rssi_standard_deviation = a.rssi_standard_deviation();
  md.frequency_offset = a.frequency_offset();
  if (a.fine_time() > 0) md.fine_timestamp = static_cast<std::uint64_t>(a.fine_time());
  return md;
}

void to_antenna(const network::rx_metadata& md, v2::gateway::RxMetadata::Antenna* a) {
  a->set_antenna(md.antenna_index);
  a->set_channel(md.channel_index);
  a->set_rssi(md.rssi);
  a->set_channel_rssi(md.channel_rssi);
  a->set_snr(md.snr);
  a->set_rssi_standard_deviation(md.rssi_standard_deviation);
  a->set_frequency_offset(md.frequency_offset);
  a->set_fine_time(static_cast<std::int64_t>(md.fine_timestamp & 0x7fff'ffff'ffff'ffffULL));
}

// Whether one flat RxMetadata (antenna 0, rssi, snr, channel) says all there is to say.
bool needs_antennas(const network::gateway_uplink& up) {
  if (up.rx_metadata.size() != 1) return !up.rx_metadata.empty();
  const auto& md = up.rx_metadata.front();
  return md.antenna_index != 0 || md.fine_timestamp != 0 || md.frequency_offset != 0 ||
         md.rssi_standard_deviation != 0 || md.channel_rssi != md.rssi;
}

}  // namespace

result<network::gateway_uplink> decode_uplink(std::span<const std::uint8_t> payload,
                                              std::string_view gateway_id, network::time_point received_at) {
  if (!registry::is_valid_id(gateway_id)) return codec_error::invalid_gateway_id;
  const auto* msg = parse<v2::router::UplinkMessage>(payload);
  if (msg == nullptr) return codec_error::not_protobuf;
  if (msg->payload().empty()) return codec_error::empty_payload;
  if (!msg->protocol_metadata().has_lorawan()) return codec_error::missing_lorawan_metadata;
  auto data_rate = data_rate_from_pb(msg->protocol_metadata().lorawan());
  if (!data_rate) return data_rate.error();
  const auto& gw = msg->gateway_metadata();  // zero-length or absent: every field at its default
  if (gw.frequency() < min_frequency) return codec_error::frequency_too_low;
  if (static_cast<std::size_t>(gw.antennas_size()) > max_antennas) return codec_error::too_many_antennas;
  auto time = from_unix_ns(gw.time());
  if (!time) return time.error();

  network::gateway_uplink up;
  up.raw_payload.assign(msg->payload().begin(), msg->payload().end());
  up.settings.data_rate = std::move(*data_rate);
  up.settings.frequency = gw.frequency();
  up.settings.timestamp = gw.timestamp();
  up.settings.time = *time;
  const auto location = gw.has_location() ? from_pb(gw.location()) : std::nullopt;
  auto common = [&](network::rx_metadata md) {
    md.gateway_id = gateway_id;
    md.time = *time;
    md.timestamp = gw.timestamp();
    md.location = location;
    md.received_at = received_at;
    return md;
  };
  if (gw.antennas_size() == 0) {
    network::rx_metadata md;
    md.channel_index = gw.channel();
    md.rssi = md.channel_rssi = gw.rssi();
    md.snr = gw.snr();
    up.rx_metadata.push_back(common(std::move(md)));
  }
  for (const auto& a : gw.antennas()) up.rx_metadata.push_back(common(from_antenna(a)));
  up.received_at = received_at;
  return up;
}

std::string encode_uplink(const network::gateway_uplink& up) {
  auto* msg = make<v2::router::UplinkMessage>();
  msg->set_payload(up.raw_payload.data(), up.raw_payload.size());
  data_rate_to_pb(up.settings.data_rate, msg->mutable_protocol_metadata()->mutable_lorawan());
  auto* gw = msg->mutable_gateway_metadata();
  gw->set_timestamp(up.settings.timestamp);
  gw->set_time(to_unix_ns(up.settings.time));
  gw->set_frequency(up.settings.frequency);
  if (!up.rx_metadata.empty()) {
    const auto& first = up.rx_metadata.front();
    gw->set_gateway_id(first.gateway_id);
    gw->set_channel(first.channel_index);
    gw->set_rssi(first.rssi);
    gw->set_snr(first.snr);
    if (first.location) to_pb(*first.location, gw->mutable_location());
  }
  if (needs_antennas(up)) {
    for (const auto& md : up.rx_metadata) to_antenna(md, gw->add_antennas());
  }
  return serialize(*msg);
}

}  // namespace tether::gateway::ttnv2
