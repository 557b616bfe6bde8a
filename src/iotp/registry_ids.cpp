#include "iotp/registry_ids.hpp"

#include <algorithm>

namespace tether::iotp {
namespace {

bool lower_alnum(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool alnum(char c) noexcept { return lower_alnum(c) || (c >= 'A' && c <= 'Z'); }
bool id_char(char c) noexcept { return alnum(c) || c == '-' || c == '_' || c == '.'; }

}  // namespace

bool is_valid_org(std::string_view org) noexcept {
  return org.size() == org_length && std::all_of(org.begin(), org.end(), lower_alnum);
}

bool is_valid_device_id(std::string_view id) noexcept {
  return !id.empty() && id.size() <= max_device_id_length && std::all_of(id.begin(), id.end(), id_char);
}

bool is_valid_group_id(std::string_view id) noexcept {
  return !id.empty() && id.size() <= max_group_id_length &&
         std::all_of(id.begin(), id.end(), [](char c) { return id_char(c) || c == ':'; });
}

bool is_valid_key_role(std::string_view role) noexcept {
  return !role.empty() && role.size() <= 64 && std::all_of(role.begin(), role.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string default_group_of(std::string_view org, std::string_view type, std::string_view id) {
  std::string out = "gw_def_res_grp:";
  out.append(org).append(":").append(type).append(":").append(id);
  return out;
}

std::string gateway_client_id(std::string_view org, std::string_view type, std::string_view id) {
  std::string out = "g:";
  out.append(org).append(":").append(type).append(":").append(id);
  return out;
}

bool is_valid_api_key(std::string_view key) noexcept {
  if (key.size() != 2 + org_length + 1 + api_key_suffix_length || !key.starts_with("a-")) return false;
  if (key[2 + org_length] != '-') return false;
  auto suffix = key.substr(3 + org_length);
  return is_valid_org(key.substr(2, org_length)) && std::all_of(suffix.begin(), suffix.end(), lower_alnum);
}

std::string_view api_key_org(std::string_view key) noexcept {
  return is_valid_api_key(key) ? key.substr(2, org_length) : std::string_view();
}

}  // namespace tether::iotp
