#pragma once
// The server → device requests of the Device Management Protocol (spec A3) on a running server: picks
// the requests the CLI wrote (pending) up, checks them against what the device declared (managed,
// supports, firmware state, one firmware request at a time unless override), publishes each step at
// QoS 1 (a persistent session queues it while the device is offline) and follows the device's answers,
// manages and notifies (dm_action), writing every change to the request's durable row. Requests left
// open by a previous run are taken up again at start. Runs on one thread (dm_service's).

#include "iotp/dm_action.hpp"
#include "iotp/dm_store.hpp"
#include "mqtt/message.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <string>

namespace tether::iotp {

struct dm_engine_stats {
  std::uint64_t sent = 0;       // messages published to devices
  std::uint64_t refused = 0;    // requests ended before anything was sent
  std::uint64_t unmatched = 0;  // device responses naming no open request of theirs
};

class dm_engine {
 public:
  using publish_fn = std::function<void(mqtt::message_ptr)>;

  dm_engine(dm_store& store, publish_fn publish) : store_(store), publish_(std::move(publish)) {}

  // Loads the open requests a previous run left (sent, in progress).
  void resume();
  // Starts new requests, ends overdue ones.
  void tick(std::chrono::system_clock::time_point now);

  void on_manage(const device_ref& device, std::chrono::system_clock::time_point now);
  void on_firmware(const device_ref& device, const nlohmann::json& firmware,
                   std::chrono::system_clock::time_point now);
  // False when the response names no open request of this device.
  bool on_response(const device_ref& device, const dm_device_response& response,
                   std::chrono::system_clock::time_point now);

  const dm_engine_stats& stats() const noexcept { return stats_; }

 private:
  void begin(dm_request r, std::chrono::system_clock::time_point now);
  // Why `r` may not start now (the request then ends failed with rc), or nullopt.
  std::optional<dm_refusal> check(const dm_request& r, const std::optional<dm_device_state>& state,
                                  std::chrono::system_clock::time_point now);
  void apply(dm_action& a, dm_step step, std::chrono::system_clock::time_point now);

  dm_store& store_;
  publish_fn publish_;
  std::map<std::string, dm_action> open_;  // by request ID
  dm_engine_stats stats_;
};

}  // namespace tether::iotp
