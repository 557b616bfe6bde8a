// The TTN v2 codec against byte-exact vectors built by hand from the field tables of spec/ttn-v2.md
// (§1.1 router, §1.3 lorawan, §1.4/§1.5 gateway, §2.1 types), written the way the real clients write
// them: the C library sends rf_chain = 0, modulation = LORA and frequency_plan = EU_863_870 explicitly;
// the Go marshaller sends zero-length sub-messages. Both must be accepted.

#include "gateway/ttnv2/codec.hpp"
#include "ttsv3_test_util.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace tether::gateway::ttnv2 {
namespace {

using ttsv3::test::at;
using ttsv3::test::bytes_of;
using ttsv3::test::from_hex;
using ttsv3::test::to_hex;

const network::time_point received = at(1'800'000'000);

// payload 40112233440001000 1aabbccdd; lorawan {modulation LORA, "SF7BW125", "4/5", frequency_plan 0};
// gateway {timestamp 1000, time 1700000000123456789 ns, rf_chain 0, channel 2, frequency 868.1 MHz,
// rssi -42.5, snr 9.25, location {52.5, 4.75, 12 m}}.
const std::string uplink_c_library = from_hex(
    "0a0d401122334400010001aabbccdd"
    "5a16 0a14 5800 6208 5346374257313235 7203 342f35 800100"
    "6235 58e807 60959a97ece39fe7cb17 a80100 b00102 f801a0cff89d03 8502 00002ac2 8d02 00001441"
    "ca020c 15 00005242 1d 00009840 200c");

// FSK 50 kbit/s; zero-length `message`, antenna, location (`gps`) and `trace`.
const std::string uplink_fsk_zero_length = from_hex(
    "0a0d401122334400010001aabbccdd 1200 5a08 0a06 5801 68d08603"
    "6212 588092f401 f801e0e9849e03 f20100 ca0200 aa0100");

// Two antennas: 0 {channel 3, rssi -50, snr 7, channel_rssi -48, fine_time 123456789},
// 1 {channel 3, rssi -60, snr -2.5, frequency_offset -1234}.
const std::string uplink_two_antennas = from_hex(
    "0a0d401122334400010001aabbccdd 5a12 0a10 6209 5346313042573132 35 7203 342f35"
    "624c 584d f801e0cabb9d03 8502 000040c2 8d02 0000e040"
    "f20118 0800 1003 1d 000048c2 25 0000e040 2d 000040c2 58959aef3a"
    "f20119 0801 1003 1d 000070c2 25 000020c0 38aef6ffffffffffffff01");

// What mp_pkt_fwd sends (spec §2.6), plus boot time, FPGA/DSP versions and a debug message.
const std::string status_mp_pkt_fwd = from_hex(
    "108080a8b1e39fe7cb17 208080a4b3bcc185ba17 5a09 3139322e302e322e37 620a 494d5354202b20527069"
    "6a0f 6f7073406578616d706c652e6f7267 7204 726f6f66 7a0a 45555f3836335f383730 900101 980102"
    "a20105 352e312e30 aa010c 15 00005142 1d 00009040 2014 f8012a c8020a d00209 d80203 e00202"
    "9a0311 0d 0000003f ad01 00002042 fd01 00004e42 a20305 68656c6c6f");

TEST(ttnv2_codec, uplink_from_the_c_library) {
  auto up = decode_uplink(bytes_of(uplink_c_library), "gw1", received);
  ASSERT_TRUE(up) << up.error().message();
  EXPECT_EQ(to_hex({reinterpret_cast<const char*>(up->raw_payload.data()), up->raw_payload.size()}),
            "401122334400010001aabbccdd");
  EXPECT_EQ(up->settings.data_rate, network::data_rate(network::lora_data_rate{125'000, 7, "4/5"}));
  EXPECT_EQ(up->settings.frequency, 868'100'000u);
  EXPECT_EQ(up->settings.timestamp, 1000u);
  EXPECT_EQ(up->settings.time, at(1'700'000'000, 123'456'789));
  EXPECT_EQ(up->received_at, received);
  ASSERT_EQ(up->rx_metadata.size(), 1u);
  const auto& md = up->rx_metadata[0];
  EXPECT_EQ(md.gateway_id, "gw1");
  EXPECT_EQ(md.antenna_index, 0u);
  EXPECT_EQ(md.timestamp, 1000u);
  EXPECT_EQ(md.time, at(1'700'000'000, 123'456'789));
  EXPECT_EQ(md.channel_index, 2u);
  EXPECT_EQ(md.rssi, -42.5f);
  EXPECT_EQ(md.channel_rssi, -42.5f);
  EXPECT_EQ(md.snr, 9.25f);
  ASSERT_TRUE(md.location);
  EXPECT_EQ(md.location->latitude, 52.5);
  EXPECT_EQ(md.location->longitude, 4.75);
  EXPECT_EQ(md.location->altitude, 12);
  EXPECT_EQ(md.received_at, received);
  EXPECT_TRUE(md.uplink_token.empty());  // the realm stamps it
}

TEST(ttnv2_codec, zero_length_sub_messages_and_fsk_are_accepted) {
  auto up = decode_uplink(bytes_of(uplink_fsk_zero_length), "gw1", received);
  ASSERT_TRUE(up) << up.error().message();
  EXPECT_EQ(up->settings.data_rate, network::data_rate(network::fsk_data_rate{50'000}));
  EXPECT_EQ(up->settings.frequency, 868'300'000u);
  EXPECT_FALSE(up->settings.time);        // time 0: not set
  ASSERT_EQ(up->rx_metadata.size(), 1u);  // the one zero-length antenna
  EXPECT_EQ(up->rx_metadata[0].antenna_index, 0u);
  EXPECT_EQ(up->rx_metadata[0].timestamp, 4'000'000u);
  EXPECT_FALSE(up->rx_metadata[0].location);  // a zero location is no location
}

TEST(ttnv2_codec, every_antenna_becomes_rx_metadata) {
  auto up = decode_uplink(bytes_of(uplink_two_antennas), "gw1", received);
  ASSERT_TRUE(up) << up.error().message();
  EXPECT_EQ(up->settings.data_rate, network::data_rate(network::lora_data_rate{125'000, 10, "4/5"}));
  ASSERT_EQ(up->rx_metadata.size(), 2u);
  const auto& a = up->rx_metadata[0];
  const auto& b = up->rx_metadata[1];
  EXPECT_EQ(a.antenna_index, 0u);
  EXPECT_EQ(a.channel_index, 3u);
  EXPECT_EQ(a.rssi, -50.0f);
  EXPECT_EQ(a.channel_rssi, -48.0f);
  EXPECT_EQ(a.snr, 7.0f);
  EXPECT_EQ(a.fine_timestamp, 123'456'789u);
  EXPECT_EQ(a.timestamp, 77u);
  EXPECT_EQ(b.antenna_index, 1u);
  EXPECT_EQ(b.rssi, -60.0f);
  EXPECT_EQ(b.channel_rssi, -60.0f);  // not reported: the RSSI
  EXPECT_EQ(b.snr, -2.5f);
  EXPECT_EQ(b.frequency_offset, -1234);
  EXPECT_EQ(b.gateway_id, "gw1");
}

TEST(ttnv2_codec, the_timestamp_is_the_full_32_bit_counter) {
  auto msg = ttsv3::test::pb()
                 .bytes(1, "\x40\x01\x02\x03\x04\x00\x00\x00\x01")
                 .msg(11, ttsv3::test::pb().msg(1, ttsv3::test::pb().bytes(12, "SF12BW125")))
                 .msg(12, ttsv3::test::pb().varint(11, 0xffff'fff0u).varint(31, 868'500'000));
  auto up = decode_uplink(msg.span(), "gw1", received);
  ASSERT_TRUE(up) << up.error().message();
  EXPECT_EQ(up->rx_metadata[0].timestamp, 0xffff'fff0u);
  EXPECT_EQ(up->settings.data_rate, network::data_rate(network::lora_data_rate{125'000, 12, ""}));
}

TEST(ttnv2_codec, invalid_uplinks_are_refused_with_a_reason) {
  using ttsv3::test::pb;
  const auto phy = std::string("\x40\x01\x02\x03\x04\x00\x00\x00\x01", 9);
  auto with = [&](const pb& lorawan, std::uint64_t frequency = 868'100'000) {
    return pb().bytes(1, phy).msg(11, pb().msg(1, lorawan)).msg(12, pb().varint(31, frequency));
  };
  auto code = [](const pb& m) {
    auto up = decode_uplink(m.span(), "gw1", received);
    return up ? codec_error::ok : static_cast<codec_error>(up.error().value());
  };
  EXPECT_EQ(code(with(pb().bytes(12, "SF7BW125"))), codec_error::ok);
  EXPECT_EQ(code(with(pb().bytes(12, "SF7BW125"), 99'999)), codec_error::frequency_too_low);
  EXPECT_EQ(code(with(pb().bytes(12, "SF7"))), codec_error::invalid_data_rate);
  EXPECT_EQ(code(with(pb().bytes(12, "SF13BW125"))), codec_error::invalid_data_rate);
  EXPECT_EQ(code(with(pb().bytes(12, "SF7BW125x"))), codec_error::invalid_data_rate);
  EXPECT_EQ(code(with(pb().varint(11, 1))), codec_error::missing_bit_rate);
  EXPECT_EQ(code(with(pb().varint(11, 7))), codec_error::unknown_modulation);
  EXPECT_EQ(code(pb().bytes(1, phy).msg(11, pb()).msg(12, pb().varint(31, 868'100'000))),
            codec_error::missing_lorawan_metadata);
  EXPECT_EQ(code(pb().msg(11, pb().msg(1, pb().bytes(12, "SF7BW125")))), codec_error::empty_payload);
  EXPECT_EQ(decode_uplink(bytes_of("\xff\xff\xff\xff not a protobuf"), "gw1", received).error(),
            codec_error::not_protobuf);
  pb many = pb().varint(31, 868'100'000);
  for (int i = 0; i < 9; ++i) many.msg(30, pb().varint(1, static_cast<std::uint64_t>(i)));
  EXPECT_EQ(code(pb().bytes(1, phy).msg(11, pb().msg(1, pb().bytes(12, "SF7BW125"))).msg(12, many)),
            codec_error::too_many_antennas);
  EXPECT_EQ(code(pb().bytes(1, phy)
                     .msg(11, pb().msg(1, pb().bytes(12, "SF7BW125")))
                     .msg(12, pb().varint(31, 868'100'000).sint(12, -5))),
            codec_error::invalid_time);
  EXPECT_FALSE(decode_uplink(bytes_of(uplink_c_library), "Not An ID", received));
}

TEST(ttnv2_codec, status_keeps_versions_counters_and_os_metrics) {
  auto s = decode_status(bytes_of(status_mp_pkt_fwd), "gw1", received);
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(s->gateway_id, "gw1");
  EXPECT_EQ(s->time, at(1'700'000'000));
  EXPECT_EQ(s->boot_time, at(1'690'000'000));
  EXPECT_EQ(s->ips, std::vector<std::string>{"192.0.2.7"});
  const std::map<std::string, std::string> versions = {{"platform", "IMST + Rpi"},
                                                       {"contact_email", "ops@example.org"},
                                                       {"description", "roof"},
                                                       {"frequency_plan", "EU_863_870"},
                                                       {"fpga", "1"},
                                                       {"dsp", "2"},
                                                       {"hal", "5.1.0"}};
  EXPECT_EQ(s->versions, versions);
  const std::map<std::string, float> metrics = {
      {"rxin", 10},     {"rxok", 9},   {"txin", 3},    {"txok", 2},           {"rtt_ms", 42},
      {"load_1", 0.5f}, {"load_5", 0}, {"load_15", 0}, {"cpu_percentage", 0}, {"memory_percentage", 40},
      {"temp", 51.5f}};
  EXPECT_EQ(s->metrics, metrics);
  ASSERT_EQ(s->antenna_locations.size(), 1u);
  EXPECT_EQ(s->antenna_locations[0].latitude, 52.25);
  EXPECT_EQ(s->antenna_locations[0].altitude, 20);
  EXPECT_EQ(s->received_at, received);
}

TEST(ttnv2_codec, an_empty_status_is_a_status) {
  auto s = decode_status({}, "gw1", received);
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_FALSE(s->time);
  EXPECT_TRUE(s->versions.empty());
  EXPECT_EQ(s->metrics.size(), 4u);  // rxin, rxok, txin, txok at 0
  // A zero-length `os` is present: its metrics are shown at 0; "-" clears a static string.
  auto os = decode_status(bytes_of(from_hex("9a0300 62012d")), "gw1", received);
  ASSERT_TRUE(os) << os.error().message();
  EXPECT_EQ(os->metrics.size(), 10u);
  EXPECT_FALSE(os->versions.contains("platform"));
}

TEST(ttnv2_codec, status_over_the_limits_is_refused) {
  using ttsv3::test::pb;
  EXPECT_FALSE(decode_status(pb().bytes(11, "not-an-ip").span(), "gw1", received));
  EXPECT_FALSE(decode_status(pb().bytes(12, std::string(129, 'x')).span(), "gw1", received));
  EXPECT_FALSE(decode_status(bytes_of(from_hex("ffff")), "gw1", received));
}

TEST(ttnv2_codec, downlink_is_byte_exact) {
  network::downlink_tx tx;
  tx.id = 9;
  tx.gateway_id = "gw1";
  tx.raw_payload = {0x60, 0x04, 0x03, 0x02, 0x01, 0x00, 0x01, 0x00, 0x01, 0xaa, 0xbb, 0xcc, 0xdd, 0xee};
  tx.scheduled.data_rate = network::lora_data_rate{125'000, 9, "4/5"};
  tx.scheduled.frequency = 869'525'000;
  tx.scheduled.timestamp = 5'000'000;
  tx.scheduled.tx_power = 16;  // EIRP: the gateway is told 14 dBm
  tx.scheduled.invert_polarization = true;
  tx.correlation_ids = {"ns:downlink:9"};  // v2 has nowhere to carry them
  // payload; protocol_configuration {lorawan {"SF9BW125", "4/5"}}; gateway_configuration {timestamp,
  // frequency 22, power 23, polarization_inversion 31}. LORA and rf_chain 0 are defaults: not written.
  EXPECT_EQ(to_hex(encode_downlink(tx)),
            "0a0e600403020100010001aabbccddee"
            "5a110a0f620853463942573132357203342f35"
            "621258c096b102b00188cccf9e03b8010ef80101");
  auto back = decode_downlink(bytes_of(encode_downlink(tx)));
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(back->raw_payload, tx.raw_payload);
  EXPECT_EQ(back->scheduled.data_rate, tx.scheduled.data_rate);
  EXPECT_EQ(back->scheduled.frequency, tx.scheduled.frequency);
  EXPECT_EQ(back->scheduled.timestamp, tx.scheduled.timestamp);
  EXPECT_EQ(back->scheduled.tx_power, 16);
  EXPECT_TRUE(back->scheduled.invert_polarization);
}

TEST(ttnv2_codec, fsk_downlink_carries_bit_rate_and_deviation) {
  network::downlink_tx tx;
  tx.raw_payload = {0x60, 1, 2, 3, 4, 0, 0, 0, 0, 1, 2, 3, 4};
  tx.scheduled.data_rate = network::fsk_data_rate{50'000};
  tx.scheduled.frequency = 868'800'000;
  tx.scheduled.timestamp = 1;
  const auto wire = encode_downlink(tx);
  // lorawan {modulation FSK (58 01), bit_rate 50000 (68 d08603)}; frequency_deviation 25000 (80 02 a8c301).
  EXPECT_NE(to_hex(wire).find("580168d08603"), std::string::npos);
  EXPECT_NE(to_hex(wire).find("8002a8c301"), std::string::npos);
  auto back = decode_downlink(bytes_of(wire));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->scheduled.data_rate, tx.scheduled.data_rate);
}

TEST(ttnv2_codec, uplinks_survive_a_round_trip) {
  for (const auto* vector : {&uplink_c_library, &uplink_fsk_zero_length, &uplink_two_antennas}) {
    auto up = decode_uplink(bytes_of(*vector), "gw1", received);
    ASSERT_TRUE(up);
    auto again = decode_uplink(bytes_of(encode_uplink(*up)), "gw1", received);
    ASSERT_TRUE(again) << again.error().message();
    EXPECT_EQ(*again, *up);
  }
  auto s = decode_status(bytes_of(status_mp_pkt_fwd), "gw1", received);
  ASSERT_TRUE(s);
  auto again = decode_status(bytes_of(encode_status(*s)), "gw1", received);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *s);
}

TEST(ttnv2_codec, data_rate_strings) {
  EXPECT_EQ(parse_data_rate("SF7BW125"), (network::lora_data_rate{125'000, 7, ""}));
  EXPECT_EQ(parse_data_rate("SF12BW500"), (network::lora_data_rate{500'000, 12, ""}));
  EXPECT_FALSE(parse_data_rate("SF7BW126"));
  EXPECT_FALSE(parse_data_rate("sf7bw125"));
  EXPECT_FALSE(parse_data_rate(""));
  EXPECT_EQ(format_data_rate({250'000, 7, "4/5"}), "SF7BW250");
}

TEST(ttnv2_codec, session_messages_must_name_the_connection) {
  // ConnectMessage {id 1 "gw1", key 3 "NNSXS.K"}
  const auto connect = from_hex("0a03677731 1a074e4e5358532e4b");
  EXPECT_EQ(encode_session_message({"gw1", "NNSXS.K"}), connect);
  EXPECT_FALSE(check_session_message("connect", bytes_of(connect), "gw1", "NNSXS.K"));
  EXPECT_FALSE(check_session_message("disconnect", bytes_of(connect), "gw1", "NNSXS.K"));
  EXPECT_FALSE(check_session_message("connect", bytes_of(from_hex("0a03475731 1a074e4e5358532e4b")), "gw1",
                                     "NNSXS.K"));  // "GW1": compared lower-cased, as the bridge does
  EXPECT_EQ(check_session_message("connect", bytes_of(connect), "gw2", "NNSXS.K"),
            codec_error::other_gateway);
  EXPECT_EQ(check_session_message("connect", bytes_of(connect), "gw1", "NNSXS.L"), codec_error::wrong_key);
  EXPECT_EQ(check_session_message("connect", {}, "gw1", "NNSXS.K"), codec_error::other_gateway);
  EXPECT_EQ(check_session_message("connect", bytes_of(from_hex("ff")), "gw1", "k"),
            codec_error::not_protobuf);
  EXPECT_EQ(check_session_message("gw1/up", bytes_of(connect), "gw1", "NNSXS.K"),
            codec_error::not_a_session_topic);
}

}  // namespace
}  // namespace tether::gateway::ttnv2
