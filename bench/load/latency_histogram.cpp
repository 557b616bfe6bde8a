#include "latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace tether::bench {

// Values below sub_count map one to one; above, the top sub_bits bits after the leading one pick
// the step inside the value's power of two.
int latency_histogram::index_of(std::uint64_t v) noexcept {
  if (v < sub_count) return static_cast<int>(v);
  int magnitude = std::bit_width(v) - 1;  // >= sub_bits
  int shift = magnitude - sub_bits;
  auto step = static_cast<int>((v >> shift) & (sub_count - 1));
  return (shift + 1) * sub_count + step;
}

std::uint64_t latency_histogram::upper_bound_of(int index) noexcept {
  if (index < sub_count) return static_cast<std::uint64_t>(index);
  int shift = index / sub_count - 1;
  auto step = static_cast<std::uint64_t>(index % sub_count);
  return ((std::uint64_t{sub_count} + step + 1) << shift) - 1;
}

void latency_histogram::record(std::int64_t ns) noexcept {
  if (ns < 0) ns = 0;  // clocks are monotonic, but be safe
  buckets_[static_cast<std::size_t>(index_of(static_cast<std::uint64_t>(ns)))]++;
  ++count_;
  max_ns_ = std::max(max_ns_, ns);
}

void latency_histogram::merge(const latency_histogram& other) noexcept {
  for (std::size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  max_ns_ = std::max(max_ns_, other.max_ns_);
}

std::int64_t latency_histogram::percentile_ns(double q) const noexcept {
  if (count_ == 0) return 0;
  auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_)));
  rank = std::clamp<std::uint64_t>(rank, 1, count_);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= rank) {
      return std::min(static_cast<std::int64_t>(upper_bound_of(static_cast<int>(i))), max_ns_);
    }
  }
  return max_ns_;
}

}  // namespace tether::bench
