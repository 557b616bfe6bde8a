// The conversions the TTN v2 codec files share (codec_pb.hpp) and the data-rate strings of codec.hpp.

#include "gateway/ttnv2/codec_pb.hpp"

#include "gateway/ttnv2/codec.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <memory>

namespace tether::gateway::ttnv2 {
namespace detail {
namespace {

network::location_source from_pb(v2::gateway::LocationMetadata::Source s) {
  switch (s) {
    case v2::gateway::LocationMetadata::GPS:
      return network::location_source::gps;
    case v2::gateway::LocationMetadata::REGISTRY:
      return network::location_source::registry;
    case v2::gateway::LocationMetadata::IP_GEOLOCATION:
      return network::location_source::ip_geolocation;
    default:  // CONFIG (set in the gateway's configuration) has no v3 counterpart
      return network::location_source::unknown;
  }
}

v2::gateway::LocationMetadata::Source to_pb(network::location_source s) {
  switch (s) {
    case network::location_source::gps:
      return v2::gateway::LocationMetadata::GPS;
    case network::location_source::registry:
      return v2::gateway::LocationMetadata::REGISTRY;
    case network::location_source::ip_geolocation:
      return v2::gateway::LocationMetadata::IP_GEOLOCATION;
    default:
      return v2::gateway::LocationMetadata::UNKNOWN;
  }
}

}  // namespace

result<std::optional<network::time_point>> from_unix_ns(std::int64_t ns) {
  if (ns < 0) return codec_error::invalid_time;
  if (ns == 0) return std::optional<network::time_point>{};
  const std::chrono::nanoseconds d{ns};
  return std::optional<network::time_point>{
      network::time_point{std::chrono::duration_cast<network::time_point::duration>(d)}};
}

std::int64_t to_unix_ns(const std::optional<network::time_point>& t) {
  if (!t) return 0;
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t->time_since_epoch()).count();
  return ns < 0 ? 0 : ns;
}

std::optional<network::location> from_pb(const v2::gateway::LocationMetadata& l) {
  const double lat = l.latitude();
  const double lon = l.longitude();
  if (!std::isfinite(lat) || !std::isfinite(lon)) return std::nullopt;
  if (std::abs(lat) < 0.01 && std::abs(lon) < 0.01) return std::nullopt;  // "no fix"
  if (std::abs(lat) >= 89.99 || std::abs(lon) > 180) return std::nullopt;
  return network::location{lat, lon, l.altitude(), l.accuracy(), from_pb(l.source())};
}

void to_pb(const network::location& l, v2::gateway::LocationMetadata* out) {
  out->set_latitude(static_cast<float>(l.latitude));
  out->set_longitude(static_cast<float>(l.longitude));
  out->set_altitude(l.altitude);
  out->set_accuracy(l.accuracy);
  out->set_source(to_pb(l.source));
}

template <class M>
result<network::data_rate> data_rate_from_pb(const M& m) {
  switch (m.modulation()) {
    case v2::lorawan::LORA: {
      auto dr = parse_data_rate(m.data_rate());
      if (!dr) return codec_error::invalid_data_rate;
      dr->coding_rate = m.coding_rate();
      return network::data_rate{std::move(*dr)};
    }
    case v2::lorawan::FSK:
      if (m.bit_rate() == 0) return codec_error::missing_bit_rate;
      return network::data_rate{network::fsk_data_rate{m.bit_rate()}};
    default:
      return codec_error::unknown_modulation;
  }
}

template <class M>
void data_rate_to_pb(const network::data_rate& dr, M* out) {
  if (const auto* lora = std::get_if<network::lora_data_rate>(&dr)) {
    out->set_modulation(v2::lorawan::LORA);
    out->set_data_rate(format_data_rate(*lora));
    out->set_coding_rate(lora->coding_rate);
  } else if (const auto* fsk = std::get_if<network::fsk_data_rate>(&dr)) {
    out->set_modulation(v2::lorawan::FSK);
    out->set_bit_rate(fsk->bit_rate);
  }
  // LR-FHSS has no v2 representation: left empty, the receiver refuses it.
}

template result<network::data_rate> data_rate_from_pb(const v2::lorawan::Metadata&);
template result<network::data_rate> data_rate_from_pb(const v2::lorawan::TxConfiguration&);
template void data_rate_to_pb(const network::data_rate&, v2::lorawan::Metadata*);
template void data_rate_to_pb(const network::data_rate&, v2::lorawan::TxConfiguration*);

}  // namespace detail

std::optional<network::lora_data_rate> parse_data_rate(std::string_view s) {
  auto number = [&s](std::string_view prefix) -> std::optional<std::uint32_t> {
    if (!s.starts_with(prefix)) return std::nullopt;
    s.remove_prefix(prefix.size());
    std::uint32_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end == s.data()) return std::nullopt;
    s.remove_prefix(static_cast<std::size_t>(end - s.data()));
    return v;
  };
  const auto sf = number("SF");
  if (!sf || *sf < 5 || *sf > 12) return std::nullopt;
  const auto bw = number("BW");
  if (!bw || !s.empty() || (*bw != 125 && *bw != 250 && *bw != 500)) return std::nullopt;
  return network::lora_data_rate{*bw * 1000, *sf, {}};
}

std::string format_data_rate(const network::lora_data_rate& dr) {
  return "SF" + std::to_string(dr.spreading_factor) + "BW" + std::to_string(dr.bandwidth / 1000);
}

}  // namespace tether::gateway::ttnv2
