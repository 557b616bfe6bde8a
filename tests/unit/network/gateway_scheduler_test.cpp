// One transmitter and one duty cycle per gateway (network/gateway_scheduler.hpp): overlapping bookings
// are refused, Class C finds the next free slot, the concentrator clock wraps, passed bookings go, a
// sub-band's hourly budget is kept and a released booking gives its duty cycle back.
// Moved here from gateway_airtime_test.cpp (the transmitter cases), plus the duty-cycle cases.

#include "network/gateway_scheduler.hpp"
#include "lorawan/band/band.hpp"

#include <gtest/gtest.h>

namespace tether::network {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using outcome = gateway_scheduler::outcome;

time_point soon() { return std::chrono::system_clock::now() + std::chrono::seconds(5); }

gateway_scheduler::request at(std::string_view gw, std::uint32_t timestamp, std::chrono::microseconds airtime,
                              time_point when = soon()) {
  return {gw, nullptr, 0, timestamp, when, airtime};
}

bool booked(gateway_scheduler& g, const gateway_scheduler::request& r) {
  return g.book(r) == outcome::booked;
}

TEST(gateway_scheduler, OverlappingAirtimeOnOneGatewayIsRefused) {
  gateway_scheduler g;
  EXPECT_TRUE(booked(g, at("gw1", 1'000'000, milliseconds(100))));
  EXPECT_EQ(g.book(at("gw1", 1'050'000, milliseconds(100))), outcome::busy);  // starts inside
  EXPECT_FALSE(booked(g, at("gw1", 950'000, milliseconds(100))));             // ends inside
  EXPECT_TRUE(booked(g, at("gw1", 1'100'000, milliseconds(100))));            // right after
  EXPECT_TRUE(booked(g, at("gw2", 1'050'000, milliseconds(100))));            // another transmitter
}

TEST(gateway_scheduler, ReleaseFreesTheSlot) {
  gateway_scheduler g;
  ASSERT_TRUE(booked(g, at("gw1", 1'000'000, milliseconds(100))));
  g.release("gw1", 1'000'000);
  EXPECT_TRUE(booked(g, at("gw1", 1'050'000, milliseconds(100))));
}

TEST(gateway_scheduler, TheConcentratorClockWraps) {
  gateway_scheduler g;
  ASSERT_TRUE(booked(g, at("gw1", 0xFFFF'0000u, milliseconds(100))));  // spans the wrap
  EXPECT_FALSE(booked(g, at("gw1", 10'000, milliseconds(10))));
  EXPECT_TRUE(booked(g, at("gw1", 100'000, milliseconds(10))));
}

TEST(gateway_scheduler, EarliestSlotWaitsForTheTransmitterWithinALimit) {
  gateway_scheduler g;
  ASSERT_TRUE(booked(g, at("gw1", 1'000'000, milliseconds(100))));
  ASSERT_TRUE(booked(g, at("gw1", 1'100'000, milliseconds(100))));
  auto s = g.book_earliest(at("gw1", 1'050'000, milliseconds(50)), std::chrono::seconds(1));
  EXPECT_EQ(s.result, outcome::booked);
  EXPECT_EQ(s.wait, microseconds(150'000));  // after both
  s = g.book_earliest(at("gw1", 5'000'000, milliseconds(50)), std::chrono::seconds(1));
  EXPECT_EQ(s.result, outcome::booked);
  EXPECT_EQ(s.wait, microseconds(0));  // free at once
  EXPECT_NE(g.book_earliest(at("gw1", 1'000'000, milliseconds(50)), milliseconds(100)).result,
            outcome::booked);
}

TEST(gateway_scheduler, PassedReservationsAreForgotten) {
  gateway_scheduler g;
  const auto past = std::chrono::system_clock::now() - std::chrono::seconds(10);
  ASSERT_TRUE(booked(g, at("gw1", 1'000'000, milliseconds(100), past)));
  EXPECT_TRUE(booked(g, at("gw1", 1'000'000, milliseconds(100))));
}

// EU868 868.1 MHz is in the 1 % sub-band: 36 s of airtime an hour per gateway.
gateway_scheduler::request eu868(std::string_view gw, std::uint32_t timestamp,
                                 std::chrono::microseconds airtime, time_point when) {
  return {gw, &lorawan::band::eu868(), 868'100'000, timestamp, when, airtime};
}

TEST(gateway_scheduler, DutyCycleBudgetPerGatewayAndSubBand) {
  gateway_scheduler g;
  const auto t0 = soon();
  ASSERT_TRUE(booked(g, eu868("gw1", 1'000'000, std::chrono::seconds(30), t0)));
  EXPECT_EQ(g.book(eu868("gw1", 40'000'000, std::chrono::seconds(10), t0 + std::chrono::seconds(40))),
            outcome::duty_cycle);
  EXPECT_TRUE(booked(g, eu868("gw2", 40'000'000, std::chrono::seconds(10), t0)));  // its own budget
  // An hour after the first frame its airtime no longer counts.
  EXPECT_TRUE(booked(g, eu868("gw1", 41'000'000, std::chrono::seconds(10), t0 + std::chrono::minutes(61))));
}

TEST(gateway_scheduler, ReleaseGivesTheDutyCycleBack) {
  gateway_scheduler g;
  const auto t0 = soon();
  ASSERT_TRUE(booked(g, eu868("gw1", 1'000'000, std::chrono::seconds(30), t0)));
  g.release("gw1", 1'000'000);
  EXPECT_TRUE(booked(g, eu868("gw1", 40'000'000, std::chrono::seconds(30), t0 + std::chrono::seconds(40))));
}

TEST(gateway_scheduler, RefusedDutyCycleBooksNoTransmitterTime) {
  gateway_scheduler g;
  const auto t0 = soon();
  EXPECT_EQ(g.book(eu868("gw1", 1'000'000, std::chrono::seconds(40), t0)), outcome::duty_cycle);
  EXPECT_TRUE(booked(g, at("gw1", 1'000'000, milliseconds(100))));
}

}  // namespace
}  // namespace tether::network
