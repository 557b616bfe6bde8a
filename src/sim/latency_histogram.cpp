#include "sim/latency_histogram.hpp"

#include <algorithm>
#include <cmath>

namespace tether::sim {

latency_histogram::latency_histogram() : counts_(buckets + 1, 0) {}

void latency_histogram::record(std::chrono::nanoseconds latency) {
  latency = std::max(latency, std::chrono::nanoseconds{0});
  auto i = static_cast<std::size_t>(latency / resolution);
  ++counts_[std::min(i, buckets)];
  ++count_;
  max_ = std::max(max_, latency);
}

double latency_histogram::percentile_ms(double q) const {
  if (count_ == 0) return 0;
  // The rank of the sample at q, counted from 1 (nearest-rank method).
  auto rank = static_cast<std::uint64_t>(std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(count_)));
  rank = std::max<std::uint64_t>(rank, 1);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < buckets; ++i) {
    seen += counts_[i];
    // The bucket's upper edge, so a percentile never understates.
    if (seen >= rank) return std::min(static_cast<double>(i + 1) * 0.1, max_ms());
  }
  return max_ms();
}

double latency_histogram::max_ms() const noexcept {
  return std::chrono::duration<double, std::milli>(max_).count();
}

}  // namespace tether::sim
