#include "registry/rights.hpp"

#include <array>

namespace tether::registry {

namespace {

struct right_entry {
  right value;
  std::string_view name;
};

constexpr std::array<right_entry, 27> table{{
    {right::application_info, "RIGHT_APPLICATION_INFO"},
    {right::application_settings_basic, "RIGHT_APPLICATION_SETTINGS_BASIC"},
    {right::application_settings_api_keys, "RIGHT_APPLICATION_SETTINGS_API_KEYS"},
    {right::application_settings_collaborators, "RIGHT_APPLICATION_SETTINGS_COLLABORATORS"},
    {right::application_delete, "RIGHT_APPLICATION_DELETE"},
    {right::application_devices_read, "RIGHT_APPLICATION_DEVICES_READ"},
    {right::application_devices_write, "RIGHT_APPLICATION_DEVICES_WRITE"},
    {right::application_devices_read_keys, "RIGHT_APPLICATION_DEVICES_READ_KEYS"},
    {right::application_devices_write_keys, "RIGHT_APPLICATION_DEVICES_WRITE_KEYS"},
    {right::application_traffic_read, "RIGHT_APPLICATION_TRAFFIC_READ"},
    {right::application_traffic_up_write, "RIGHT_APPLICATION_TRAFFIC_UP_WRITE"},
    {right::application_traffic_down_write, "RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE"},
    {right::application_link, "RIGHT_APPLICATION_LINK"},
    {right::application_all, "RIGHT_APPLICATION_ALL"},
    {right::gateway_info, "RIGHT_GATEWAY_INFO"},
    {right::gateway_settings_basic, "RIGHT_GATEWAY_SETTINGS_BASIC"},
    {right::gateway_settings_api_keys, "RIGHT_GATEWAY_SETTINGS_API_KEYS"},
    {right::gateway_settings_collaborators, "RIGHT_GATEWAY_SETTINGS_COLLABORATORS"},
    {right::gateway_delete, "RIGHT_GATEWAY_DELETE"},
    {right::gateway_traffic_read, "RIGHT_GATEWAY_TRAFFIC_READ"},
    {right::gateway_traffic_down_write, "RIGHT_GATEWAY_TRAFFIC_DOWN_WRITE"},
    {right::gateway_link, "RIGHT_GATEWAY_LINK"},
    {right::gateway_status_read, "RIGHT_GATEWAY_STATUS_READ"},
    {right::gateway_location_read, "RIGHT_GATEWAY_LOCATION_READ"},
    {right::gateway_all, "RIGHT_GATEWAY_ALL"},
    {right::admin_read, "RIGHT_ADMIN_READ"},
    {right::admin_all, "RIGHT_ADMIN_ALL"},
}};

constexpr std::array<right, table.size()> values = [] {
  std::array<right, table.size()> out{};
  for (std::size_t i = 0; i < table.size(); ++i) out[i] = table[i].value;
  return out;
}();

}  // namespace

std::string_view to_string(entity_kind kind) noexcept {
  switch (kind) {
    case entity_kind::gateway:
      return "gateway";
    case entity_kind::application:
      return "application";
    case entity_kind::admin:
      return "admin";
  }
  return "unknown";
}

std::span<const right> all_rights() noexcept { return values; }

std::string_view right_name(right r) noexcept {
  for (const auto& e : table) {
    if (e.value == r) return e.name;
  }
  return "right_invalid";
}

std::optional<right> parse_right(std::string_view name) noexcept {
  for (const auto& e : table) {
    if (e.name == name) return e.value;
  }
  return std::nullopt;
}

entity_kind right_entity(right r) noexcept {
  if (r <= right::application_all) return entity_kind::application;
  return r <= right::gateway_all ? entity_kind::gateway : entity_kind::admin;
}

rights::rights(std::initializer_list<right> granted) {
  for (right r : granted) add(r);
}

void rights::add(right r) noexcept { granted_ |= bit(r); }

bool rights::contains(right r) const noexcept {
  if (granted_ & bit(r)) return true;
  switch (right_entity(r)) {
    case entity_kind::application:
      if (granted_ & bit(right::application_all)) return true;
      if ((granted_ & bit(right::application_link)) &&
          (r == right::application_info || r == right::application_traffic_read ||
           r == right::application_traffic_down_write)) {
        return true;
      }
      return false;
    case entity_kind::gateway:
      if (granted_ & bit(right::gateway_all)) return true;
      return (granted_ & bit(right::gateway_link)) && r == right::gateway_info;
    case entity_kind::admin:
      return (granted_ & bit(right::admin_all)) != 0;
  }
  return false;
}

std::vector<right> rights::list() const {
  std::vector<right> out;
  for (right r : values) {
    if (granted_ & bit(r)) out.push_back(r);
  }
  return out;
}

}  // namespace tether::registry
