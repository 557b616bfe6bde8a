// Encoder vectors: encode(struct) == bytes, and the bytes decode back to the same struct.

#include "codec_test_util.hpp"

namespace tether::mqtt::codec::test {
namespace {

// Encodes `p`, compares with `expected_hex`, then decodes the bytes in the direction given.
void expect_wire(const packet& p, std::string_view expected_hex, protocol_version v = v311,
                 side from = side::client) {
  EXPECT_EQ(encode_hex(p, v), hex(expected_hex));
  const auto back = decode_hex(expected_hex, v, from);
  ASSERT_TRUE(back.has_value()) << back.error().message();
  EXPECT_TRUE(*back == p) << "round trip differs for " << expected_hex;
}

TEST(Encoder, ConnectMinimal311_MQTT_3_1_2_1) {
  expect_wire(connect{v311, "p", true, 10, std::nullopt, std::nullopt, std::nullopt},
              "10 0D 0004 4D515454 04 02 000A 0001 70");
}

TEST(Encoder, ConnectMinimal31UsesMQIsdpLevel3) {
  expect_wire(connect{v31, "p", false, 10, std::nullopt, std::nullopt, std::nullopt},
              "10 0F 0006 4D5149736470 03 00 000A 0001 70", v31);
}

TEST(Encoder, ConnectWithWillUsernameAndPassword_MQTT_3_1_3_1) {
  const connect c{v311,
                  "cid",
                  true,
                  60,
                  will_message{"a/b", std::string("\x01\x00\x02", 3), 2, true},
                  "user",
                  std::string("p\0p", 3)};
  expect_wire(c,
              "10 24 0004 4D515454 04 F6 003C 0003 636964 0003 612F62 0003 010002 0004 75736572 0003 700070");
}

TEST(Encoder, ConnectWillQos1WithoutRetainAndUsernameOnly) {
  const connect c{v311, "", false, 0, will_message{"w", "", 1, false}, "", std::nullopt};
  expect_wire(c, "10 13 0004 4D515454 04 8C 0000 0000 0001 77 0000 0000");
}

TEST(Encoder, Connack_MQTT_3_2_2) {
  expect_wire(connack{false, connack_code::accepted}, "20 02 00 00", v311, side::server);
  expect_wire(connack{true, connack_code::accepted}, "20 02 01 00", v311, side::server);
  expect_wire(connack{false, connack_code::bad_username_or_password}, "20 02 00 04", v311, side::server);
}

TEST(Encoder, Connack31NeverSetsSessionPresent) {
  EXPECT_EQ(encode_hex(connack{true, connack_code::accepted}, v31), "20020000");
  expect_wire(connack{false, connack_code::identifier_rejected}, "20 02 00 02", v31, side::server);
}

TEST(Encoder, PublishQos0_MQTT_3_3_1) {
  expect_wire(publish{"topic", "payload", 0, false, false, 0}, "30 0E 0005 746F706963 7061796C6F6164");
}

TEST(Encoder, PublishFlagsAndPacketId_MQTT_3_3_1_1_and_3_3_1_3) {
  expect_wire(publish{"topic", "payload", 1, false, false, 0x1234},
              "32 10 0005 746F706963 1234 7061796C6F6164");
  expect_wire(publish{"topic", "payload", 2, true, true, 0x1234},
              "3D 10 0005 746F706963 1234 7061796C6F6164");
  expect_wire(publish{"topic", "", 0, true, false, 0}, "31 07 0005 746F706963");
}

TEST(Encoder, PublishQos0OmitsThePacketId_MQTT_2_3_1_5) {
  EXPECT_EQ(encode_hex(publish{"t", "x", 0, false, false, 99}),
            "3004000174"
            "78");
}

TEST(Encoder, EncodePublishAppendsAfterExistingBytes) {
  std::string out = "prefix";
  encode_publish("a/b", "hi", 1, false, false, 7, v311, out);
  EXPECT_EQ(out.substr(0, 6), "prefix");
  EXPECT_EQ(core::to_hex(out.substr(6)), hex("32 09 0003 612F62 0007 6869"));
}

TEST(Encoder, EncodePublishMatchesEncodeOfPublishStruct) {
  std::string direct;
  encode_publish("x/y", "data", 2, true, true, 42, v311, direct);
  std::string via;
  encode(publish{"x/y", "data", 2, true, true, 42}, v311, via);
  EXPECT_EQ(direct, via);
}

TEST(Encoder, RemainingLengthBoundaries_MQTT_2_2_3) {
  // Body sizes 127/128, 16383/16384, 2097151/2097152 switch from 1 to 2, 3 and 4 length bytes.
  const std::pair<std::size_t, std::string> cases[] = {
      {127, "7f"},        {128, "8001"},         {16'383, "ff7f"},
      {16'384, "808001"}, {2'097'151, "ffff7f"}, {2'097'152, "80808001"},
  };
  for (const auto& [body, length_hex] : cases) {
    const std::string payload(body - 3, 'x');  // 2-byte topic length + 1-byte topic
    std::string out;
    encode_publish("t", payload, 0, false, false, 0, v311, out);
    EXPECT_EQ(out.size(), publish_wire_size(1, payload.size(), 0)) << body;
    EXPECT_EQ(core::to_hex(out.substr(1, length_hex.size() / 2)), length_hex) << body;
    const auto f =
        find_frame(std::span(reinterpret_cast<const std::uint8_t*>(out.data()), out.size()), 1u << 28);
    ASSERT_EQ(f.status, frame_status::complete);
    EXPECT_EQ(f.value.body_size, body);
  }
}

TEST(Encoder, PublishWireSize) {
  EXPECT_EQ(publish_wire_size(5, 7, 0), 16u);
  EXPECT_EQ(publish_wire_size(5, 7, 1), 18u);
  EXPECT_EQ(publish_wire_size(1, 200, 2), 1u + 2u + 205u);
}

TEST(Encoder, PublishAcknowledgements_MQTT_3_4_to_3_7) {
  expect_wire(puback{1}, "40 02 0001");
  expect_wire(pubrec{0x1234}, "50 02 1234");
  expect_wire(pubrel{0xFFFF}, "62 02 FFFF");  // [MQTT-3.6.1-1]
  expect_wire(pubcomp{0x0102}, "70 02 0102");
  expect_wire(puback{2}, "40 02 0002", v31, side::server);
}

TEST(Encoder, Subscribe_MQTT_3_8_1_1) {
  expect_wire(subscribe{0x1234, {{"p", 0}, {"a/+", 2}}}, "82 0C 1234 0001 70 00 0003 612F2B 02");
  expect_wire(subscribe{1, {{"#", 1}}}, "82 06 0001 0001 23 01", v31);
}

TEST(Encoder, Suback_MQTT_3_9_3) {
  expect_wire(suback{1, {0, 1, 2, suback_failure}}, "90 06 0001 00 01 02 80", v311, side::server);
}

TEST(Encoder, Unsubscribe_MQTT_3_10_1_1) {
  expect_wire(unsubscribe{0x1234, {"p", "q"}}, "A2 08 1234 0001 70 0001 71");
}

TEST(Encoder, Unsuback_MQTT_3_11) { expect_wire(unsuback{0x1234}, "B0 02 1234", v311, side::server); }

TEST(Encoder, EmptyPackets_MQTT_3_12_to_3_14) {
  expect_wire(pingreq{}, "C0 00");
  expect_wire(pingresp{}, "D0 00", v311, side::server);
  expect_wire(disconnect{}, "E0 00", v31);
}

TEST(Encoder, EncodeAppendsSeveralPackets) {
  std::string out;
  encode(pingreq{}, v311, out);
  encode(puback{5}, v311, out);
  EXPECT_EQ(core::to_hex(out), "c00040020005");
}

TEST(Encoder, LongStringFieldUsesTwoByteLength_MQTT_1_5_3) {
  const std::string topic(300, 'a');
  std::string out;
  encode_publish(topic, "", 0, false, false, 0, v311, out);
  EXPECT_EQ(core::to_hex(out.substr(0, 5)), "30ae02012c");
}

}  // namespace
}  // namespace tether::mqtt::codec::test
