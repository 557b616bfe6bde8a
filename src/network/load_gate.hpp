#pragma once
// How far the network core is behind: the uplink copies handed to the shards that their strands have
// not yet taken. Above the high mark the core is congested and the gateway connections stop reading
// (TCP and the gateways' own queues hold the burst); they read again once the backlog is below the low
// mark. Above the shed mark a copy is refused outright (the newest first; see server.hpp). Any thread.

#include <atomic>
#include <cstddef>
#include <functional>
#include <mutex>
#include <vector>

namespace tether::network {

class load_gate {
 public:
  struct marks {
    std::size_t high = 8'192;   // copies behind: stop reading the gateways
    std::size_t low = 2'048;    // copies behind: read again
    std::size_t shed = 65'536;  // copies behind: refuse new copies
  };
  explicit load_gate(marks m) : marks_(m) {}
  load_gate(const load_gate&) = delete;
  load_gate& operator=(const load_gate&) = delete;

  // A copy is on its way to a shard; false (nothing taken) when the backlog is at the shed mark.
  bool enter() noexcept {
    if (behind_.load(std::memory_order_relaxed) >= marks_.shed) return false;
    behind_.fetch_add(1);
    return true;
  }
  // A shard took the copy off its queue.
  void leave() noexcept {
    // Sequentially consistent with when_room(): one of the two sees the other.
    const auto before = behind_.fetch_sub(1);
    if (before <= marks_.low && waiting_.load()) release();
  }
  bool congested() const noexcept { return behind_.load(std::memory_order_relaxed) >= marks_.high; }
  // Calls `resume` once, when the backlog is below the low mark: at once (on this thread) when it is
  // already, else on the thread whose leave() brings it there.
  void when_room(std::function<void()> resume);

  std::size_t behind() const noexcept { return behind_.load(std::memory_order_relaxed); }
  const marks& limits() const noexcept { return marks_; }

 private:
  void release();

  marks marks_;
  std::atomic<std::size_t> behind_{0};
  std::atomic<bool> waiting_{false};
  std::mutex mutex_;
  std::vector<std::function<void()>> waiters_;
};

}  // namespace tether::network
