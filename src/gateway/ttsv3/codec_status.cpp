// v3/{gateway}/status: GatewayStatus <-> network::gateway_status (spec §1.7). A status over any limit
// is refused as a whole, as The Things Stack does.

#include "gateway/ttsv3/codec.hpp"
#include "gateway/ttsv3/codec_pb.hpp"
#include "registry/ids.hpp"

#include <arpa/inet.h>

#include <cmath>

namespace tether::gateway::ttsv3 {
namespace {

using namespace detail;

constexpr std::size_t max_versions = 10;
constexpr std::size_t max_version_length = 128;
constexpr std::size_t max_antenna_locations = 8;
constexpr std::size_t max_ips = 10;
constexpr std::size_t max_metrics = 32;
constexpr std::size_t max_key_length = 36;

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// ^[a-z0-9](?:[_-]?[a-z0-9]){2,}$, at most 36 characters.
bool valid_key(std::string_view key) {
  if (key.size() > max_key_length || key.empty() || !is_alnum(key.front()) || !is_alnum(key.back()))
    return false;
  std::size_t alnums = 0;
  bool after_separator = false;
  for (char c : key) {
    if (is_alnum(c)) {
      ++alnums;
      after_separator = false;
    } else if ((c == '_' || c == '-') && !after_separator) {
      after_separator = true;
    } else {
      return false;
    }
  }
  return alnums >= 3;
}

bool valid_ip(const std::string& ip) {
  unsigned char buf[16];
  if (ip.find('\0') != std::string::npos) return false;
  return inet_pton(AF_INET, ip.c_str(), buf) == 1 || inet_pton(AF_INET6, ip.c_str(), buf) == 1;
}

bool valid_location(const pb::Location& l) {
  return std::isfinite(l.latitude()) && std::isfinite(l.longitude()) && std::abs(l.latitude()) <= 90 &&
         std::abs(l.longitude()) <= 180;
}

bool within_limits(const pb::GatewayStatus& s) {
  if (s.versions_size() > static_cast<int>(max_versions) ||
      s.antenna_locations_size() > static_cast<int>(max_antenna_locations) ||
      s.ip_size() > static_cast<int>(max_ips) || s.metrics_size() > static_cast<int>(max_metrics)) {
    return false;
  }
  for (const auto& [key, value] : s.versions()) {
    if (!valid_key(key) || value.size() > max_version_length) return false;
  }
  for (const auto& l : s.antenna_locations()) {
    if (!valid_location(l)) return false;
  }
  for (const auto& ip : s.ip()) {
    if (!valid_ip(ip)) return false;
  }
  for (const auto& [key, value] : s.metrics()) {
    if (!valid_key(key)) return false;
  }
  return true;
}

}  // namespace

result<network::gateway_status> decode_status(std::span<const std::uint8_t> payload,
                                              std::string_view gateway_id, network::time_point received_at) {
  if (!registry::is_valid_id(gateway_id)) return codec_error::invalid_gateway_id;
  const auto* msg = parse<pb::GatewayStatus>(payload);
  if (msg == nullptr) return codec_error::not_protobuf;
  if (!within_limits(*msg)) return codec_error::invalid_status;

  network::gateway_status out;
  out.gateway_id = gateway_id;
  if (msg->has_time()) {
    auto t = detail::from_pb(msg->time());
    if (!t) return t.error();
    out.time = *t;
  }
  if (msg->has_boot_time()) {
    auto t = detail::from_pb(msg->boot_time());
    if (!t) return t.error();
    out.boot_time = *t;
  }
  for (const auto& [key, value] : msg->versions()) out.versions.emplace(key, value);
  out.antenna_locations.reserve(static_cast<std::size_t>(msg->antenna_locations_size()));
  for (const auto& l : msg->antenna_locations()) out.antenna_locations.push_back(detail::from_pb(l));
  out.ips.assign(msg->ip().begin(), msg->ip().end());
  for (const auto& [key, value] : msg->metrics()) out.metrics.emplace(key, value);
  out.received_at = received_at;
  return out;
}

std::string encode_status(const network::gateway_status& s) {
  auto* msg = make<pb::GatewayStatus>();
  if (s.time) detail::to_pb(*s.time, msg->mutable_time());
  if (s.boot_time) detail::to_pb(*s.boot_time, msg->mutable_boot_time());
  auto& versions = *msg->mutable_versions();
  for (const auto& [key, value] : s.versions) versions[key] = value;
  for (const auto& l : s.antenna_locations) detail::to_pb(l, msg->add_antenna_locations());
  for (const auto& ip : s.ips) msg->add_ip(ip);
  auto& metrics = *msg->mutable_metrics();
  for (const auto& [key, value] : s.metrics) metrics[key] = value;
  return serialize(*msg);
}

}  // namespace tether::gateway::ttsv3
