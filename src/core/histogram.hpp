#pragma once
// A histogram for metrics: fixed upper bounds chosen at construction, one relaxed atomic counter per
// bucket plus the sum, so observing is lock-free and costs a short scan of the bounds and two atomic
// adds; any thread may observe and read at once. A reading is not one instant (a bucket may be one
// ahead of the sum) but every count is exact once observers stop. Values are integers in the
// caller's unit (microseconds, entries, ...).

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <vector>

namespace tether::core {

// What a histogram held when read: counts[i] observations at or below bounds[i] (above bounds[i-1]),
// counts.back() those above the last bound; count = the sum of counts.
struct histogram_reading {
  std::vector<std::uint64_t> bounds;
  std::vector<std::uint64_t> counts;  // bounds.size() + 1
  std::uint64_t sum = 0;
  std::uint64_t count = 0;
};

class histogram {
 public:
  static constexpr std::size_t max_bounds = 16;

  // Bounds ascending, at most max_bounds of them.
  histogram(std::initializer_list<std::uint64_t> bounds) : size_(bounds.size()) {
    if (bounds.size() > max_bounds || !std::is_sorted(bounds.begin(), bounds.end())) {
      throw std::invalid_argument("histogram: at most 16 ascending bounds");
    }
    std::copy(bounds.begin(), bounds.end(), bounds_.begin());
  }
  histogram(const histogram&) = delete;
  histogram& operator=(const histogram&) = delete;

  void observe(std::uint64_t value) noexcept {
    std::size_t i = 0;
    while (i < size_ && value > bounds_[i]) ++i;
    counts_[i].fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(value, std::memory_order_relaxed);
  }

  histogram_reading read() const {
    histogram_reading r;
    r.bounds.assign(bounds_.begin(), bounds_.begin() + static_cast<std::ptrdiff_t>(size_));
    r.counts.resize(size_ + 1);
    for (std::size_t i = 0; i <= size_; ++i) {
      r.counts[i] = counts_[i].load(std::memory_order_relaxed);
      r.count += r.counts[i];
    }
    r.sum = sum_.load(std::memory_order_relaxed);
    return r;
  }

 private:
  std::array<std::uint64_t, max_bounds> bounds_{};
  std::size_t size_;
  std::array<std::atomic<std::uint64_t>, max_bounds + 1> counts_{};
  std::atomic<std::uint64_t> sum_{0};
};

}  // namespace tether::core
