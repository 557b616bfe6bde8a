#include "gateway/ttsv3/codec_pb.hpp"

#include <array>
#include <chrono>
#include <cstddef>
#include <memory>

namespace tether::gateway::ttsv3::detail {
namespace {

// ±9223372035 s still fits in int64 nanoseconds once any nanos are added.
constexpr std::int64_t max_seconds = 9'223'372'035;
constexpr std::int32_t max_nanos = 999'999'999;

result<network::data_rate> from_pb(const pb::DataRate& dr) {
  switch (dr.modulation_case()) {
    case pb::DataRate::kLora:
      return network::lora_data_rate{dr.lora().bandwidth(), dr.lora().spreading_factor(),
                                     dr.lora().coding_rate()};
    case pb::DataRate::kFsk:
      return network::fsk_data_rate{dr.fsk().bit_rate()};
    case pb::DataRate::kLrfhss:
      return network::lrfhss_data_rate{dr.lrfhss().modulation_type(), dr.lrfhss().operating_channel_width(),
                                       dr.lrfhss().coding_rate()};
    case pb::DataRate::MODULATION_NOT_SET:
      break;
  }
  return codec_error::missing_data_rate;
}

struct data_rate_writer {
  pb::DataRate* out;
  void operator()(const network::lora_data_rate& d) const {
    auto* l = out->mutable_lora();
    l->set_bandwidth(d.bandwidth);
    l->set_spreading_factor(d.spreading_factor);
    l->set_coding_rate(d.coding_rate);
  }
  void operator()(const network::fsk_data_rate& d) const { out->mutable_fsk()->set_bit_rate(d.bit_rate); }
  void operator()(const network::lrfhss_data_rate& d) const {
    auto* l = out->mutable_lrfhss();
    l->set_modulation_type(d.modulation_type);
    l->set_operating_channel_width(d.operating_channel_width);
    l->set_coding_rate(d.coding_rate);
  }
};

network::location_source from_pb(pb::LocationSource s) {
  switch (s) {
    case pb::SOURCE_GPS:
    case pb::SOURCE_REGISTRY:
    case pb::SOURCE_IP_GEOLOCATION:
    case pb::SOURCE_WIFI_RSSI_GEOLOCATION:
    case pb::SOURCE_BT_RSSI_GEOLOCATION:
    case pb::SOURCE_LORA_RSSI_GEOLOCATION:
    case pb::SOURCE_LORA_TDOA_GEOLOCATION:
    case pb::SOURCE_COMBINED_GEOLOCATION:
      return static_cast<network::location_source>(s);
    default:  // proto3 enums are open: a value we do not know is as good as none
      return network::location_source::unknown;
  }
}

}  // namespace

result<network::time_point> from_pb(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() < -max_seconds || ts.seconds() > max_seconds || ts.nanos() < 0 || ts.nanos() > max_nanos) {
    return codec_error::invalid_time;
  }
  const std::chrono::nanoseconds ns{ts.seconds() * 1'000'000'000 + ts.nanos()};
  return network::time_point{std::chrono::duration_cast<network::time_point::duration>(ns)};
}

void to_pb(network::time_point tp, google::protobuf::Timestamp* out) {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(tp.time_since_epoch()).count();
  std::int64_t seconds = ns / 1'000'000'000;
  std::int64_t nanos = ns % 1'000'000'000;
  if (nanos < 0) {  // Timestamp nanos are never negative: borrow a second
    nanos += 1'000'000'000;
    --seconds;
  }
  out->set_seconds(seconds);
  out->set_nanos(static_cast<std::int32_t>(nanos));
}

result<network::tx_settings> from_pb(const pb::TxSettings& s) {
  network::tx_settings out;
  auto dr = from_pb(s.data_rate());
  if (!dr) return dr.error();
  out.data_rate = std::move(*dr);
  if (s.frequency() < min_frequency) return codec_error::frequency_too_low;
  out.frequency = s.frequency();
  out.enable_crc = s.enable_crc();
  out.timestamp = s.timestamp();
  if (s.has_time()) {
    auto t = from_pb(s.time());
    if (!t) return t.error();
    out.time = *t;
  }
  if (s.has_downlink()) {
    out.antenna_index = s.downlink().antenna_index();
    out.tx_power = s.downlink().tx_power();
    out.invert_polarization = s.downlink().invert_polarization();
  }
  return out;
}

void to_pb(const network::tx_settings& s, pb::TxSettings* out, bool downlink) {
  std::visit(data_rate_writer{out->mutable_data_rate()}, s.data_rate);
  out->set_frequency(s.frequency);
  out->set_enable_crc(s.enable_crc);
  out->set_timestamp(s.timestamp);
  if (s.time) to_pb(*s.time, out->mutable_time());
  // A gateway's uplink carries no Downlink part unless someone filled it in.
  if (downlink || s.antenna_index != 0 || s.tx_power != 0 || s.invert_polarization) {
    auto* d = out->mutable_downlink();
    d->set_antenna_index(s.antenna_index);
    d->set_tx_power(s.tx_power);
    d->set_invert_polarization(s.invert_polarization);
  }
}

network::location from_pb(const pb::Location& l) {
  return {l.latitude(), l.longitude(), l.altitude(), l.accuracy(), from_pb(l.source())};
}

void to_pb(const network::location& l, pb::Location* out) {
  out->set_latitude(l.latitude);
  out->set_longitude(l.longitude);
  out->set_altitude(l.altitude);
  out->set_accuracy(l.accuracy);
  out->set_source(static_cast<pb::LocationSource>(l.source));
}

}  // namespace tether::gateway::ttsv3::detail
