#include "payload.hpp"

#include <chrono>
#include <cstring>

namespace tether::bench {

void write_stamp(const stamp& s, std::string& payload) noexcept {
  // Host byte order: the bytes never leave this process.
  std::memcpy(payload.data(), &s.publisher, 4);
  std::memcpy(payload.data() + 4, &s.sequence, 8);
  std::memcpy(payload.data() + 12, &s.sent_ns, 8);
}

std::optional<stamp> read_stamp(std::span<const std::uint8_t> payload) noexcept {
  if (payload.size() < stamp_size) return std::nullopt;
  stamp s;
  std::memcpy(&s.publisher, payload.data(), 4);
  std::memcpy(&s.sequence, payload.data() + 4, 8);
  std::memcpy(&s.sent_ns, payload.data() + 12, 8);
  return s;
}

std::int64_t now_ns() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace tether::bench
