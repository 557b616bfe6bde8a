#pragma once
// Durable LoRaWAN device sessions: per device its join state (used DevNonces, next JoinNonce) and the
// active session (DevAddr, session keys, frame counters, the network core's opaque MAC state). The
// network core keeps sessions in memory, loads them all at start and `put`s every change; a group_writer
// writes them in groups, and repeated puts of one device within a group are coalesced into one row
// write (only the newest state is written). The record goes into the `state` BLOB of table
// device_sessions in the format of device_session_codec.hpp.
//
// Overflow: at most `max_pending` distinct changes wait unwritten; beyond that `put`/`remove` block
// until the writer has taken a group (backpressure, nothing is dropped).

#include "core/aes_key.hpp"
#include "core/dev_addr.hpp"
#include "storage/group_writer.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tether::storage {

struct device_session {
  std::string application_id;
  std::string device_id;
  // Join state (OTAA), outlives sessions.
  // Oldest first. The store keeps at most the newest `max_dev_nonces` (64): older ones are dropped
  // when the session is written.
  std::vector<std::uint16_t> used_dev_nonces;
  std::uint32_t next_join_nonce = 0;  // JoinNonce/AppNonce, 24 bits
  // The active session; `active` false until an OTAA device joins.
  bool active = false;
  core::dev_addr dev_addr{};
  core::aes_key nwk_s_key{};  // LoRaWAN 1.0.x: FNwkSIntKey = SNwkSIntKey = NwkSEncKey
  core::aes_key app_s_key{};
  std::uint32_t f_cnt_up = 0;           // last FCnt received, full 32 bits
  bool has_f_cnt_up = false;            // no uplink in this session yet
  std::uint32_t n_f_cnt_down = 0;       // next network (FPort 0) downlink counter
  std::uint32_t a_f_cnt_down = 0;       // next application downlink counter
  std::vector<std::uint8_t> mac_state;  // opaque, owned by the network core
  std::int64_t updated_at = 0;          // Unix ns
  friend bool operator==(const device_session&, const device_session&) = default;
};

inline constexpr std::size_t max_dev_nonces = 64;

class device_session_store final : private group_source {
 public:
  // Opens `path` (migrated already) with the writer's own connection and starts the writer.
  explicit device_session_store(const std::string& path, group_writer_options options = {});
  ~device_session_store() override;

  // Every stored session, ordered by application then device (at start). Throws storage_error on a
  // record it cannot read.
  std::vector<device_session> load_all();
  // Queues a write of `s` (replacing the stored record) and returns its ticket.
  std::uint64_t put(const device_session& s);
  // Queues the removal of a device's record and returns its ticket.
  std::uint64_t remove(std::string_view application_id, std::string_view device_id);
  // Runs `done` on the writer thread once `ticket` is on disk, or at once if it already is.
  void when_durable(std::uint64_t ticket, std::function<void()> done);
  // Waits until everything queued is on disk.
  void sync();
  std::uint64_t commits() const { return writer_.commits(); }

 private:
  // Encoded by the caller, so that the writer thread (the bottleneck) only binds and steps.
  struct change {
    std::string application_id;
    std::string device_id;
    bool remove = false;
    std::optional<std::string> dev_addr;  // raw bytes while a session is active
    std::string state;
    std::int64_t updated_at = 0;
  };
  struct statements;

  std::uint64_t record(change c);
  void take_group() override;
  void write_group(database& db) override;

  group_writer writer_;
  std::unique_ptr<statements> sql_;  // writer thread only
  // Guarded by the writer's lock: the queued changes and, per device, the index of its change there.
  std::vector<change> pending_;
  std::unordered_map<std::string, std::size_t> pending_index_;
  std::vector<change> group_;  // the group being written (writer thread)
};

}  // namespace tether::storage
