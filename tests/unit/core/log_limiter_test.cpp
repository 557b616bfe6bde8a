#include "core/log_limiter.hpp"

#include <gtest/gtest.h>

namespace tether::core {
namespace {

TEST(LogLimiter, FirstLineAtOnceThenOnePerIntervalCountingTheRest) {
  log_limiter limiter(std::chrono::seconds(1));
  const auto t0 = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  EXPECT_EQ(limiter.due(t0), 1u);
  EXPECT_FALSE(limiter.due(t0 + std::chrono::milliseconds(10)));
  EXPECT_FALSE(limiter.due(t0 + std::chrono::milliseconds(900)));
  EXPECT_EQ(limiter.due(t0 + std::chrono::milliseconds(1000)), 3u);
  EXPECT_FALSE(limiter.due(t0 + std::chrono::milliseconds(1500)));
}

TEST(LogLimiter, RepeatNoteOnlyWhenALineStandsForMore) {
  EXPECT_EQ(repeat_note(1), "");
  EXPECT_EQ(repeat_note(3), " (3 such since the last line)");
}

}  // namespace
}  // namespace tether::core
