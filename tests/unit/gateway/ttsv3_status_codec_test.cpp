// GatewayStatus (v3/{gateway}/status): field numbers and the limits of spec §1.7.

#include "gateway/ttsv3/codec.hpp"
#include "ttsv3_test_util.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace tether::gateway::ttsv3 {
namespace {

using namespace test;

constexpr std::string_view gw = "gw1";

network::gateway_status full_status() {
  network::gateway_status s;
  s.gateway_id = "gw1";
  s.time = at(1'700'000'000, 1);
  s.boot_time = at(1'600'000'000, 2);
  s.versions = {{"model", "tether-sim"}, {"firmware", "1.2.3"}, {"station_version", std::string(128, 'v')}};
  s.antenna_locations = {{52.5, 13.25, 35, 10, network::location_source::gps},
                         {-33.9, 151.2, -3, 0, network::location_source::registry}};
  s.ips = {"192.0.2.1", "2001:db8::1"};
  s.metrics = {{"rxin", 10}, {"rxok", 9.5f}, {"tx-ok", 1}};
  return s;
}

result<network::gateway_status> decode(const pb& wire) { return decode_status(wire.span(), gw, at(99)); }

void expect_invalid(const pb& wire) {
  auto s = decode(wire);
  ASSERT_FALSE(s) << "accepted " << to_hex(wire.str());
  EXPECT_EQ(s.error(), make_error_code(codec_error::invalid_status)) << s.error().message();
}

void expect_ok(const pb& wire) {
  auto s = decode(wire);
  EXPECT_TRUE(s) << s.error().message() << " for " << to_hex(wire.str());
}

pb entry(std::string_view key, std::string_view value) { return pb().bytes(1, key).bytes(2, value); }
pb metric(std::string_view key, float value) { return pb().bytes(1, key).fixed32(2, value); }

TEST(ttsv3_status, round_trips_every_field) {
  auto s = full_status();
  auto decoded = decode_status(bytes_of(encode_status(s)), gw, at(99));
  ASSERT_TRUE(decoded) << decoded.error().message();
  s.received_at = at(99);
  EXPECT_EQ(*decoded, s);
}

TEST(ttsv3_status, field_numbers) {
  const auto wire = pb().msg(1, pb().varint(1, 10))
                        .msg(2, pb().varint(1, 5))
                        .msg(3, entry("model", "m"))
                        .msg(4, pb().fixed64(1, 1).fixed64(2, 2).varint(3, 3).varint(4, 4).varint(5, 1))
                        .bytes(5, "10.0.0.1")
                        .msg(6, metric("rxok", 3))
                        .msg(99, pb());
  auto s = decode(wire);
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(s->gateway_id, gw);
  EXPECT_EQ(s->time, at(10));
  EXPECT_EQ(s->boot_time, at(5));
  EXPECT_EQ(s->versions, (std::map<std::string, std::string>{{"model", "m"}}));
  EXPECT_EQ(s->antenna_locations,
            (std::vector<network::location>{{1, 2, 3, 4, network::location_source::gps}}));
  EXPECT_EQ(s->ips, std::vector<std::string>{"10.0.0.1"});
  EXPECT_EQ(s->metrics, (std::map<std::string, float>{{"rxok", 3}}));
  EXPECT_EQ(s->received_at, at(99));
}

TEST(ttsv3_status, an_empty_status_is_valid) {
  auto s = decode(pb());
  ASSERT_TRUE(s);
  EXPECT_FALSE(s->time);
  EXPECT_FALSE(s->boot_time);
}

TEST(ttsv3_status, at_most_10_versions) {
  pb wire;
  for (int i = 0; i < 10; ++i) wire.msg(3, entry("key" + std::to_string(i), "v"));
  expect_ok(wire);
  wire.msg(3, entry("key10", "v"));
  expect_invalid(wire);
}

TEST(ttsv3_status, version_values_at_most_128_characters) {
  expect_ok(pb().msg(3, entry("model", std::string(128, 'x'))));
  expect_invalid(pb().msg(3, entry("model", std::string(129, 'x'))));
}

TEST(ttsv3_status, keys_follow_the_id_pattern) {
  for (std::string_view good :
       std::vector<std::string_view>{"abc", "a_b-c", "rx_ok", "a1b2c3", "firmware",
                                     std::string_view("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")}) {
    expect_ok(pb().msg(3, entry(good, "v")));
    expect_ok(pb().msg(6, metric(good, 1)));
  }
  for (std::string_view bad :
       std::vector<std::string_view>{"", "ab", "a_b", "Model", "_abc", "abc_", "a__bc", "a-_bc", "ab c",
                                     "a.bc", std::string_view("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")}) {
    expect_invalid(pb().msg(3, entry(bad, "v")));
    expect_invalid(pb().msg(6, metric(bad, 1)));
  }
}

TEST(ttsv3_status, at_most_8_antenna_locations_in_range) {
  pb wire;
  for (int i = 0; i < 8; ++i) wire.msg(4, pb().fixed64(1, 90).fixed64(2, -180));
  expect_ok(wire);
  wire.msg(4, pb());
  expect_invalid(wire);
  expect_invalid(pb().msg(4, pb().fixed64(1, 90.5)));
  expect_invalid(pb().msg(4, pb().fixed64(2, 180.5)));
  expect_invalid(pb().msg(4, pb().fixed64(1, std::nan(""))));
}

TEST(ttsv3_status, at_most_10_valid_ips) {
  pb wire;
  for (int i = 0; i < 10; ++i) wire.bytes(5, "192.0.2." + std::to_string(i));
  expect_ok(wire);
  wire.bytes(5, "::1");
  expect_invalid(wire);
  for (std::string_view bad : std::vector<std::string_view>{
           "", "1.2.3", "256.1.1.1", "example.com", "1.2.3.4 ", "::g", std::string_view("1.2.3.4\0", 8)}) {
    expect_invalid(pb().bytes(5, bad));
  }
  expect_ok(pb().bytes(5, "fe80::1").bytes(5, "::ffff:192.0.2.1"));
}

TEST(ttsv3_status, at_most_32_metrics) {
  pb wire;
  for (int i = 0; i < 32; ++i) wire.msg(6, metric("metric" + std::to_string(i), 1));
  expect_ok(wire);
  wire.msg(6, metric("metric32", 1));
  expect_invalid(wire);
}

TEST(ttsv3_status, refuses_bad_protobuf_and_times) {
  auto s = decode_status(bytes_of("\xff"), gw, at(0));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error(), make_error_code(codec_error::not_protobuf));
  s = decode(pb().msg(2, pb().varint(2, 1'000'000'000)));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error(), make_error_code(codec_error::invalid_time));
  s = decode_status({}, "x", at(0));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error(), make_error_code(codec_error::invalid_gateway_id));
}

}  // namespace
}  // namespace tether::gateway::ttsv3
