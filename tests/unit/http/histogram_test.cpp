// core::histogram, which /metrics renders: bucket boundaries are inclusive, the overflow bucket is
// counted, and observers on several threads lose nothing.

#include "core/histogram.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace tether::core {
namespace {

TEST(histogram, a_value_falls_in_the_first_bucket_whose_bound_it_does_not_exceed) {
  histogram h{10, 100};
  for (std::uint64_t v : {0, 10, 11, 100, 101, 5000}) h.observe(v);
  const auto r = h.read();
  EXPECT_EQ(r.bounds, (std::vector<std::uint64_t>{10, 100}));
  EXPECT_EQ(r.counts, (std::vector<std::uint64_t>{2, 2, 2}));
  EXPECT_EQ(r.count, 6u);
  EXPECT_EQ(r.sum, 0u + 10 + 11 + 100 + 101 + 5000);
}

TEST(histogram, bounds_must_ascend) { EXPECT_THROW((histogram{5, 1}), std::invalid_argument); }

TEST(histogram, concurrent_observers_lose_nothing) {
  histogram h{1, 2, 3};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&h] {
      for (int i = 0; i < 10000; ++i) h.observe(static_cast<std::uint64_t>(i % 5));
    });
  }
  for (auto& t : threads) t.join();
  const auto r = h.read();
  EXPECT_EQ(r.count, 40000u);
  EXPECT_EQ(r.counts, (std::vector<std::uint64_t>{16000, 8000, 8000, 8000}));
  EXPECT_EQ(r.sum, 4u * 2000 * (0 + 1 + 2 + 3 + 4));
}

}  // namespace
}  // namespace tether::core
