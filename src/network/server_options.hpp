#pragma once
// Settings of the network core.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace tether::network {

struct server_options {
  std::chrono::milliseconds dedup_window{200};  // how long copies of one frame are gathered
  // How long a processed frame's copies are still recognized as late copies (dedup_table.hpp) rather
  // than a new transmission; 0: not at all. Below the earliest repetition (after RX2: 2 s in EU868).
  std::chrono::milliseconds dedup_cooldown{1'000};
  std::uint32_t net_id = 0x000013;  // 24 bits; DevAddrs are allocated in its range
  std::size_t shard_count = 0;      // 0: one shard per executor
  // Frames gathering at once per shard; more are dropped (counted). 20,000 uplinks/s over a 200 ms
  // window on 2 shards keep 2,000 each waiting; the bound leaves room for the shard falling behind.
  std::size_t max_dedup_frames = 32'768;
  // Uplink copies handed to the shards and not yet taken off their queues (load_gate.hpp): at
  // `backlog_high` the gateway connections stop reading until it is below `backlog_low`; at
  // `backlog_shed` (reached only if producers ignore the pause) new copies are refused, newest first.
  std::size_t backlog_high = 8'192;
  std::size_t backlog_low = 2'048;
  std::size_t backlog_shed = 65'536;
  std::uint8_t rx1_delay = 5;                 // s, given to OTAA devices in the join-accept (TTS default)
  std::uint8_t rx1_dr_offset = 0;             // given to OTAA devices in the join-accept
  std::optional<std::uint8_t> rx2_data_rate;  // default: the frequency plan's
  float adr_margin_db = 10;                   // ADR's installation margin: SNR kept above the floor
};

}  // namespace tether::network
