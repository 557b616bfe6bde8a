#include "core/rfc3339.hpp"

#include <gtest/gtest.h>

namespace tether::core {
namespace {

using namespace std::chrono;

system_clock::time_point at(std::int64_t unix_ns) { return system_clock::time_point{nanoseconds{unix_ns}}; }

TEST(Rfc3339, WholeSecondsHaveNoFraction) { EXPECT_EQ(to_rfc3339(at(0)), "1970-01-01T00:00:00Z"); }

TEST(Rfc3339, FractionUsesThreeSixOrNineDigits) {
  constexpr std::int64_t t = 1'795'395'723'000'000'000;  // 2026-11-23T01:02:03Z
  EXPECT_EQ(to_rfc3339(at(t)), "2026-11-23T01:02:03Z");
  EXPECT_EQ(to_rfc3339(at(t + 120'000'000)), "2026-11-23T01:02:03.120Z");
  EXPECT_EQ(to_rfc3339(at(t + 123'456'000)), "2026-11-23T01:02:03.123456Z");
  EXPECT_EQ(to_rfc3339(at(t + 123'456'789)), "2026-11-23T01:02:03.123456789Z");
  EXPECT_EQ(to_rfc3339(at(t + 1)), "2026-11-23T01:02:03.000000001Z");
}

TEST(DurationSeconds, AsTheThingsStackWritesThem) {
  EXPECT_EQ(to_duration_seconds(nanoseconds{61'696'000}), "0.061696s");
  EXPECT_EQ(to_duration_seconds(seconds{2}), "2s");
  EXPECT_EQ(to_duration_seconds(milliseconds{50}), "0.050s");
  EXPECT_EQ(to_duration_seconds(nanoseconds{1'000'000'001}), "1.000000001s");
  EXPECT_EQ(to_duration_seconds(milliseconds{-1500}), "-1.500s");
}

TEST(Rfc3339, LeapDay) { EXPECT_EQ(to_rfc3339(at(951'782'400'000'000'000)), "2000-02-29T00:00:00Z"); }

TEST(Rfc3339, BeforeEpochFloors) { EXPECT_EQ(to_rfc3339(at(-500'000'000)), "1969-12-31T23:59:59.500Z"); }

}  // namespace
}  // namespace tether::core
