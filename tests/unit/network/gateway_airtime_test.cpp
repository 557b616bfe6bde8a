// One transmitter per gateway (network/gateway_airtime.hpp): overlapping reservations are refused,
// Class C finds the next free slot, the concentrator clock wraps, and passed reservations go.

#include "network/gateway_airtime.hpp"

#include <gtest/gtest.h>

namespace tether::network {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

time_point soon() { return std::chrono::system_clock::now() + std::chrono::seconds(5); }

TEST(gateway_airtime, OverlappingAirtimeOnOneGatewayIsRefused) {
  gateway_airtime g;
  EXPECT_TRUE(g.try_reserve("gw1", 1'000'000, soon(), milliseconds(100)));
  EXPECT_FALSE(g.try_reserve("gw1", 1'050'000, soon(), milliseconds(100)));  // starts inside
  EXPECT_FALSE(g.try_reserve("gw1", 950'000, soon(), milliseconds(100)));    // ends inside
  EXPECT_TRUE(g.try_reserve("gw1", 1'100'000, soon(), milliseconds(100)));   // right after
  EXPECT_TRUE(g.try_reserve("gw2", 1'050'000, soon(), milliseconds(100)));   // another transmitter
}

TEST(gateway_airtime, ReleaseFreesTheSlot) {
  gateway_airtime g;
  ASSERT_TRUE(g.try_reserve("gw1", 1'000'000, soon(), milliseconds(100)));
  g.release("gw1", 1'000'000);
  EXPECT_TRUE(g.try_reserve("gw1", 1'050'000, soon(), milliseconds(100)));
}

TEST(gateway_airtime, TheConcentratorClockWraps) {
  gateway_airtime g;
  ASSERT_TRUE(g.try_reserve("gw1", 0xFFFF'0000u, soon(), milliseconds(100)));  // spans the wrap
  EXPECT_FALSE(g.try_reserve("gw1", 10'000, soon(), milliseconds(10)));
  EXPECT_TRUE(g.try_reserve("gw1", 100'000, soon(), milliseconds(10)));
}

TEST(gateway_airtime, EarliestSlotWaitsForTheTransmitterWithinALimit) {
  gateway_airtime g;
  ASSERT_TRUE(g.try_reserve("gw1", 1'000'000, soon(), milliseconds(100)));
  ASSERT_TRUE(g.try_reserve("gw1", 1'100'000, soon(), milliseconds(100)));
  EXPECT_EQ(g.reserve_earliest("gw1", 1'050'000, soon(), milliseconds(50), std::chrono::seconds(1)),
            microseconds(150'000));  // after both
  EXPECT_EQ(g.reserve_earliest("gw1", 5'000'000, soon(), milliseconds(50), std::chrono::seconds(1)),
            microseconds(0));  // free at once
  EXPECT_FALSE(g.reserve_earliest("gw1", 1'000'000, soon(), milliseconds(50), milliseconds(100)));
}

TEST(gateway_airtime, PassedReservationsAreForgotten) {
  gateway_airtime g;
  const auto past = std::chrono::system_clock::now() - std::chrono::seconds(10);
  ASSERT_TRUE(g.try_reserve("gw1", 1'000'000, past, milliseconds(100)));
  EXPECT_TRUE(g.try_reserve("gw1", 1'000'000, soon(), milliseconds(100)));
}

}  // namespace
}  // namespace tether::network
