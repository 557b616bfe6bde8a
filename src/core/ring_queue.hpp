#pragma once
// A FIFO over one growable array. Unlike std::deque (which allocates a block as soon as it is
// constructed), an empty ring_queue owns no memory, so thousands of idle sessions and connections
// cost nothing here; it also frees its array once drained, so a burst does not pin memory.

#include <cstddef>
#include <utility>
#include <vector>

namespace tether::core {

template <class T>
class ring_queue {
 public:
  bool empty() const noexcept { return size_ == 0; }
  std::size_t size() const noexcept { return size_; }

  T& front() noexcept { return slots_[head_]; }

  void push_back(T value) {
    if (size_ == slots_.size()) grow();
    slots_[(head_ + size_) % slots_.size()] = std::move(value);
    ++size_;
  }

  template <class... Args>
  void emplace_back(Args&&... args) {
    push_back(T{std::forward<Args>(args)...});
  }

  void pop_front() {
    slots_[head_] = T{};  // release what the element holds now, not when the slot is reused
    head_ = (head_ + 1) % slots_.size();
    if (--size_ == 0) clear();
  }

  void clear() {
    std::vector<T>().swap(slots_);
    head_ = 0;
    size_ = 0;
  }

 private:
  void grow() {
    std::vector<T> bigger(slots_.empty() ? 4 : slots_.size() * 2);
    for (std::size_t i = 0; i < size_; ++i) bigger[i] = std::move(slots_[(head_ + i) % slots_.size()]);
    slots_.swap(bigger);
    head_ = 0;
  }

  std::vector<T> slots_;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace tether::core
