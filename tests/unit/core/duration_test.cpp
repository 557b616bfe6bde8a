// core::parse_duration: the one reader of every duration flag (--event-retention, --connector-*,
// tether sim --duration): the forms it takes, and a refusal that names the text and the cause.

#include "core/duration.hpp"

#include <gtest/gtest.h>

namespace tether::core {
namespace {

using namespace std::chrono_literals;

std::chrono::milliseconds ok(std::string_view text) {
  const auto d = parse_duration(text);
  EXPECT_TRUE(d) << text << ": " << d.error;
  EXPECT_EQ(d.error, "") << text;
  return d.value.value_or(-1ms);
}

std::string refused(std::string_view text) {
  const auto d = parse_duration(text);
  EXPECT_FALSE(d) << text;
  return d.error;
}

TEST(ParseDuration, EveryUnit) {
  EXPECT_EQ(ok("250ms"), 250ms);
  EXPECT_EQ(ok("10s"), 10s);
  EXPECT_EQ(ok("2m"), 2min);
  EXPECT_EQ(ok("48h"), 48h);
  EXPECT_EQ(ok("7d"), 7 * 24h);
}

TEST(ParseDuration, ABareNumberIsSecondsAndZeroIsZero) {
  EXPECT_EQ(ok("10"), 10s);
  EXPECT_EQ(ok("0"), 0ms);
  EXPECT_EQ(ok("0s"), 0ms);
}

TEST(ParseDuration, FractionsRoundToTheMillisecond) {
  EXPECT_EQ(ok("1.5s"), 1500ms);
  EXPECT_EQ(ok("0.1s"), 100ms);
  EXPECT_EQ(ok("0.5h"), 30min);
  EXPECT_EQ(ok("1.0006s"), 1001ms);
}

TEST(ParseDuration, UpTo100Years) {
  EXPECT_EQ(ok("36600d"), max_duration);
  EXPECT_EQ(refused("36601d"), "bad duration '36601d': more than 100 years");
  EXPECT_EQ(refused("99999999999999999999999h"),
            "bad duration '99999999999999999999999h': more than 100 years");
}

TEST(ParseDuration, AnUnknownUnitIsNamed) {
  EXPECT_EQ(refused("5x"), "bad duration '5x': unknown unit 'x' (use ms, s, m, h or d)");
  EXPECT_EQ(refused("10 s"), "bad duration '10 s': unknown unit ' s' (use ms, s, m, h or d)");
  EXPECT_EQ(refused("3sec"), "bad duration '3sec': unknown unit 'sec' (use ms, s, m, h or d)");
  EXPECT_EQ(refused("1e3s"), "bad duration '1e3s': unknown unit 'e3s' (use ms, s, m, h or d)");
}

TEST(ParseDuration, ANumberMustComeFirst) {
  const std::string form = "a number first, then a unit, as in 500ms, 60s, 1.5s, 2m, 48h or 7d";
  EXPECT_EQ(refused(""), "bad duration '': " + form);
  EXPECT_EQ(refused("s"), "bad duration 's': " + form);
  EXPECT_EQ(refused("-1s"), "bad duration '-1s': " + form);
  EXPECT_EQ(refused("+1s"), "bad duration '+1s': " + form);
  EXPECT_EQ(refused(" 1s"), "bad duration ' 1s': " + form);
  EXPECT_EQ(refused("inf"), "bad duration 'inf': " + form);
  EXPECT_EQ(refused("1.2.3s"), "bad duration '1.2.3s': " + form);
  EXPECT_EQ(refused("."), "bad duration '.': " + form);
}

}  // namespace
}  // namespace tether::core
