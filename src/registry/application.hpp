#pragma once
// A registered application: the owner of end devices and of application API keys.

#include <cstdint>
#include <string>

namespace tether::registry {

struct application {
  std::string application_id;
  std::string name;
  std::int64_t created_at = 0;  // Unix seconds, set by the store
  friend bool operator==(const application&, const application&) = default;
};

}  // namespace tether::registry
