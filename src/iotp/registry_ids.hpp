#pragma once
// The IDs of the IoT platform registry as the Watson IoT Platform writes them (spec/watson.md A1, A4):
// an organization is exactly 6 lowercase letters and digits; device types, devices and gateways are 1
// to 36 of letters, digits, '-', '_' and '.'; a gateway's default resource group is
// `gw_def_res_grp:{org}:{type}:{id}`; an application's API key is `a-{org}-{10 lowercase letters and
// digits}`. Limits on resource groups (A4) live here too.

#include <cstddef>
#include <string>
#include <string_view>

namespace tether::iotp {

constexpr std::size_t org_length = 6;
constexpr std::size_t max_device_id_length = 36;
constexpr std::size_t max_group_id_length = 128;
constexpr std::size_t api_key_suffix_length = 10;

constexpr std::size_t max_groups_per_gateway = 10;
constexpr std::size_t max_groups_per_device = 10;
constexpr std::size_t max_devices_per_group = 300;

bool is_valid_org(std::string_view org) noexcept;
// Device types, devices and gateways.
bool is_valid_device_id(std::string_view id) noexcept;
bool is_valid_group_id(std::string_view id) noexcept;
// An application role as the platform names them (PD_STANDARD_APP): 1-64 of A-Z, 0-9 and '_'.
bool is_valid_key_role(std::string_view role) noexcept;

// "gw_def_res_grp:{org}:{type}:{id}"
std::string default_group_of(std::string_view org, std::string_view type, std::string_view id);
// "g:{org}:{type}:{id}": the client ID a gateway logs in with, and what an auto-registered device records.
std::string gateway_client_id(std::string_view org, std::string_view type, std::string_view id);

// Whether `key` is an API key of the form a-{org}-{10 chars} (any valid org).
bool is_valid_api_key(std::string_view key) noexcept;
// The org part of a valid key; empty otherwise.
std::string_view api_key_org(std::string_view key) noexcept;

}  // namespace tether::iotp
