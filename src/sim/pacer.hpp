#pragma once
// Spreads uplinks evenly over time: at `rate` per second, how many are due after `elapsed`. The debt
// is kept when the sender falls behind (the run then takes longer, and the report shows the rate
// reached). Pure.

#include <chrono>
#include <cstdint>
#include <optional>

namespace tether::sim {

class pacer {
 public:
  pacer(double rate, std::optional<std::uint64_t> total) : rate_(rate), total_(total) {}

  // Due now and not yet taken; the first one is due at once.
  std::uint64_t due(std::chrono::nanoseconds elapsed) const noexcept {
    auto scheduled = static_cast<std::uint64_t>(std::chrono::duration<double>(elapsed).count() * rate_) + 1;
    if (total_ && scheduled > *total_) scheduled = *total_;
    return scheduled > issued_ ? scheduled - issued_ : 0;
  }
  void take(std::uint64_t n) noexcept { issued_ += n; }
  std::uint64_t issued() const noexcept { return issued_; }
  bool finished() const noexcept { return total_ && issued_ >= *total_; }

 private:
  double rate_;
  std::optional<std::uint64_t> total_;
  std::uint64_t issued_ = 0;
};

}  // namespace tether::sim
