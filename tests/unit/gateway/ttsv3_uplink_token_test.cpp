// The uplink token: spec §1.6 (UplinkToken), written by hand in uplink_token.cpp.

#include "gateway/ttsv3/codec.hpp"
#include "ttsv3_test_util.hpp"

#include "ttn/lorawan/v3/lorawan.pb.h"

#include <gtest/gtest.h>

namespace tether::gateway::ttsv3 {
namespace {

using namespace test;

std::vector<uplink_token> samples() {
  return {
      {"gw1", 0, 0, at(0)},
      {"gw1", 0, 1000, at(1'700'000'000, 123'456'789)},
      {"eui-0102030405060708", 7, 0xffffffffu, at(1'700'000'000)},
      {"a-very-long-gateway-id-of-36-chars-x", 0xffffffffu, 1, at(-1, 1)},
      {"gw1", 1, 2, at(-9'000'000'000, 999'999'999)},
      {"gw1", 0, 5, at(9'000'000'000, 7)},
  };
}

TEST(ttsv3_uplink_token, round_trips) {
  for (const auto& t : samples()) {
    const auto bytes = encode_uplink_token(t);
    auto decoded = decode_uplink_token(bytes);
    ASSERT_TRUE(decoded) << t.gateway_id << ": " << decoded.error().message();
    EXPECT_EQ(*decoded, t);
  }
}

TEST(ttsv3_uplink_token, hand_encoding_equals_protobuf) {
  for (const auto& t : samples()) {
    ::ttn::lorawan::v3::UplinkToken msg;
    msg.mutable_ids()->mutable_gateway_ids()->set_gateway_id(t.gateway_id);
    msg.mutable_ids()->set_antenna_index(t.antenna_index);
    msg.set_timestamp(t.timestamp);
    const auto ns = t.server_time.time_since_epoch().count();
    std::int64_t s = ns / 1'000'000'000, n = ns % 1'000'000'000;
    if (n < 0) n += 1'000'000'000, --s;
    msg.mutable_server_time()->set_seconds(s);
    msg.mutable_server_time()->set_nanos(static_cast<std::int32_t>(n));
    const auto mine = encode_uplink_token(t);
    EXPECT_EQ(to_hex({reinterpret_cast<const char*>(mine.data()), mine.size()}),
              to_hex(msg.SerializeAsString()))
        << t.gateway_id;
  }
}

TEST(ttsv3_uplink_token, known_bytes) {
  // ids=1 { gateway_ids=1 { gateway_id=1: "gw1" }, antenna_index=2: 1 }, timestamp=2: 1000,
  // server_time=3 { seconds=1: 1700000000, nanos=2: 5 }
  const auto wire = from_hex(
      "0a09 0a050a03677731 1001"
      "10e807"
      "1a08 0880e2cfaa06 1005");
  auto t = decode_uplink_token(bytes_of(wire));
  ASSERT_TRUE(t) << t.error().message();
  EXPECT_EQ(*t, (uplink_token{"gw1", 1, 1000, at(1'700'000'000, 5)}));
  const auto mine = encode_uplink_token(*t);
  EXPECT_EQ(to_hex({reinterpret_cast<const char*>(mine.data()), mine.size()}), to_hex(wire));
}

TEST(ttsv3_uplink_token, refuses_what_it_did_not_write) {
  const std::vector<pb> bad = {
      pb().bytes(1, "\x0a"),                                                           // truncated
      pb(),                                                                            // no ids
      pb().msg(1, pb().msg(1, pb().bytes(1, "gw1"))),                                  // no server_time
      pb().msg(1, pb().msg(1, pb().bytes(1, "GW1"))).msg(3, pb()),                     // invalid ID
      pb().msg(1, pb()).msg(3, pb()),                                                  // no ID
      pb().msg(1, pb().msg(1, pb().bytes(1, "gw1"))).msg(3, pb().sint(2, -1)),         // negative nanos
      pb().msg(1, pb().msg(1, pb().bytes(1, "gw1"))).msg(3, pb().sint(1, 1LL << 40)),  // beyond 2262
  };
  for (const auto& b : bad) {
    auto t = decode_uplink_token(b.span());
    ASSERT_FALSE(t) << to_hex(b.str());
    EXPECT_EQ(t.error(), make_error_code(codec_error::invalid_uplink_token));
  }
}

}  // namespace
}  // namespace tether::gateway::ttsv3
