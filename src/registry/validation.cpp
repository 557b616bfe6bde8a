#include "registry/validation.hpp"

#include "core/hex.hpp"
#include "registry/ids.hpp"

#include <array>
#include <cctype>
#include <cmath>

namespace tether::registry {

namespace {

template <class T>
result<T> parse_fixed(std::string_view hex) {
  auto raw = core::from_hex(hex);
  if (!raw || hex.empty()) return registry_error::invalid_hex;
  auto value = T::from_bytes(*raw);
  if (!value) return registry_error::wrong_length;
  return *value;
}

constexpr std::array<std::string_view, 5> lorawan_versions{"1.0", "1.0.1", "1.0.2", "1.0.3", "1.0.4"};

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view to_string(activation_mode mode) noexcept {
  return mode == activation_mode::otaa ? "OTAA" : "ABP";
}
std::string_view to_string(device_class cls) noexcept { return cls == device_class::a ? "A" : "C"; }

result<core::eui64> parse_eui(std::string_view hex) { return parse_fixed<core::eui64>(hex); }
result<core::dev_addr> parse_dev_addr(std::string_view hex) { return parse_fixed<core::dev_addr>(hex); }
result<core::aes_key> parse_aes_key(std::string_view hex) { return parse_fixed<core::aes_key>(hex); }

result<device_class> parse_device_class(std::string_view text) {
  if (text == "A" || text == "a") return device_class::a;
  if (text == "C" || text == "c") return device_class::c;
  return registry_error::invalid_device_class;
}

result<std::string> parse_lorawan_version(std::string_view text) {
  std::string normalized;
  if (text.starts_with("MAC_V")) {
    // The Things Stack's enum names: MAC_V1_0_3 -> 1.0.3.
    for (char c : text.substr(5)) normalized.push_back(c == '_' ? '.' : c);
  } else {
    if (text.starts_with('v') || text.starts_with('V')) text.remove_prefix(1);
    normalized = text;
  }
  for (auto known : lorawan_versions) {
    if (normalized == known) return normalized;
  }
  return registry_error::invalid_lorawan_version;
}

result<registry::rights> parse_rights(std::string_view list) {
  registry::rights out;
  while (!list.empty()) {
    auto comma = list.find(',');
    auto name = trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    if (name.empty()) continue;
    auto r = parse_right(name);
    if (!r) return registry_error::unknown_right;
    out.add(*r);
  }
  if (out.empty()) return registry_error::no_rights;
  return out;
}

result<void> validate(const gateway& g) {
  if (!is_valid_id(g.gateway_id)) return registry_error::invalid_id;
  if (!is_valid_frequency_plan_id(g.frequency_plan_id)) return registry_error::invalid_frequency_plan;
  if (!is_valid_name(g.name)) return registry_error::invalid_name;
  if (g.location) {
    const auto& l = *g.location;
    if (!std::isfinite(l.latitude) || !std::isfinite(l.longitude) || !std::isfinite(l.altitude) ||
        std::fabs(l.latitude) > 90 || std::fabs(l.longitude) > 180) {
      return registry_error::invalid_location;
    }
  }
  return {};
}

result<void> validate(const application& a) {
  if (!is_valid_id(a.application_id)) return registry_error::invalid_id;
  if (!is_valid_name(a.name)) return registry_error::invalid_name;
  return {};
}

result<void> validate(const end_device& d) {
  if (!is_valid_id(d.application_id) || !is_valid_id(d.device_id)) return registry_error::invalid_id;
  if (!is_valid_frequency_plan_id(d.frequency_plan_id)) return registry_error::invalid_frequency_plan;
  if (!is_valid_name(d.name)) return registry_error::invalid_name;
  auto version = parse_lorawan_version(d.lorawan_version);
  if (!version || *version != d.lorawan_version) return registry_error::invalid_lorawan_version;
  const bool has_otaa_key = d.app_key.has_value() || d.join_eui.has_value();
  const bool has_session = d.dev_addr || d.nwk_s_key || d.app_s_key;
  switch (d.activation) {
    case activation_mode::otaa:
      if (!d.dev_eui || !d.join_eui || !d.app_key || has_session) return registry_error::invalid_activation;
      break;
    case activation_mode::abp:
      if (!d.dev_addr || !d.nwk_s_key || !d.app_s_key || has_otaa_key)
        return registry_error::invalid_activation;
      break;
  }
  return {};
}

result<void> validate_key_rights(entity_kind owner, const registry::rights& granted) {
  if (granted.empty()) return registry_error::no_rights;
  for (right r : granted.list()) {
    if (right_entity(r) != owner) return registry_error::right_not_for_entity;
  }
  return {};
}

}  // namespace tether::registry
