#pragma once
// What every benchmark message carries at the front of its payload: who sent it, its sequence number
// and when it left, so the subscriber can check completeness and order and measure latency.

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace tether::bench {

struct stamp {
  std::uint32_t publisher = 0;
  std::uint64_t sequence = 0;
  std::int64_t sent_ns = 0;  // steady clock; publishers and subscribers share one process
};

inline constexpr std::size_t stamp_size = 20;

// Overwrites the first stamp_size bytes of `payload` (which must be at least that long); the rest of
// the payload is filler that the caller allocates once, so publishing does not allocate.
void write_stamp(const stamp& s, std::string& payload) noexcept;

std::optional<stamp> read_stamp(std::span<const std::uint8_t> payload) noexcept;

std::int64_t now_ns() noexcept;

}  // namespace tether::bench
