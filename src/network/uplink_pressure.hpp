#pragma once
// Back-pressure from the network core to whoever hands it uplinks: while it is congested, its callers
// should stop taking uplinks in (a gateway connection stops reading), and when_room tells them when it
// has room again. Implemented by network::server (load_gate.hpp); the gateway hub asks it.

#include <functional>

namespace tether::network {

class uplink_pressure {
 public:
  virtual ~uplink_pressure() = default;
  virtual bool congested() const = 0;
  // Calls `resume` once, from any thread, when the core has room again (at once if it has).
  virtual void when_room(std::function<void()> resume) = 0;
};

}  // namespace tether::network
