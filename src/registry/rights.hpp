#pragma once
// Rights as The Things Stack names and numbers them (api/rights.proto), limited to the two kinds of
// entity an API key can belong to here: gateways and applications. The pseudo-rights *_ALL grant every
// right of their entity; RIGHT_APPLICATION_LINK implies INFO, TRAFFIC_READ and TRAFFIC_DOWN_WRITE, and
// RIGHT_GATEWAY_LINK implies RIGHT_GATEWAY_INFO (spec/tts-v3.md §3.1, and TTS issue 615).
// Tether adds a third kind, admin keys for the HTTP admin API (belonging to no entity), with two rights
// of its own: RIGHT_ADMIN_READ (list and get the registry, no device keys) and RIGHT_ADMIN_ALL (every
// operation, device keys included; implies RIGHT_ADMIN_READ).

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace tether::registry {

enum class entity_kind { gateway, application, admin };

std::string_view to_string(entity_kind kind) noexcept;

enum class right : std::uint8_t {
  application_info = 15,
  application_settings_basic = 16,
  application_settings_api_keys = 17,
  application_settings_collaborators = 18,
  application_delete = 19,
  application_devices_read = 20,
  application_devices_write = 21,
  application_devices_read_keys = 22,
  application_devices_write_keys = 23,
  application_traffic_read = 24,
  application_traffic_up_write = 25,
  application_traffic_down_write = 26,
  application_link = 27,
  application_all = 28,
  gateway_info = 30,
  gateway_settings_basic = 31,
  gateway_settings_api_keys = 32,
  gateway_settings_collaborators = 33,
  gateway_delete = 34,
  gateway_traffic_read = 35,
  gateway_traffic_down_write = 36,
  gateway_link = 37,
  gateway_status_read = 38,
  gateway_location_read = 39,
  gateway_all = 40,
  admin_read = 41,  // Tether's own, not The Things Stack's
  admin_all = 42,
};

// Every right above, in enum order.
std::span<const right> all_rights() noexcept;
// "RIGHT_GATEWAY_LINK" and so on.
std::string_view right_name(right r) noexcept;
// The right with this exact name; nullopt for unknown names and for user/organization rights.
std::optional<right> parse_right(std::string_view name) noexcept;
entity_kind right_entity(right r) noexcept;

// A set of rights as granted to an API key. contains() also answers for implied rights.
class rights {
 public:
  rights() = default;
  rights(std::initializer_list<right> granted);

  void add(right r) noexcept;
  bool empty() const noexcept { return granted_ == 0; }
  // True when `r` was granted or is implied by a granted right.
  bool contains(right r) const noexcept;
  // The rights as granted (not expanded), in enum order.
  std::vector<right> list() const;

  friend bool operator==(const rights&, const rights&) = default;

 private:
  static std::uint64_t bit(right r) noexcept { return std::uint64_t{1} << static_cast<unsigned>(r); }
  std::uint64_t granted_ = 0;
};

}  // namespace tether::registry
