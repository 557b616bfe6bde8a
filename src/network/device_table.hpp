#pragma once
// The devices one shard owns, with their sessions, indexed by DevAddr (several sessions may share one)
// and by DevEUI (OTAA). Touched by its shard's thread only.

#include "lorawan/band/frequency_plan.hpp"
#include "network/downlink_state.hpp"
#include "network/mac_state.hpp"
#include "network/session_persistence.hpp"
#include "registry/end_device.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace tether::network {

// The session before the last join, kept until the device proves it has the new one (its first
// uplink that verifies with the new keys): a lost join-accept must not cut the device off.
// Kept in memory only: after a restart only the new session is known.
struct previous_session {
  core::dev_addr dev_addr{};
  core::aes_key nwk_s_key{};
  core::aes_key app_s_key{};
  std::uint32_t f_cnt_up = 0;
  bool has_f_cnt_up = false;
};

struct device_entry {
  registry::end_device device;
  lorawan::band::frequency_plan plan;  // from device.frequency_plan_id
  session_record session;              // the durable part
  network::mac_state mac;              // decoded session.mac_state, encoded again on every put
  std::optional<previous_session> previous;
  network::downlink_state downlinks;  // queue and scheduling state (downlink_scheduler.hpp)
};

// LoRaWAN 1.0.4 (and 1.1) rules: strictly increasing DevNonce, FCnt gap of one 16-bit rollover.
bool uses_1_0_4_rules(const registry::end_device& device);
std::uint32_t max_fcnt_gap(const registry::end_device& device);

std::uint32_t to_number(const core::dev_addr& a);
std::uint64_t to_number(const core::eui64& e);
core::dev_addr to_dev_addr(std::uint32_t a);

class device_table {
 public:
  using key = std::pair<std::string, std::string>;  // (application ID, device ID)

  // Inserts or replaces; the entry keeps its place in the indexes by its session's DevAddr.
  device_entry& put(device_entry entry);
  void remove(const key& id);
  device_entry* find(const key& id);
  // Devices with an active (or previous) session at this DevAddr.
  std::vector<device_entry*> by_dev_addr(std::uint32_t dev_addr);
  device_entry* by_dev_eui(std::uint64_t dev_eui);
  // Call after changing an entry's session DevAddr or active flag.
  void reindex(device_entry& entry, std::optional<std::uint32_t> old_dev_addr);
  std::size_t size() const { return entries_.size(); }

 private:
  void index(device_entry& entry);
  void unindex(device_entry& entry, std::optional<std::uint32_t> dev_addr);

  std::map<key, std::unique_ptr<device_entry>> entries_;
  std::unordered_multimap<std::uint32_t, device_entry*> by_dev_addr_;
  std::unordered_map<std::uint64_t, device_entry*> by_dev_eui_;
};

}  // namespace tether::network
