// GatewayDown (v3/{gateway}/down): spec §1.5.

#include "gateway/ttsv3/codec.hpp"
#include "ttsv3_test_util.hpp"

#include <gtest/gtest.h>

namespace tether::gateway::ttsv3 {
namespace {

using namespace test;

constexpr std::string_view class_a_down_hex =
    "0a3c"                                 // downlink_message=1 (60 bytes)
    "0a0560aabbccdd"                       //   raw_payload=1
    "2a22"                                 //   scheduled=5 (34 bytes)
    "0a0d0a0b08c8d00710091a03342f35"       //     data_rate=1 { lora=1 { 125000, SF9, "4/5" } }
    "2088cccf9e03"                         //     frequency=4: 869525000
    "3080897a"                             //     timestamp=6: 2000000
    "4207"                                 //     downlink=8 {
    "1500006041"                           //       tx_power=2: 14.0f
    "1801"                                 //       invert_polarization=3: true }
    "320f67733a646f776e3a746f6b656e3a31";  //   correlation_ids=6: "gs:down:token:1"

network::downlink_tx class_a_down() {
  network::downlink_tx tx;
  tx.id = 17;  // not on the wire: the realm matches acks by correlation ID
  tx.gateway_id = "gw1";
  tx.uplink_token = {1, 2, 3};
  tx.raw_payload = {0x60, 0xaa, 0xbb, 0xcc, 0xdd};
  tx.scheduled.data_rate = network::lora_data_rate{125'000, 9, "4/5"};
  tx.scheduled.frequency = 869'525'000;
  tx.scheduled.timestamp = 2'000'000;
  tx.scheduled.tx_power = 14;
  tx.scheduled.invert_polarization = true;
  tx.correlation_ids = {"gs:down:token:1"};
  return tx;
}

// What a gateway gets from the wire: the routing fields stay behind in the server.
network::downlink_tx on_the_wire(network::downlink_tx tx) {
  tx.id = 0;
  tx.gateway_id.clear();
  tx.uplink_token.clear();
  return tx;
}

TEST(ttsv3_downlink, encodes_the_known_bytes) {
  EXPECT_EQ(to_hex(encode_gateway_down(class_a_down())), class_a_down_hex);
}

TEST(ttsv3_downlink, known_bytes_decode) {
  const auto wire = from_hex(class_a_down_hex);
  auto tx = decode_gateway_down(bytes_of(wire));
  ASSERT_TRUE(tx) << tx.error().message();
  EXPECT_EQ(*tx, on_the_wire(class_a_down()));
}

TEST(ttsv3_downlink, round_trips_absolute_time_antennas_and_modulations) {
  auto tx = class_a_down();
  tx.scheduled.timestamp = 0;
  tx.scheduled.time = at(1'700'000'000, 500'000'000);
  tx.scheduled.antenna_index = 2;
  tx.scheduled.tx_power = 27.5f;
  tx.scheduled.invert_polarization = false;
  for (network::data_rate dr : {network::data_rate{network::lora_data_rate{500'000, 12, "4/8"}},
                                network::data_rate{network::fsk_data_rate{50'000}},
                                network::data_rate{network::lrfhss_data_rate{1, 1'523'000, "1/3"}}}) {
    tx.scheduled.data_rate = dr;
    auto decoded = decode_gateway_down(bytes_of(encode_gateway_down(tx)));
    ASSERT_TRUE(decoded) << decoded.error().message();
    EXPECT_EQ(*decoded, on_the_wire(tx));
  }
}

TEST(ttsv3_downlink, downlink_settings_field_numbers) {
  const auto wire = pb().msg(
      1,
      pb().bytes(1, "\x60")
          .msg(5,
               lora_settings().msg(7, pb().varint(1, 3)).msg(8, pb().varint(1, 1).fixed32(2, 2).varint(3, 1)))
          .bytes(6, "a")
          .bytes(7, "session-key-id"));
  auto tx = decode_gateway_down(wire.span());
  ASSERT_TRUE(tx) << tx.error().message();
  EXPECT_EQ(tx->scheduled.time, at(3));
  EXPECT_EQ(tx->scheduled.antenna_index, 1u);
  EXPECT_EQ(tx->scheduled.tx_power, 2);
  EXPECT_TRUE(tx->scheduled.invert_polarization);
  EXPECT_EQ(tx->correlation_ids, std::vector<std::string>{"a"});
}

void expect_error(const pb& wire, codec_error e) {
  auto tx = decode_gateway_down(wire.span());
  ASSERT_FALSE(tx) << "accepted " << to_hex(wire.str());
  EXPECT_EQ(tx.error(), make_error_code(e)) << tx.error().message();
}

TEST(ttsv3_downlink, refuses_what_a_gateway_cannot_transmit) {
  expect_error(pb().bytes(1, "\x01"), codec_error::not_protobuf);  // truncated
  expect_error(pb(), codec_error::missing_downlink);
  expect_error(pb().msg(1, pb().msg(5, lora_settings())), codec_error::empty_payload);
  expect_error(pb().msg(1, pb().bytes(1, "\x60")), codec_error::missing_settings);
  // A TxRequest (request=4) is for the gateway server to schedule.
  expect_error(pb().msg(1, pb().bytes(1, "\x60").msg(4, pb().varint(1, 2))), codec_error::missing_settings);
  expect_error(pb().msg(1, pb().bytes(1, "\x60").msg(5, pb().varint(4, 869'525'000))),
               codec_error::missing_data_rate);
  expect_error(pb().msg(1, pb().bytes(1, "\x60").msg(5, lora_settings(99'999))),
               codec_error::frequency_too_low);
  expect_error(pb().msg(1, pb().bytes(1, "\x60").msg(5, lora_settings()).bytes(6, std::string(101, 'c'))),
               codec_error::invalid_correlation_id);
  expect_error(
      pb().msg(1, pb().bytes(1, "\x60").msg(5, lora_settings().msg(7, pb().varint(2, 2'000'000'000)))),
      codec_error::invalid_time);
}

}  // namespace
}  // namespace tether::gateway::ttsv3
