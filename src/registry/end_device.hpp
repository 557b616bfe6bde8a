#pragma once
// A registered end device, activated over the air (OTAA: DevEUI, JoinEUI, AppKey) or by personalization
// (ABP: DevAddr, NwkSKey, AppSKey; a DevEUI is optional). LoRaWAN 1.0.x key names.

#include "core/aes_key.hpp"
#include "core/dev_addr.hpp"
#include "core/eui64.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tether::registry {

enum class activation_mode { otaa, abp };
enum class device_class { a, c };

std::string_view to_string(activation_mode mode) noexcept;  // "OTAA", "ABP"
std::string_view to_string(device_class cls) noexcept;      // "A", "C"

struct end_device {
  std::string application_id;
  std::string device_id;
  activation_mode activation = activation_mode::otaa;
  std::optional<core::eui64> dev_eui;
  std::optional<core::eui64> join_eui;
  std::optional<core::aes_key> app_key;    // OTAA root key
  std::optional<core::dev_addr> dev_addr;  // ABP
  std::optional<core::aes_key> nwk_s_key;  // ABP
  std::optional<core::aes_key> app_s_key;  // ABP
  std::string lorawan_version = "1.0.3";
  device_class cls = device_class::a;
  std::string frequency_plan_id = "EU_863_870";
  std::string name;
  std::int64_t created_at = 0;  // Unix seconds, set by the store
  friend bool operator==(const end_device&, const end_device&) = default;
};

}  // namespace tether::registry
