#pragma once
// Keeps a log line that can repeat thousands of times a second (a drop under overload) to one line per
// interval that says how many it stands for. Not thread-safe: one per thread or strand.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace tether::core {

class log_limiter {
 public:
  explicit log_limiter(std::chrono::steady_clock::duration interval = std::chrono::seconds(1))
      : interval_(interval) {}

  // Counts one occurrence; returns how many occurred since the last line when a line is due now.
  std::optional<std::uint64_t> due(
      std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now()) {
    ++pending_;
    if (logged_once_ && now - last_ < interval_) return std::nullopt;
    logged_once_ = true;
    last_ = now;
    return std::exchange(pending_, 0);
  }

 private:
  std::chrono::steady_clock::duration interval_;
  std::chrono::steady_clock::time_point last_{};
  bool logged_once_ = false;
  std::uint64_t pending_ = 0;
};

// What a limited line adds when it stands for more than itself: "" or " (N such since the last line)".
inline std::string repeat_note(std::uint64_t occurrences) {
  return occurrences > 1 ? " (" + std::to_string(occurrences) + " such since the last line)" : std::string{};
}

}  // namespace tether::core
