#pragma once
// Latencies in 0.1 ms buckets up to 10 s (plus one bucket beyond), so percentiles are exact to 0.1 ms
// with fixed memory however many uplinks a run sends.

#include <chrono>
#include <cstdint>
#include <vector>

namespace tether::sim {

class latency_histogram {
 public:
  static constexpr std::chrono::microseconds resolution{100};
  static constexpr std::size_t buckets = 100'000;  // 10 s

  latency_histogram();
  void record(std::chrono::nanoseconds latency);
  std::uint64_t count() const noexcept { return count_; }
  // The latency below which a fraction `q` (0..1) of the samples lie, in ms; 0 without samples. Samples
  // over 10 s report the largest one seen.
  double percentile_ms(double q) const;
  double max_ms() const noexcept;

 private:
  std::vector<std::uint32_t> counts_;
  std::uint64_t count_ = 0;
  std::chrono::nanoseconds max_{0};
};

}  // namespace tether::sim
