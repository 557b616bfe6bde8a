#pragma once
// One shard of the network core: the devices whose DevAddr (data) or DevEUI (joins) hash to it, a
// dedup table, and a crypto context, all used on one strand so that a device's frames are handled
// one at a time and in order, without locks.

#include "core/log_limiter.hpp"
#include "network/dedup_table.hpp"
#include "network/downlink_scheduler.hpp"
#include "network/shard_state.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/strand.hpp>

#include <optional>
#include <vector>

namespace tether::network {

class shard {
 public:
  shard(std::size_t index, boost::asio::any_io_executor executor, shard_outlets outlets);

  // Callable from any thread: each posts to the strand.
  void post_uplink(gateway_uplink up);
  // Adds or updates a registry device; `stored` is its persisted session and `queued` its persisted
  // downlink queue when the server starts.
  void post_device(registry::end_device device, std::optional<session_record> stored,
                   std::vector<storage::downlink_item> queued = {});
  void post_remove(device_table::key id);
  void post_push(downlink_request request);
  void post_tx_ack(tx_ack ack);

 private:
  void add_copy(gateway_uplink up);
  void process(gateway_uplink merged);
  void apply_device(registry::end_device device, std::optional<session_record> stored,
                    std::vector<storage::downlink_item> queued);

  boost::asio::strand<boost::asio::any_io_executor> strand_;
  shard_state state_;
  downlink_scheduler scheduler_;
  dedup_table dedup_;
  core::log_limiter dedup_full_log_;
  core::log_limiter late_log_;
};

}  // namespace tether::network
