// 32-bit frame counter reconstruction with the gap rule (spec section 1.8).

#include "lorawan/fcnt.hpp"

#include <gtest/gtest.h>

namespace tether::lorawan {
namespace {

TEST(fcnt, fresh_session_takes_the_wire_value_within_the_gap) {
  EXPECT_EQ(reconstruct_fcnt(std::nullopt, 5, max_fcnt_gap_1_0_2).value(), (fcnt_value{5, false}));
  EXPECT_EQ(reconstruct_fcnt(std::nullopt, 20000, max_fcnt_gap_1_0_2).error(),
            lorawan_error::fcnt_gap_too_large);
  EXPECT_EQ(reconstruct_fcnt(std::nullopt, 20000, max_fcnt_gap_1_0_4).value().value, 20000u);
}

TEST(fcnt, keeps_the_upper_bits) {
  EXPECT_EQ(reconstruct_fcnt(0x00010002, 0x0003, max_fcnt_gap_1_0_2).value().value, 0x00010003u);
}

TEST(fcnt, rolls_over_the_16_bit_field) {
  EXPECT_EQ(reconstruct_fcnt(0x0000fffe, 0x0001, max_fcnt_gap_1_0_2).value().value, 0x00010001u);
  EXPECT_EQ(reconstruct_fcnt(0x1234fff0, 0x0000, max_fcnt_gap_1_0_4).value().value, 0x12350000u);
}

TEST(fcnt, equal_counter_is_a_retransmission) {
  EXPECT_EQ(reconstruct_fcnt(0x00010002, 0x0002, max_fcnt_gap_1_0_2).value(), (fcnt_value{0x00010002, true}));
}

TEST(fcnt, gap_rule) {
  EXPECT_TRUE(reconstruct_fcnt(100, 100 + 16384, max_fcnt_gap_1_0_2));
  EXPECT_EQ(reconstruct_fcnt(100, 100 + 16385, max_fcnt_gap_1_0_2).error(),
            lorawan_error::fcnt_gap_too_large);
  // An old counter looks like a jump of almost 65536 forwards: refused under 1.0.2, accepted as one rollover
  // under 1.0.4.
  EXPECT_EQ(reconstruct_fcnt(100, 99, max_fcnt_gap_1_0_2).error(), lorawan_error::fcnt_gap_too_large);
  EXPECT_EQ(reconstruct_fcnt(100, 99, max_fcnt_gap_1_0_4).value().value, 0x10063u);
}

TEST(fcnt, exhausted_32_bits) {
  EXPECT_EQ(reconstruct_fcnt(0xfffffff0, 0x0001, max_fcnt_gap_1_0_4).error(), lorawan_error::fcnt_replay);
}

}  // namespace
}  // namespace tether::lorawan
