#pragma once
// What the uplink steps of one shard work on: its devices, its crypto context, its DevAddr allocator,
// and the server-wide outlets (events, downlinks, persistence, counters). Used on the shard's strand
// only, which is why nothing in it locks.

#include "lorawan/crypto/crypto_context.hpp"
#include "network/counters.hpp"
#include "network/dev_addr_allocator.hpp"
#include "network/device_table.hpp"
#include "network/events.hpp"
#include "network/radio.hpp"
#include "network/server_options.hpp"
#include "network/session_persistence.hpp"
#include "network/uplink_hook.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>

namespace tether::network {

struct shard_outlets {
  const server_options& options;
  event_sink& events;
  downlink_sink& downlinks;
  session_persistence& persistence;
  counter_set& counters;
  std::atomic<std::uint64_t>& next_downlink_id;
  uplink_hook* hook = nullptr;  // may be null until the downlink scheduler exists
  std::size_t shard_count = 1;
};

struct shard_state {
  shard_state(std::size_t index, shard_outlets outlets, boost::asio::any_io_executor strand)
      : index(index), out(outlets), strand(std::move(strand)), allocator(outlets.options.net_id) {}

  // Writes the entry's session (with its MAC state) to persistence, stamped now; `then` (optional)
  // runs on the shard's strand once the write is durable. The pending callback counts as work of the
  // executor, so an io_context does not run out of work while a write is in flight.
  void persist(device_entry& entry, std::function<void()> then = {});

  std::size_t index;
  shard_outlets out;
  boost::asio::any_io_executor strand;  // the shard's strand
  lorawan::crypto_context crypto;
  device_table devices;
  dev_addr_allocator allocator;
};

}  // namespace tether::network
