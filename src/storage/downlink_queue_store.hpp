#pragma once
// Durable per-device downlink queues. The store numbers every item (`seq`, increasing across all
// devices, never reused) and keeps, in memory, which seqs each device holds, so that capacity and
// unknown items are refused at once with an error instead of failing on the writer thread. Every
// accepted change gets a ticket; a downlink is acknowledged ("queued") once `when_durable` says so.
//
// Overflow: a device holds at most `max_items_per_device` items (push/replace beyond it fail with
// storage_errc::queue_full and change nothing); at most `writer.max_pending` changes wait unwritten, and
// beyond that calls block until the writer has taken a group (backpressure, nothing is dropped).
//
// One store is the only writer of table downlink_queue while it runs.

#include "storage/error.hpp"
#include "storage/group_writer.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace tether::storage {

struct downlink_item {
  std::uint64_t seq = 0;  // assigned by the store
  std::string application_id;
  std::string device_id;
  std::uint8_t f_port = 0;
  std::vector<std::uint8_t> frm_payload;
  std::uint8_t priority = 0;  // 0 LOWEST .. 6 HIGHEST
  bool confirmed = false;
  std::vector<std::string> correlation_ids;
  std::uint32_t attempts = 0;
  std::int64_t queued_at = 0;  // Unix ns
  friend bool operator==(const downlink_item&, const downlink_item&) = default;
};

struct downlink_queue_options {
  std::size_t max_items_per_device = 10'000;
  group_writer_options writer{};
};

class downlink_queue_store final : private group_source {
 public:
  struct queued {
    std::uint64_t ticket = 0;
    std::vector<downlink_item> items;  // as stored: seq assigned, IDs set to the device's
  };

  // Opens `path` (migrated already), reads which items each device holds and starts the writer.
  explicit downlink_queue_store(const std::string& path, downlink_queue_options options = {});
  ~downlink_queue_store() override;

  // Appends `items` to the device's queue (their seq and IDs are overwritten). queue_full when the
  // device would hold more than max_items_per_device, invalid_priority for a priority above 6.
  result<queued> push(std::string_view application_id, std::string_view device_id,
                      std::vector<downlink_item> items);
  // Replaces the device's queue with `items` (empty: clears it). queue_full as for push.
  result<queued> replace(std::string_view application_id, std::string_view device_id,
                         std::vector<downlink_item> items);
  // Removes one item (sent, or given up); not_found when the device does not hold `seq`. Returns the
  // ticket.
  result<std::uint64_t> remove(std::string_view application_id, std::string_view device_id,
                               std::uint64_t seq);
  // Rewrites a held item (e.g. attempts, priority), found by its IDs and seq; not_found otherwise.
  result<std::uint64_t> update(const downlink_item& item);

  // Every queued item, per device (by application, device) by priority (highest first), then seq.
  std::vector<downlink_item> load_all();
  // Items the device holds (from memory).
  std::size_t size(std::string_view application_id, std::string_view device_id) const;

  void when_durable(std::uint64_t ticket, std::function<void()> done);
  void sync();

 private:
  struct change;
  struct statements;
  using device_key = std::pair<std::string, std::string>;

  result<queued> enqueue(std::string_view application_id, std::string_view device_id,
                         std::vector<downlink_item> items, bool replace);
  std::uint64_t record(change c);
  void take_group() override;
  void write_group(database& db) override;

  downlink_queue_options options_;
  group_writer writer_;
  std::unique_ptr<statements> sql_;  // writer thread only

  // Orders seq assignment, the index and the writer's queue alike.
  mutable std::mutex mutex_;
  std::uint64_t next_seq_ = 1;
  std::map<device_key, std::set<std::uint64_t>> held_;  // seqs per device

  std::vector<change> pending_;  // guarded by the writer's lock
  std::vector<change> group_;    // the group being written (writer thread)
};

}  // namespace tether::storage
