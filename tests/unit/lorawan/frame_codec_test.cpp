// Frame codec without crypto: a {struct, bytes} round-trip table (ChirpStack style) and every way a
// frame can be refused.

#include "lorawan/frame/build.hpp"
#include "lorawan/frame/parse.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

namespace tether::lorawan {
namespace {

using test::hex;

struct row {
  const char* name;
  phy_payload payload;
  const char* wire;
};

data_frame data(mtype t, fctrl fc, bytes f_opts, std::optional<std::uint8_t> port, bytes payload) {
  data_frame f;
  f.type = t;
  f.header = {0x01020304, fc, 0x0a0b, std::move(f_opts)};
  f.f_port = port;
  f.frm_payload = std::move(payload);
  f.mic = {0xde, 0xad, 0xbe, 0xef};
  return f;
}

const std::vector<row> table = {
    {"uplink_minimal", data(mtype::unconfirmed_data_up, {}, {}, std::nullopt, {}),
     "40 04030201 00 0b0a deadbeef"},
    {"uplink_all_flags", data(mtype::confirmed_data_up, {true, true, true, true, false}, {}, 1, hex("aa")),
     "80 04030201 f0 0b0a 01 aa deadbeef"},
    {"uplink_fopts", data(mtype::unconfirmed_data_up, {}, hex("0307"), 2, hex("0102")),
     "40 04030201 02 0b0a 0307 02 0102 deadbeef"},
    {"uplink_fopts_no_port", data(mtype::unconfirmed_data_up, {}, hex("02"), std::nullopt, {}),
     "40 04030201 01 0b0a 02 deadbeef"},
    {"downlink_fpending",
     data(mtype::unconfirmed_data_down, {.ack = true, .f_pending = true}, {}, 0, hex("06")),
     "60 04030201 30 0b0a 00 06 deadbeef"},
    {"downlink_rfu_bit_kept", data(mtype::confirmed_data_down, {.adr_ack_req = true}, {}, std::nullopt, {}),
     "a0 04030201 40 0b0a deadbeef"},
    {"join_request", join_request{0x0102030405060708, 0x1112131415161718, 0x2122, {1, 2, 3, 4}},
     "00 0807060504030201 1817161514131211 2221 01020304"},
    {"join_accept_encrypted", encrypted_join_accept{hex("c9fbb259e11649096a568a9e3b7117c3")},
     "20 c9fbb259e11649096a568a9e3b7117c3"},
    {"proprietary", proprietary_frame{hex("0102")}, "e0 0102"},
};

TEST(frame_codec, round_trip_table) {
  for (const auto& r : table) {
    SCOPED_TRACE(r.name);
    const bytes wire = hex(r.wire);
    auto parsed = parse_phy_payload(wire);
    ASSERT_TRUE(parsed) << parsed.error().message();
    EXPECT_EQ(*parsed, r.payload);
    EXPECT_EQ(test::to_hex(build_phy_payload(r.payload).value()), test::to_hex(wire));
  }
}

TEST(frame_codec, join_accept_clear_round_trip_with_rfu_bits) {
  const join_accept a{0x010203, 0x000013, 0x26000001, {true, 7, 15}, 0xf5, std::nullopt, {1, 2, 3, 4}};
  const bytes wire = build_join_accept(a);
  EXPECT_EQ(test::to_hex(wire), "2003020113000001000026fff501020304");
  EXPECT_EQ(parse_join_accept(wire).value(), a);
}

struct bad_frame {
  const char* name;
  const char* wire;
  lorawan_error error;
};

TEST(frame_codec, refuses_malformed_frames) {
  const bad_frame cases[] = {
      {"empty", "", lorawan_error::truncated},
      {"mhdr_only", "40", lorawan_error::truncated},
      {"data_11_bytes", "40 04030201 00 0b0a deadbe", lorawan_error::truncated},
      {"fopts_past_end", "40 04030201 05 0b0a 0102 deadbeef", lorawan_error::truncated},
      {"major_1", "41 04030201 00 0b0a deadbeef", lorawan_error::unsupported_major},
      {"rfu_bits", "44 04030201 00 0b0a deadbeef", lorawan_error::rfu_bits_set},
      {"rejoin_request", "c0 0102", lorawan_error::rfu_mtype},
      {"port0_with_fopts", "40 04030201 01 0b0a 02 00 aa deadbeef", lorawan_error::mac_commands_twice},
      {"join_request_short", "00 0807060504030201 1817161514131211 2221 010203", lorawan_error::truncated},
      {"join_request_long", "00 0807060504030201 1817161514131211 2221 0102030405", lorawan_error::too_long},
      {"join_accept_18", "20 c9fbb259e11649096a568a9e3b7117c3ff", lorawan_error::invalid_join_accept},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto parsed = parse_phy_payload(hex(c.wire));
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error(), c.error);
  }
  EXPECT_EQ(parse_phy_payload(bytes(256, 0x40)).error(), lorawan_error::too_long);
  EXPECT_EQ(parse_phy_payload(bytes(256, 0xe0)).error(), lorawan_error::too_long);
}

TEST(frame_codec, typed_parsers_refuse_other_types) {
  EXPECT_EQ(parse_data_frame(hex("00 0807060504030201 1817161514131211 2221 01020304")).error(),
            lorawan_error::wrong_mtype);
  EXPECT_EQ(parse_join_request(hex("40 04030201 00 0b0a deadbeef")).error(), lorawan_error::wrong_mtype);
}

TEST(frame_codec, every_truncation_of_a_valid_frame_is_an_error_or_shorter_frame) {
  const bytes wire = hex("40 04030201 03 0b0a 020305 01 a694642615 d6c3b582");
  for (std::size_t n = 0; n < 12; ++n) EXPECT_FALSE(parse_data_frame(byte_view(wire.data(), n))) << n;
  EXPECT_FALSE(parse_data_frame(byte_view(wire.data(), 14)));  // FOpts run into the MIC
}

TEST(frame_codec, build_refuses_invalid_structs) {
  auto f = data(mtype::unconfirmed_data_up, {}, bytes(16, 0x02), 1, {});
  EXPECT_EQ(build_data_frame(f).error(), lorawan_error::fopts_too_long);
  f = data(mtype::unconfirmed_data_up, {}, {}, std::nullopt, hex("01"));
  EXPECT_EQ(build_data_frame(f).error(), lorawan_error::missing_fport);
  f = data(mtype::unconfirmed_data_up, {}, hex("02"), 0, {});
  EXPECT_EQ(build_data_frame(f).error(), lorawan_error::mac_commands_twice);
  f = data(mtype::unconfirmed_data_up, {}, {}, 1, bytes(243, 0));
  EXPECT_EQ(build_data_frame(f).error(), lorawan_error::too_long);
  f = data(mtype::unconfirmed_data_up, {}, {}, 1, bytes(242, 0));
  EXPECT_EQ(build_data_frame(f).value().size(), 255u);
  f.type = mtype::join_request;
  EXPECT_EQ(build_data_frame(f).error(), lorawan_error::wrong_mtype);
}

}  // namespace
}  // namespace tether::lorawan
