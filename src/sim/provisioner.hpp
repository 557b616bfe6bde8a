#pragma once
// Puts what the simulation needs into the registry of --data-dir, where a running server picks it up
// within its registry poll: gateways sim-gw-1..G, application sim-app, devices sim-dev-1..D and one
// API key per gateway and for the application (reading its traffic and pushing downlinks).
// Idempotent: entities are created when missing; keys
// are replaced (only a hash of a secret is stored, so an old key is of no use), and devices are
// re-created with fresh keys, so an ABP session restarts at FCnt 0 and no DevNonce is ever reused.
// Another `tether sim` on the same data directory at the same time loses its keys.

#include "sim/sim_options.hpp"
#include "sim/simulated_device.hpp"

#include <random>
#include <string>
#include <vector>

namespace tether::sim {

inline constexpr const char* application_id = "sim-app";
inline constexpr const char* key_name = "tether-sim";

struct credentials {
  std::string id;  // gateway or application ID: the MQTT username
  std::string api_key;
};

struct provisioning {
  std::vector<credentials> gateways;
  credentials application;
  std::vector<simulated_device> devices;
};

std::string gateway_id(std::size_t index);  // sim-gw-1 for index 0
std::string device_id(std::size_t index);   // sim-dev-1 for index 0

// Throws std::runtime_error naming the entity when the registry refuses a write.
provisioning provision(const sim_options& o, std::mt19937_64& rng);

}  // namespace tether::sim
