#pragma once
// Where the network core keeps device sessions across restarts. The core's own narrow interface, so
// that the uplink path does not depend on how sessions are stored; the SQLite implementation is
// device_session_store_persistence. Shards call put/remove from their own threads at once:
// implementations must be thread-safe and must not block for long (queue the write).

#include "core/aes_key.hpp"
#include "core/dev_addr.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace tether::network {

// The durable part of one device's state (mirrors storage::device_session field for field).
struct session_record {
  std::string application_id;
  std::string device_id;
  std::vector<std::uint16_t> used_dev_nonces;  // oldest first, the newest max_dev_nonces kept
  std::uint32_t next_join_nonce = 0;           // 24 bits
  bool active = false;                         // a session exists (OTAA joined, or ABP)
  core::dev_addr dev_addr{};
  core::aes_key nwk_s_key{};
  core::aes_key app_s_key{};
  std::uint32_t f_cnt_up = 0;  // last accepted, valid when has_f_cnt_up
  bool has_f_cnt_up = false;
  std::uint32_t n_f_cnt_down = 0;
  std::uint32_t a_f_cnt_down = 0;
  std::vector<std::uint8_t> mac_state;  // see mac_state.hpp
  std::int64_t updated_at = 0;          // Unix ns
  friend bool operator==(const session_record&, const session_record&) = default;
};

constexpr std::size_t max_dev_nonces = 64;

class session_persistence {
 public:
  virtual ~session_persistence() = default;
  virtual std::vector<session_record> load_all() = 0;
  // Queues the write; `on_durable` (may be empty) runs once it is on disk, on a thread of the
  // implementation's choosing: it must only hand work off (post), never block or write again.
  virtual void put(const session_record& record, std::function<void()> on_durable) = 0;
  void put(const session_record& record) { put(record, {}); }
  virtual void remove(std::string_view application_id, std::string_view device_id) = 0;
};

}  // namespace tether::network
