// The uplink token every gateway frontend stamps: The Things Stack's UplinkToken (tts-v3 spec §1.6),
// written and read by hand in gateway/uplink_token.cpp. Moved from ttsv3_uplink_token_test.cpp when the
// token moved out of gateway/ttsv3/; the stamping tests came from ttsv3_uplink_codec_test.cpp.

#include "gateway/uplink_token.hpp"
#include "ttsv3_test_util.hpp"

#include "ttn/lorawan/v3/lorawan.pb.h"

#include <gtest/gtest.h>

namespace tether::gateway {
namespace {

using namespace ttsv3::test;

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

TEST(uplink_token, round_trips) {
  for (const auto& t : samples()) {
    const auto bytes = encode_uplink_token(t);
    auto decoded = decode_uplink_token(bytes);
    ASSERT_TRUE(decoded) << t.gateway_id;
    EXPECT_EQ(*decoded, t);
  }
}

TEST(uplink_token, hand_encoding_equals_protobuf) {
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

TEST(uplink_token, known_bytes) {
  // ids=1 { gateway_ids=1 { gateway_id=1: "gw1" }, antenna_index=2: 1 }, timestamp=2: 1000,
  // server_time=3 { seconds=1: 1700000000, nanos=2: 5 }
  const auto wire = from_hex(
      "0a09 0a050a03677731 1001"
      "10e807"
      "1a08 0880e2cfaa06 1005");
  auto t = decode_uplink_token(bytes_of(wire));
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, (uplink_token{"gw1", 1, 1000, at(1'700'000'000, 5)}));
  const auto mine = encode_uplink_token(*t);
  EXPECT_EQ(to_hex({reinterpret_cast<const char*>(mine.data()), mine.size()}), to_hex(wire));
}

TEST(uplink_token, refuses_what_it_did_not_write) {
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
    EXPECT_FALSE(decode_uplink_token(b.span())) << to_hex(b.str());
  }
}

TEST(uplink_token, reads_what_protobuf_writes_in_any_field_order_with_unknown_fields) {
  ::ttn::lorawan::v3::UplinkToken msg;
  msg.mutable_ids()->mutable_gateway_ids()->set_gateway_id("gw1");
  msg.mutable_ids()->mutable_gateway_ids()->set_eui(std::string(8, '\x01'));
  msg.mutable_ids()->set_antenna_index(3);
  msg.set_timestamp(77);
  msg.mutable_server_time()->set_seconds(1'700'000'000);
  msg.mutable_server_time()->set_nanos(9);
  msg.set_concentrator_time(123);
  const auto expected = uplink_token{"gw1", 3, 77, at(1'700'000'000, 9)};
  EXPECT_EQ(decode_uplink_token(bytes_of(msg.SerializeAsString())), expected);
  // server_time before ids, and a fixed32 and fixed64 field it does not know.
  const auto shuffled = pb().msg(3, pb().varint(1, 1'700'000'000).varint(2, 9))
                            .fixed32(9, 1.0f)
                            .msg(1, pb().msg(1, pb().bytes(1, "gw1")).varint(2, 3))
                            .fixed64(10, 2.0)
                            .varint(2, 77);
  EXPECT_EQ(decode_uplink_token(shuffled.span()), expected);
  // A known field with another wire type is not what we wrote.
  EXPECT_FALSE(decode_uplink_token(pb().varint(1, 5).msg(3, pb()).span()));
}

TEST(uplink_token, stamped_on_antenna_zero_only_replacing_the_gateways_claims) {
  network::gateway_uplink up;
  up.received_at = at(1'700'000'100, 42);
  for (std::uint32_t antenna : {0u, 1u}) {
    network::rx_metadata md;
    md.antenna_index = antenna;
    md.timestamp = 30 + antenna;
    md.uplink_token = {1, 2, 3};  // the gateway's claim
    up.rx_metadata.push_back(md);
  }
  stamp_uplink_tokens(up, "gw1");
  EXPECT_EQ(up.rx_metadata[0].uplink_token, encode_uplink_token({"gw1", 0, 30, up.received_at}));
  EXPECT_TRUE(up.rx_metadata[1].uplink_token.empty());  // only antenna 0 may answer Class A
}

}  // namespace
}  // namespace tether::gateway
