#pragma once
// Latency samples in bounded memory: log-linear buckets (each power of two split into 64 steps), so
// any percentile is within 1.6% of the true value whatever the number of samples.

#include <array>
#include <cstdint>

namespace tether::bench {

class latency_histogram {
 public:
  void record(std::int64_t ns) noexcept;
  void merge(const latency_histogram& other) noexcept;

  std::uint64_t count() const noexcept { return count_; }
  std::int64_t max_ns() const noexcept { return max_ns_; }
  // `q` in [0, 1]; 0 when empty. Returns the upper bound of the bucket holding the q-quantile.
  std::int64_t percentile_ns(double q) const noexcept;

 private:
  static constexpr int sub_bits = 6;
  static constexpr int sub_count = 1 << sub_bits;
  static constexpr int bucket_count = (64 - sub_bits + 1) * sub_count;

  static int index_of(std::uint64_t v) noexcept;
  static std::uint64_t upper_bound_of(int index) noexcept;

  std::array<std::uint64_t, bucket_count> buckets_{};
  std::uint64_t count_ = 0;
  std::int64_t max_ns_ = 0;
};

}  // namespace tether::bench
