#pragma once
// What the uplink steps of one shard work on: its devices, its crypto context, its DevAddr allocator,
// and the server-wide outlets (events, downlinks, persistence, counters). Used on the shard's strand
// only, which is why nothing in it locks.

#include "core/log_limiter.hpp"
#include "lorawan/crypto/crypto_context.hpp"
#include "network/counters.hpp"
#include "network/dev_addr_allocator.hpp"
#include "network/device_table.hpp"
#include "network/events.hpp"
#include "network/gateway_scheduler.hpp"
#include "network/load_gate.hpp"
#include "network/radio.hpp"
#include "network/server_options.hpp"
#include "network/session_persistence.hpp"
#include "network/uplink_hook.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <unordered_map>

namespace tether::network {

struct shard_outlets {
  const server_options& options;
  event_sink& events;
  downlink_sink& downlinks;
  session_persistence& persistence;
  counter_set& counters;
  std::atomic<std::uint64_t>& next_downlink_id;
  uplink_hook* hook = nullptr;  // an extra observer of data uplinks; may be null
  std::size_t shard_count = 1;
  storage::downlink_queue_store* queue = nullptr;  // durable downlink queues
  gateway_scheduler* gateways = nullptr;           // each gateway's transmitter time and duty cycle
  load_gate* gate = nullptr;                       // the backlog of copies on their way to the shards
};

struct shard_state {
  shard_state(std::size_t index, shard_outlets outlets, boost::asio::any_io_executor strand)
      : index(index), out(outlets), strand(std::move(strand)), allocator(outlets.options.net_id) {}

  // Writes the entry's session (with its MAC state) to persistence, stamped now; `then` (optional)
  // runs on the shard's strand once the write is durable. The pending callback counts as work of the
  // executor, so an io_context does not run out of work while a write is in flight.
  void persist(device_entry& entry, std::function<void()> then = {});

  // Downlink IDs name their shard (id % shard_count), so a TxAck finds its way back without a lookup.
  std::uint64_t next_tx_id() {
    return (out.next_downlink_id.fetch_add(1, std::memory_order_relaxed) + 1) * out.shard_count + index;
  }
  // Which device each downlink waiting for a TxAck belongs to. Bounded: the oldest are forgotten
  // (their late TxAcks count as unmatched).
  static constexpr std::size_t max_tx_waiting = 65'536;
  void remember_tx(std::uint64_t id, device_table::key device);
  void forget_tx(std::uint64_t id) { tx_owner.erase(id); }
  device_entry* find_tx(std::uint64_t id);

  std::size_t index;
  shard_outlets out;
  boost::asio::any_io_executor strand;  // the shard's strand
  lorawan::crypto_context crypto;
  device_table devices;
  dev_addr_allocator allocator;
  std::unordered_map<std::uint64_t, device_table::key> tx_owner;
  // Drops are logged at most once a second per reason, with how many the line stands for: a flood of
  // replays or foreign frames must not flood the log (every drop is counted regardless).
  std::array<core::log_limiter, counter_count> drop_log;
  std::deque<std::uint64_t> tx_order;  // oldest first; may hold IDs already forgotten
};

}  // namespace tether::network
