#pragma once
// Auto-registration of the devices a privileged gateway speaks for (spec A4). The first publish or
// subscribe of a gateway for a device the registry does not know starts its registration through
// directory::register_device, which may block on the store, so it runs on the registrar's executor
// (a thread of its own, never a worker). Messages for a device being registered are held and handed
// back in order once it is registered.
//
// Bounds and overflow: at most `max_pending` registrations per gateway are in flight; later ones
// wait in order, up to `max_waiting` devices per gateway; beyond that a new device is refused
// (queue_full: the realm notifies the gateway). At most `max_held` messages are held per gateway;
// beyond that a message is refused (held_full, counted and notified). A failed registration mutes
// the device for `mute`: its messages and subscriptions are dropped and counted meanwhile.

#include "iotp/directory.hpp"
#include "mqtt/message.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace tether::iotp {

struct registrar_limits {
  std::size_t max_pending = 128;
  std::size_t max_waiting = 10'000;
  std::size_t max_held = 10'000;
  std::chrono::steady_clock::duration mute = std::chrono::seconds(60);
};

struct registrar_stats {
  std::atomic<std::uint64_t> registered{0};
  std::atomic<std::uint64_t> failed{0};
  std::atomic<std::uint64_t> muted_drops{0};  // messages and subscriptions dropped while muted
  std::atomic<std::uint64_t> refused{0};      // queue_full and held_full
};

class registrar {
 public:
  // Called on the registrar's executor when a registration ended, with the messages held for it.
  using done_handler = std::function<void(const device_ref& device, const std::string& gateway_client,
                                          registration_result result, std::vector<mqtt::message_ptr> held)>;

  registrar(directory& dir, boost::asio::any_io_executor executor, registrar_limits limits,
            done_handler done);

  enum class admission {
    held,        // registration pending (started now or earlier); the message, if any, is held
    muted,       // a registration failed lately: dropped and counted
    queue_full,  // too many devices waiting for this gateway
    held_full,   // too many messages held for this gateway
  };
  // From any thread: `msg` (null for a subscribe) for unregistered `device`, sent by `gateway`.
  admission admit(const device_ref& device, const device_record& gateway, const std::string& gateway_client,
                  mqtt::message_ptr msg);
  // Whether `device` is muted now (a failed registration); counts a drop when it is.
  bool drop_if_muted(const device_ref& device);
  // Whether messages for `device` are being held (its registration is under way).
  bool pending(const device_ref& device) const;

  const registrar_stats& stats() const noexcept { return stats_; }

 private:
  struct pending_device {
    device_ref ref;
    std::string gateway_client;
    std::vector<mqtt::message_ptr> held;
  };
  struct gateway_queue {
    device_record record;
    std::size_t in_flight = 0;
    std::size_t held = 0;
    std::deque<std::string> waiting;  // device keys, in the order they arrived
  };

  static std::string key_of(const device_ref& ref);
  bool muted_locked(const std::string& key, std::chrono::steady_clock::time_point now);
  void start_locked(const std::string& key, gateway_queue& queue);
  void finish(const std::string& key, const std::string& gateway_client, registration_result result);

  directory& dir_;
  boost::asio::any_io_executor executor_;
  const registrar_limits limits_;
  done_handler done_;
  registrar_stats stats_;

  mutable std::mutex mutex_;
  std::unordered_map<std::string, pending_device> pending_;                       // by device key
  std::unordered_map<std::string, gateway_queue> gateways_;                       // by gateway client ID
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> muted_;  // until when
};

}  // namespace tether::iotp
