#include "network/load_gate.hpp"

namespace tether::network {

void load_gate::when_room(std::function<void()> resume) {
  {
    std::lock_guard lock(mutex_);
    if (behind_.load() >= marks_.low) {
      waiters_.push_back(std::move(resume));
      waiting_.store(true);
      // A leave() that crossed the low mark before `waiting_` was set saw no waiter: look again.
      if (behind_.load() >= marks_.low) return;
      resume = std::move(waiters_.back());
      waiters_.pop_back();
      waiting_.store(!waiters_.empty());
    }
  }
  resume();
}

void load_gate::release() {
  std::vector<std::function<void()>> ready;
  {
    std::lock_guard lock(mutex_);
    if (behind_.load() >= marks_.low) return;
    ready.swap(waiters_);
    waiting_.store(false);
  }
  for (auto& resume : ready) resume();
}

}  // namespace tether::network
