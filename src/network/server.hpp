#pragma once
// The network core: takes gateway uplinks, gathers each frame's copies, and turns them into join and
// uplink events for applications and join-accepts for gateways. Sharded by device: a data uplink goes
// to the shard of its DevAddr, a join-request to the shard its DevEUI lives on, and a join allocates a
// DevAddr that hashes to that same shard, so one device's state is touched by one strand in order.
//
// Devices come from the registry database (read on the server's own connection). The owner calls
// reload_devices() from registry::watcher's callback so that CLI changes take effect; new, changed and
// removed devices are applied shard by shard.
//
// Lifetime: shards post work to the executors; destroy the server only after they stopped running.

#include "core/log_limiter.hpp"
#include "network/counters.hpp"
#include "network/downlinks.hpp"
#include "network/events.hpp"
#include "network/gateway_scheduler.hpp"
#include "network/load_gate.hpp"
#include "network/radio.hpp"
#include "network/server_options.hpp"
#include "network/session_persistence.hpp"
#include "network/shard.hpp"
#include "network/uplink_hook.hpp"
#include "network/uplink_pressure.hpp"
#include "storage/downlink_queue_store.hpp"
#include "storage/sqlite.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace tether::network {

class server final : public uplink_handler, public downlink_handler, public uplink_pressure {
 public:
  // Loads the stored sessions, downlink queues and the registry's devices. Shard i runs on
  // executors[i % size]; each shard is a strand, so executors may be multi-threaded. Downlink queues
  // live in `queue`, or, when it is null, in a store the server opens on the registry database.
  server(server_options options, std::vector<boost::asio::any_io_executor> executors,
         const std::string& registry_db_path, session_persistence& persistence, event_sink& events,
         downlink_sink& downlinks, uplink_hook* hook = nullptr,
         storage::downlink_queue_store* queue = nullptr);
  ~server() override;

  void handle_uplink(gateway_uplink up) override;
  void handle_status(const gateway_status& status) override;
  // Routed by the downlink ID (or an `ns:downlink:<id>` correlation ID) to the shard that sent it.
  void handle_tx_ack(const tx_ack& ack) override;
  // Back-pressure (load_gate.hpp): congested at options().backlog_high copies behind, room again
  // below backlog_low. At backlog_shed a new copy is shed on arrival (the newest first: what the
  // shards already hold keeps its order), counted as overload_shed and logged at warning level.
  bool congested() const override { return gate_.congested(); }
  void when_room(std::function<void()> resume) override {
    counters_.add(counter::reads_paused);
    gate_.when_room(std::move(resume));
  }
  std::size_t backlog() const noexcept { return gate_.behind(); }
  // Each request goes to its device's shard; every item ends in down/queued or down/failed.
  void push_downlinks(downlink_request request) override;

  // Re-reads the registry's devices. Call from one thread at a time (the watcher's).
  void reload_devices();

  server_stats stats() const { return counters_.snapshot(); }
  const server_options& options() const { return options_; }

 private:
  using key = device_table::key;
  std::size_t placement(const registry::end_device& d, const session_record* stored) const;
  void shed(const gateway_uplink& up);
  void warn_unusable(const gateway_uplink& up, const std::string& why);

  server_options options_;
  session_persistence& persistence_;
  std::unique_ptr<storage::downlink_queue_store> own_queue_;
  storage::downlink_queue_store* queue_ = nullptr;
  gateway_scheduler gateways_;
  counter_set counters_;
  load_gate gate_;
  std::mutex shed_log_mutex_;
  core::log_limiter shed_log_;      // under shed_log_mutex_
  core::log_limiter unusable_log_;  // under shed_log_mutex_
  std::atomic<std::uint64_t> next_downlink_id_{0};
  std::vector<std::unique_ptr<shard>> shards_;

  std::mutex reload_mutex_;
  storage::database registry_db_;
  std::map<key, std::pair<std::size_t, registry::end_device>> placed_;  // device -> (shard, last seen)
  std::map<key, session_record> stored_;  // sessions loaded at start, until their device is placed
  std::map<key, std::vector<storage::downlink_item>> stored_queues_;  // likewise, downlink queues

  mutable std::mutex join_routes_mutex_;
  std::unordered_map<std::uint64_t, std::size_t> join_routes_;  // DevEUI -> shard (OTAA devices)
};

}  // namespace tether::network
