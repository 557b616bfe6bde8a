#pragma once
// Who a client of the IoT platform realm is: its client ID class and names, its registry record
// (devices and gateways) or API key (applications), and the facts of its connection that its `mon`
// status messages carry.

#include "iotp/client_id.hpp"
#include "iotp/directory.hpp"
#include "mqtt/realm.hpp"

#include <atomic>
#include <chrono>
#include <optional>
#include <string>

namespace tether::iotp {

struct iot_principal final : mqtt::principal {
  client_identity identity;
  std::optional<device_record> record;  // devices and gateways
  std::string api_key;                  // applications
  std::string org_prefix;               // "{org}/": the org's part of the broker's namespace
  std::string mon_topic;                // its status topic in the broker's namespace
  // What mon reports of the connection.
  std::string client_addr;
  std::uint16_t port = 0;
  bool secure = false;
  std::string protocol;
  std::chrono::system_clock::time_point connected_at;
  // The close code when the realm closed it for a refused publish or subscribe (180 or 276).
  mutable std::atomic<int> refusal_code{0};

  bool is_gateway() const noexcept { return identity.kind == client_class::gateway; }
  bool is_device() const noexcept { return identity.kind == client_class::device; }
  bool is_application() const noexcept { return !is_gateway() && !is_device(); }
  device_ref ref() const { return {identity.org, identity.type, identity.id}; }
};

}  // namespace tether::iotp
