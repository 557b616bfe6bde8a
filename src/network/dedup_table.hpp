#pragma once
// Gathers the copies of one frame that several gateways (and antennas) heard: the first copy opens a
// window, copies with the same PHYPayload that arrive within it add their metadata, and when it closes
// the merged uplink goes on for processing exactly once. One table per shard, used on its strand.
//
// A copy can reach the shard after its frame's window closed: its gateway's connection is read by a
// worker that is behind, so the copies of one frame reach the shard further apart than the window.
// Such a copy is late, not a new frame (and not a replay): the table remembers each closed frame (a
// hash of its PHYPayload) for a cooldown and answers `late` for a copy that comes within it (The Things
// Stack's cooldown window). A repetition (NbTrans) or a confirmed retry comes after the device's
// receive windows, seconds later: keep the cooldown below that.

#include "network/radio.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <unordered_map>

namespace tether::network {

class dedup_table {
 public:
  using ready_handler = std::function<void(gateway_uplink merged)>;
  enum class outcome { opened, merged, late, full };

  // `max_frames` bounds the frames waiting at once; beyond it a new frame is refused (full) and the
  // caller drops it, so a flood cannot grow memory.
  dedup_table(boost::asio::any_io_executor executor, std::chrono::milliseconds window, std::size_t max_frames,
              ready_handler on_ready, std::chrono::milliseconds cooldown = std::chrono::milliseconds(0));
  ~dedup_table();
  dedup_table(const dedup_table&) = delete;
  dedup_table& operator=(const dedup_table&) = delete;

  outcome add(gateway_uplink up);
  std::size_t waiting() const { return frames_.size(); }

 private:
  struct frame {
    gateway_uplink merged;
    std::unique_ptr<boost::asio::steady_timer> timer;
  };
  using clock = std::chrono::steady_clock;
  struct closed_frame {
    std::uint64_t hash;
    clock::time_point at;
  };
  void close(const bytes& key);
  bool is_late(std::uint64_t hash, clock::time_point now) const;
  void remember(std::uint64_t hash, clock::time_point now);

  boost::asio::any_io_executor executor_;
  std::chrono::milliseconds window_;
  std::size_t max_frames_;
  ready_handler on_ready_;
  std::chrono::milliseconds cooldown_;
  std::map<bytes, frame> frames_;
  // Frames closed within the cooldown (at most max_frames_), oldest first, and the last close of each.
  std::deque<closed_frame> closed_;
  std::unordered_map<std::uint64_t, clock::time_point> closed_index_;
};

}  // namespace tether::network
