#pragma once
// The meeting point of gateway frontends and the network core: which gateway is connected through
// which frontend, per-gateway traffic counters and last status, the routing of downlinks back to the
// frontend that holds the gateway, and TxAck matching for every frontend whose protocol acknowledges
// transmissions (a downlink_ring per such gateway, none for the others). Frontends call it from their
// worker threads; it forwards uplinks, statuses and TxAcks to the core (network::uplink_handler) and
// implements the core's network::downlink_sink. Connects, disconnects, statuses and drops also go to
// an event sink (the application bus, which keeps them in the gateway's durable event stream).

#include "gateway/downlink_ring.hpp"
#include "network/events.hpp"
#include "network/radio.hpp"
#include "network/uplink_pressure.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tether::gateway {

// A gateway frontend that can transmit for the gateways connected through it.
class frontend {
 public:
  virtual ~frontend() = default;
  virtual std::string_view protocol() const = 0;  // "ttsv3", "ttnv2", ...
  // `sent` once handed to the gateway's connection; `not_connected` when the gateway is no longer
  // connected through this frontend; `refused` (with why) when it is but can never take this frame
  // (counted and logged by the frontend). When the protocol acknowledges transmissions, tx carries the
  // hub's `gs:down:token:<n>` correlation ID last.
  virtual network::send_outcome transmit(const network::downlink_tx& tx) = 0;
  // Whether the protocol reports each transmission with a TxAck (TTS v3 does, TTN v2 does not).
  virtual bool acknowledges_transmissions() const { return true; }
};

// What the hub knows of one gateway, as shown by `tether gateway show`.
struct gateway_snapshot {
  std::string gateway_id;
  bool connected = false;
  std::string protocol;
  std::string remote_address;
  network::time_point connected_at{};
  network::time_point disconnected_at{};
  network::time_point last_seen{};
  std::uint64_t uplinks = 0;
  std::uint64_t statuses = 0;
  std::uint64_t downlinks = 0;
  std::uint64_t tx_acks = 0;
  std::map<std::string, std::uint64_t> dropped;  // reason → count
  std::optional<network::gateway_status> last_status;
  std::optional<network::gateway_uplink> last_uplink;
  std::uint64_t revision = 0;  // bumped on every change, so writers can skip unchanged gateways
};

// Totals over every gateway the hub knows, for /metrics (no per-gateway detail).
struct hub_totals {
  std::size_t connected = 0;
  std::map<std::string, std::uint64_t> dropped;  // reason → count, summed over gateways
};

class hub : public network::downlink_sink {
 public:
  hub() = default;
  hub(const hub&) = delete;
  hub& operator=(const hub&) = delete;

  // Set once, before any gateway connects. Without a core, traffic is only counted.
  void set_core(network::uplink_handler& core) { core_ = &core; }
  // Set once, before any gateway connects: where gateway events go (called outside the hub's lock).
  void set_events(network::event_sink& events) { events_ = &events; }

  // A gateway connected through `via` (a newer connection replaces an older one).
  void connect(const std::string& gateway_id, frontend& via, std::string remote_address);
  // Ignored unless `via` is the frontend that holds the gateway now.
  void disconnect(const std::string& gateway_id, const frontend& via);

  void handle_uplink(network::gateway_uplink up);
  // Set once, before any gateway connects: the core's back-pressure (none: never congested).
  void set_pressure(network::uplink_pressure& pressure) { pressure_ = &pressure; }
  bool congested() const { return pressure_ && pressure_->congested(); }
  void when_room(std::function<void()> resume);
  void handle_status(network::gateway_status status);
  // Fills in ack.downlink_id from the gateway's downlink_ring (left as is when nothing matches) and
  // hands the ack to the core.
  void handle_tx_ack(network::tx_ack ack);
  // A message from `gateway_id` was dropped (malformed, invalid): counted per reason.
  void count_drop(const std::string& gateway_id, std::string_view reason);

  // network::downlink_sink: awaiting_tx_ack or sent, as the gateway's frontend acknowledges or not;
  // not_connected, or refused with the frontend's reason.
  network::send_outcome send_downlink(const network::downlink_tx& tx) override;

  bool connected(std::string_view gateway_id) const;
  // Gateways whose revision is above `after` (all with 0).
  std::vector<gateway_snapshot> changed_since(std::uint64_t after) const;
  std::uint64_t revision() const { return revision_.load(std::memory_order_relaxed); }
  hub_totals totals() const;

 private:
  struct entry {
    gateway_snapshot facts;
    frontend* via = nullptr;
    std::unique_ptr<downlink_ring> sent;  // while connected through a frontend that acknowledges
  };
  entry& touch(const std::string& gateway_id);  // mutex_ held
  void tell(const network::gateway_event& event);

  network::uplink_handler* core_ = nullptr;
  network::uplink_pressure* pressure_ = nullptr;
  network::event_sink* events_ = nullptr;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, entry> gateways_;
  std::atomic<std::uint64_t> revision_{0};
};

}  // namespace tether::gateway
