#pragma once
// A registered gateway.

#include "core/eui64.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace tether::registry {

struct location {
  double latitude = 0;   // degrees, -90..90
  double longitude = 0;  // degrees, -180..180
  double altitude = 0;   // metres
  friend bool operator==(const location&, const location&) = default;
};

struct gateway {
  std::string gateway_id;
  std::optional<core::eui64> eui;
  std::string frequency_plan_id = "EU_863_870";
  std::string name;
  std::optional<registry::location> location;
  std::int64_t created_at = 0;  // Unix seconds, set by the store
  friend bool operator==(const gateway&, const gateway&) = default;
};

}  // namespace tether::registry
