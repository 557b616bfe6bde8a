#pragma once
// Gathers the copies of one frame that several gateways (and antennas) heard: the first copy opens a
// window, copies with the same PHYPayload that arrive within it add their metadata, and when it closes
// the merged uplink goes on for processing exactly once. One table per shard, used on its strand.

#include "network/radio.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>

namespace tether::network {

class dedup_table {
 public:
  using ready_handler = std::function<void(gateway_uplink merged)>;
  enum class outcome { opened, merged, full };

  // `max_frames` bounds the frames waiting at once; beyond it a new frame is refused (full) and the
  // caller drops it, so a flood cannot grow memory.
  dedup_table(boost::asio::any_io_executor executor, std::chrono::milliseconds window, std::size_t max_frames,
              ready_handler on_ready);
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
  void close(const bytes& key);

  boost::asio::any_io_executor executor_;
  std::chrono::milliseconds window_;
  std::size_t max_frames_;
  ready_handler on_ready_;
  std::map<bytes, frame> frames_;
};

}  // namespace tether::network
