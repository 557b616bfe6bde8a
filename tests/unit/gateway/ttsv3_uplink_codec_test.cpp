// UplinkMessage (v3/{gateway}/up) decoding and encoding: spec §1.1, §1.3, §2.6.

#include "gateway/ttsv3/codec.hpp"
#include "ttsv3_test_util.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>

namespace tether::gateway::ttsv3 {
namespace {

using namespace test;

constexpr std::string_view gw = "gw1";

// Shared with tests/system/test_ttsv3_proto.py, which builds the same message with Python's protobuf.
constexpr std::string_view small_uplink_hex =
    "0a0d401122334400010001aabbccdd"  // raw_payload=1 (13 bytes)
    "2218"                            // settings=4 (24 bytes)
    "0a0d0a0b"                        //   data_rate=1 { lora=1 {
    "08c8d007"                        //     bandwidth=1: 125000
    "1007"                            //     spreading_factor=2: 7
    "1a03342f35"                      //     coding_rate=3: "4/5" } }
    "20a0cff89d03"                    //   frequency=4: 868100000
    "30e807"                          //   timestamp=6: 1000
    "2a19"                            // rx_metadata=5 (25 bytes)
    "0a050a03677731"                  //   gateway_ids=1 { gateway_id=1: "gw1" }
    "20e807"                          //   timestamp=4: 1000
    "45000028c2"                      //   rssi=8: -42.0f
    "4d000028c2"                      //   channel_rssi=9: -42.0f
    "5d00001841"                      //   snr=11: 9.5f
    "3a0573696d3a31";                 // correlation_ids=7: "sim:1"

network::gateway_uplink small_uplink() {
  network::gateway_uplink up;
  up.raw_payload = {0x40, 0x11, 0x22, 0x33, 0x44, 0x00, 0x01, 0x00, 0x01, 0xaa, 0xbb, 0xcc, 0xdd};
  up.settings.data_rate = network::lora_data_rate{125'000, 7, "4/5"};
  up.settings.frequency = 868'100'000;
  up.settings.timestamp = 1000;
  network::rx_metadata md;
  md.gateway_id = "gw1";
  md.timestamp = 1000;
  md.rssi = -42;
  md.channel_rssi = -42;
  md.snr = 9.5;
  up.rx_metadata.push_back(md);
  up.correlation_ids = {"sim:1"};
  return up;
}

// What decode_uplink makes of `sent`: server time everywhere, the gateway's ID, no uplink token (the
// realm stamps its own: tests/unit/gateway/uplink_token_test.cpp).
network::gateway_uplink as_received(network::gateway_uplink sent, network::time_point now) {
  sent.received_at = now;
  for (auto& md : sent.rx_metadata) {
    md.gateway_id = gw;
    md.received_at = now;
    md.uplink_token.clear();
  }
  return sent;
}

network::rx_metadata full_metadata(std::uint32_t antenna) {
  network::rx_metadata md;
  md.gateway_id = "gw1";
  md.gateway_eui = core::eui64::from_hex("0102030405060708");
  md.antenna_index = antenna;
  md.time = at(1'700'000'000, 123'456'789);
  md.timestamp = 4'000'000'000u + antenna;
  md.fine_timestamp = 987'654'321;
  md.rssi = -101.5f;
  md.signal_rssi = -103.25f;
  md.channel_rssi = -101.5f;
  md.rssi_standard_deviation = 1.5f;
  md.snr = -7.75f;
  md.frequency_offset = -1234;
  md.location = network::location{52.5, 13.25, 35, 10, network::location_source::gps};
  md.channel_index = 5;
  md.gps_time = at(1'700'000'001, 1);
  md.received_at = at(1'000, 0);  // the gateway's claim, overwritten
  md.uplink_token = {1, 2, 3};    // the gateway's claim, overwritten
  return md;
}

TEST(ttsv3_uplink, known_bytes_decode_to_the_fields_their_numbers_name) {
  const auto wire = from_hex(small_uplink_hex);
  const auto now = at(1'700'000'100, 5);
  auto up = decode_uplink(bytes_of(wire), gw, now);
  ASSERT_TRUE(up) << up.error().message();
  EXPECT_EQ(*up, as_received(small_uplink(), now));
}

TEST(ttsv3_uplink, encodes_the_known_bytes) {
  EXPECT_EQ(to_hex(encode_uplink(small_uplink())), small_uplink_hex);
}

TEST(ttsv3_uplink, round_trips_every_rx_metadata_field_on_two_antennas) {
  auto up = small_uplink();
  up.settings.enable_crc = true;
  up.settings.time = at(1'700'000'000, 999'999'999);
  up.rx_metadata = {full_metadata(0), full_metadata(1)};
  up.received_at = at(1, 1);
  const auto now = at(1'700'000'100, 42);
  auto decoded = decode_uplink(bytes_of(encode_uplink(up)), gw, now);
  ASSERT_TRUE(decoded) << decoded.error().message();
  EXPECT_EQ(*decoded, as_received(up, now));
  EXPECT_TRUE(decoded->rx_metadata[0].uplink_token.empty());  // the gateway's claim is ignored
}

TEST(ttsv3_uplink, round_trips_fsk_and_lrfhss) {
  for (network::data_rate dr : {network::data_rate{network::fsk_data_rate{50'000}},
                                network::data_rate{network::lrfhss_data_rate{1, 137'000, "2/3"}}}) {
    auto up = small_uplink();
    up.settings.data_rate = dr;
    const auto now = at(1'700'000'000);
    auto decoded = decode_uplink(bytes_of(encode_uplink(up)), gw, now);
    ASSERT_TRUE(decoded) << decoded.error().message();
    EXPECT_EQ(*decoded, as_received(up, now));
  }
}

TEST(ttsv3_uplink, fsk_and_lrfhss_field_numbers) {
  auto fsk =
      pb().bytes(1, "\x40").msg(4, pb().msg(1, pb().msg(2, pb().varint(1, 50'000))).varint(4, 868'800'000));
  auto up = decode_uplink(fsk.span(), gw, at(0));
  ASSERT_TRUE(up) << up.error().message();
  EXPECT_EQ(up->settings.data_rate, (network::data_rate{network::fsk_data_rate{50'000}}));

  auto lrfhss = pb().bytes(1, "\x40").msg(
      4,
      pb().msg(1, pb().msg(3, pb().varint(1, 1).varint(2, 137'000).bytes(3, "1/3"))).varint(4, 868'100'000));
  up = decode_uplink(lrfhss.span(), gw, at(0));
  ASSERT_TRUE(up) << up.error().message();
  EXPECT_EQ(up->settings.data_rate, (network::data_rate{network::lrfhss_data_rate{1, 137'000, "1/3"}}));
}

TEST(ttsv3_uplink, rx_metadata_field_numbers) {
  const auto md =
      pb().msg(1, pb().bytes(1, "gw1").bytes(2, std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8)))
          .varint(2, 0)
          .msg(3, pb().varint(1, 10).varint(2, 20))
          .varint(4, 30)
          .varint(5, 40)
          .bytes(6, "enc")  // encrypted_fine_timestamp: dropped
          .bytes(7, "key")  // encrypted_fine_timestamp_key_id: dropped
          .fixed32(8, -1)
          .fixed32(9, -2)
          .fixed32(10, 3)
          .fixed32(11, 4)
          .sint(12, -5)
          .msg(13, pb().fixed64(1, 1.5).fixed64(2, 2.5).sint(3, -7).varint(4, 8).varint(5, 3))
          .varint(14, 2)     // downlink_path_constraint: ours to decide
          .bytes(15, "tok")  // uplink_token: replaced
          .msg(16, pb().fixed32(1, -6))
          .varint(17, 9)
          .varint(19, 11)  // hopping_width: dropped
          .varint(20, 12)  // frequency_drift: dropped
          .msg(21, pb().varint(1, 13))
          .msg(22, pb().varint(1, 14))
          .msg(23, pb().bytes(1, "relay"))
          .msg(99, pb());
  const auto wire = pb().bytes(1, "\x40").msg(4, lora_settings()).msg(5, md);
  const auto now = at(100);
  auto up = decode_uplink(wire.span(), gw, now);
  ASSERT_TRUE(up) << up.error().message();
  ASSERT_EQ(up->rx_metadata.size(), 1u);
  const auto& m = up->rx_metadata[0];
  EXPECT_EQ(m.gateway_id, "gw1");
  EXPECT_EQ(m.gateway_eui, core::eui64::from_hex("0102030405060708"));
  EXPECT_EQ(m.time, at(10, 20));
  EXPECT_EQ(m.timestamp, 30u);
  EXPECT_EQ(m.fine_timestamp, 40u);
  EXPECT_EQ(m.rssi, -1);
  EXPECT_EQ(m.channel_rssi, -2);
  EXPECT_EQ(m.rssi_standard_deviation, 3);
  EXPECT_EQ(m.snr, 4);
  EXPECT_EQ(m.frequency_offset, -5);
  EXPECT_EQ(m.location, (network::location{1.5, 2.5, -7, 8, network::location_source::registry}));
  EXPECT_EQ(m.signal_rssi, -6);
  EXPECT_EQ(m.channel_index, 9u);
  EXPECT_EQ(m.gps_time, at(13));
  EXPECT_EQ(m.received_at, now);
  EXPECT_TRUE(m.uplink_token.empty());  // the realm stamps its own
}

TEST(ttsv3_uplink, tolerates_fields_it_does_not_use) {
  // payload=2 (a parsed Message), device_channel_index=9, consumed_airtime=10, received_at=6.
  const auto wire = pb().bytes(1, "\x40")
                        .msg(2, pb().msg(1, pb().varint(1, 2)).bytes(2, "mic!").msg(3, pb().bytes(1, "x")))
                        .msg(4, lora_settings())
                        .msg(6, pb().varint(1, 5))
                        .varint(9, 3)
                        .msg(10, pb().varint(2, 1000));
  auto up = decode_uplink(wire.span(), gw, at(7));
  ASSERT_TRUE(up) << up.error().message();
  EXPECT_EQ(up->received_at, at(7));
  EXPECT_TRUE(up->rx_metadata.empty());
}

TEST(ttsv3_uplink, fills_in_a_missing_gateway_id) {
  const auto wire = pb().bytes(1, "\x40").msg(4, lora_settings()).msg(5, pb().varint(4, 77));
  auto up = decode_uplink(wire.span(), gw, at(0));
  ASSERT_TRUE(up) << up.error().message();
  EXPECT_EQ(up->rx_metadata.at(0).gateway_id, gw);
}

void expect_error(const pb& wire, codec_error e, std::string_view gateway = gw) {
  auto up = decode_uplink(wire.span(), gateway, at(0));
  ASSERT_FALSE(up) << "accepted " << to_hex(wire.str());
  EXPECT_EQ(up.error(), make_error_code(e)) << up.error().message();
}

void expect_ok(const pb& wire) {
  auto up = decode_uplink(wire.span(), gw, at(0));
  EXPECT_TRUE(up) << up.error().message() << " for " << to_hex(wire.str());
}

TEST(ttsv3_uplink, refuses_what_is_not_protobuf) {
  for (std::string_view junk :
       {"\xff\xff\xff", "\x0a\x05\x40", "\x0b", "\x0a\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80"}) {
    auto up = decode_uplink(bytes_of(junk), gw, at(0));
    ASSERT_FALSE(up);
    EXPECT_EQ(up.error(), make_error_code(codec_error::not_protobuf));
  }
}

// proto3 strings must be UTF-8; protobuf (and The Things Stack's Go decoder) refuse the whole message.
TEST(ttsv3_uplink, refuses_invalid_utf8_in_strings) {
  expect_error(pb().bytes(1, "\x40").msg(4, lora_settings()).bytes(7, "\xff\xfe"), codec_error::not_protobuf);
  expect_error(pb().bytes(1, "\x40").msg(4, lora_settings()).msg(5, pb().msg(1, pb().bytes(1, "g\xc3"))),
               codec_error::not_protobuf);
  expect_ok(pb().bytes(1, "\x40").msg(4, lora_settings()).bytes(7, "caf\xc3\xa9"));
}

TEST(ttsv3_uplink, requires_settings_with_a_data_rate) {
  expect_error(pb().bytes(1, "\x40"), codec_error::missing_settings);
  expect_error(pb().bytes(1, "\x40").msg(4, pb().varint(4, 868'100'000)), codec_error::missing_data_rate);
  expect_error(pb().bytes(1, "\x40").msg(4, pb().msg(1, pb()).varint(4, 868'100'000)),
               codec_error::missing_data_rate);
  expect_ok(pb().bytes(1, "\x40").msg(4, lora_settings()));
}

TEST(ttsv3_uplink, requires_at_least_100_khz) {
  expect_error(pb().bytes(1, "\x40").msg(4, lora_settings(99'999)), codec_error::frequency_too_low);
  expect_error(pb().bytes(1, "\x40").msg(4, lora_settings(0)), codec_error::frequency_too_low);
  expect_ok(pb().bytes(1, "\x40").msg(4, lora_settings(100'000)));
}

TEST(ttsv3_uplink, requires_a_payload) {
  expect_error(pb().msg(4, lora_settings()), codec_error::empty_payload);
  expect_error(pb().bytes(1, "").msg(4, lora_settings()), codec_error::empty_payload);
}

TEST(ttsv3_uplink, drops_a_failed_crc_only_when_the_gateway_says_so) {
  const auto base = [] { return pb().bytes(1, "\x40").msg(4, lora_settings()); };
  expect_error(base().msg(11, pb()), codec_error::crc_failed);
  expect_error(base().msg(11, pb().varint(1, 0)), codec_error::crc_failed);
  expect_ok(base().msg(11, pb().varint(1, 1)));
  expect_ok(base());
}

TEST(ttsv3_uplink, limits_correlation_ids_to_100_characters) {
  const auto base = [] { return pb().bytes(1, "\x40").msg(4, lora_settings()); };
  expect_ok(base().bytes(7, std::string(100, 'c')));
  expect_error(base().bytes(7, "ok").bytes(7, std::string(101, 'c')), codec_error::invalid_correlation_id);
}

TEST(ttsv3_uplink, refuses_metadata_of_another_gateway) {
  const auto wire = pb().bytes(1, "\x40").msg(4, lora_settings()).msg(5, pb().msg(1, pb().bytes(1, "gw2")));
  expect_error(wire, codec_error::wrong_gateway);
  const auto mixed = pb().bytes(1, "\x40")
                         .msg(4, lora_settings())
                         .msg(5, pb().msg(1, pb().bytes(1, "gw1")))
                         .msg(5, pb().msg(1, pb().bytes(1, "gw2")).varint(2, 1));
  expect_error(mixed, codec_error::wrong_gateway);
}

TEST(ttsv3_uplink, refuses_an_invalid_gateway_eui_or_connection_id) {
  const auto eui7 =
      pb().bytes(1, "\x40").msg(4, lora_settings()).msg(5, pb().msg(1, pb().bytes(2, "1234567")));
  expect_error(eui7, codec_error::invalid_gateway_id);
  const auto ok = pb().bytes(1, "\x40").msg(4, lora_settings());
  expect_error(ok, codec_error::invalid_gateway_id, "GW1");
  expect_error(ok, codec_error::invalid_gateway_id, "");
}

TEST(ttsv3_uplink, allows_at_most_8_antennas) {
  auto wire = pb().bytes(1, "\x40").msg(4, lora_settings());
  for (std::uint32_t i = 0; i < max_antennas; ++i) wire.msg(5, pb().varint(2, i));
  expect_ok(wire);
  wire.msg(5, pb().varint(2, 8));
  expect_error(wire, codec_error::too_many_antennas);
}

TEST(ttsv3_uplink, refuses_timestamps_out_of_range) {
  const auto base = [] { return pb().bytes(1, "\x40"); };
  expect_error(base().msg(4, lora_settings().msg(7, pb().sint(2, -1))), codec_error::invalid_time);
  expect_error(base().msg(4, lora_settings()).msg(5, pb().msg(3, pb().varint(2, 1'000'000'000))),
               codec_error::invalid_time);
  expect_error(base().msg(4, lora_settings()).msg(5, pb().msg(21, pb().varint(1, 10'000'000'000))),
               codec_error::invalid_time);
  expect_error(base().msg(4, lora_settings()).msg(5, pb().msg(3, pb().sint(1, -10'000'000'000))),
               codec_error::invalid_time);
  // Before 1970 is fine, as long as nanoseconds since the epoch hold it.
  expect_ok(base().msg(4, lora_settings()).msg(5, pb().msg(3, pb().sint(1, -9'000'000'000).varint(2, 5))));
}

TEST(ttsv3_uplink, keeps_time_before_the_epoch_exact) {
  auto up = small_uplink();
  up.rx_metadata[0].time = at(-5, 250);  // -4.99999975 s
  auto decoded = decode_uplink(bytes_of(encode_uplink(up)), gw, at(0));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->rx_metadata[0].time, at(-5, 250));
}

TEST(ttsv3_uplink, maps_unknown_location_sources_to_unknown) {
  for (std::uint64_t source : {2u, 10u, 1000u}) {
    const auto wire = pb().bytes(1, "\x40")
                          .msg(4, lora_settings())
                          .msg(5, pb().msg(13, pb().fixed64(1, 1).varint(5, source)));
    auto up = decode_uplink(wire.span(), gw, at(0));
    ASSERT_TRUE(up);
    EXPECT_EQ(up->rx_metadata[0].location->source, network::location_source::unknown);
  }
}

// Not a benchmark harness, but a guard that decoding stays far above the 100,000 uplinks/s target.
TEST(ttsv3_uplink, decode_rate) {
  auto up = small_uplink();
  up.rx_metadata = {full_metadata(0), full_metadata(1)};
  const auto wire = encode_uplink(up);
  const auto now = at(1'700'000'000);
  constexpr int n = 200'000;
  std::size_t ok = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) ok += decode_uplink(bytes_of(wire), gw, now).has_value();
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(ok, static_cast<std::size_t>(n));
  const double rate = n / took.count();
  std::printf("decode_uplink (%zu bytes, 2 antennas): %.0f uplinks/s, %.0f ns each\n", wire.size(), rate,
              1e9 / rate);
  EXPECT_GT(rate, 20'000);  // loose: the box is shared and may run under sanitizers
}

}  // namespace
}  // namespace tether::gateway::ttsv3
