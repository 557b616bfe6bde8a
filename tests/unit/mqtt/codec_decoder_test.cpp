// Decoder vectors for MQTT 3.1 and 3.1.1, named after the spec statement each one checks.
// Many byte sequences follow Mosquitto's conformance data (test/broker/data/*.json).

#include "codec_test_util.hpp"

#include <set>

namespace tether::mqtt::codec::test {
namespace {

using E = codec_error;

template <class T>
T as(const result<packet>& r) {
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message());
  if (!r || !std::holds_alternative<T>(*r)) {
    ADD_FAILURE() << "unexpected packet type";
    return T{};
  }
  return std::get<T>(*r);
}

// ---- Framing [MQTT-2.2.3] ----

frame_result frame_of(std::string_view h, std::size_t max = 1 << 20) { return find_frame(bytes(h), max); }

TEST(FindFrame, EmptyInputIsIncomplete) {
  const auto f = find_frame({}, 100);
  EXPECT_EQ(f.status, frame_status::incomplete);
  EXPECT_FALSE(f.error);
}

TEST(FindFrame, MissingLengthByteIsIncomplete) {
  EXPECT_EQ(frame_of("30").status, frame_status::incomplete);
  EXPECT_EQ(frame_of("30 80").status, frame_status::incomplete);
  EXPECT_EQ(frame_of("30 FF FF FF").status, frame_status::incomplete);
}

TEST(FindFrame, MissingBodyBytesAreIncompleteButLengthIsKnown) {
  const auto f = frame_of("30 05 0001 61");
  EXPECT_EQ(f.status, frame_status::incomplete);
  EXPECT_EQ(f.value.total_size(), 7u);
}

TEST(FindFrame, CompleteFrameLeavesFollowingBytes) {
  const auto f = frame_of("C0 00 E0 00");
  ASSERT_EQ(f.status, frame_status::complete);
  EXPECT_EQ(f.value.first_byte, 0xC0);
  EXPECT_EQ(f.value.header_size, 2u);
  EXPECT_EQ(f.value.body_size, 0u);
}

TEST(FindFrame, TwoByteRemainingLength321_MQTT_2_2_3) {
  std::string h = "30 C1 02";
  for (int i = 0; i < 321; ++i) h += "00";
  const auto f = frame_of(h);
  ASSERT_EQ(f.status, frame_status::complete);
  EXPECT_EQ(f.value.header_size, 3u);
  EXPECT_EQ(f.value.body_size, 321u);
}

TEST(FindFrame, FourByteMaximumRemainingLength_MQTT_2_2_3) {
  const auto f = frame_of("30 FF FF FF 7F", 300'000'000);
  EXPECT_EQ(f.status, frame_status::incomplete);
  EXPECT_EQ(f.value.header_size, 5u);
  EXPECT_EQ(f.value.body_size, 268'435'455u);
}

TEST(FindFrame, FifthLengthByteIsMalformed_MQTT_2_2_3) {
  const auto f = frame_of("10 FF FF FF FF 7F 0004 4D515454 06 00 000A 0001 70");
  EXPECT_EQ(f.status, frame_status::error);
  EXPECT_EQ(f.error, E::malformed_remaining_length);
}

TEST(FindFrame, MalformedLengthIsReportedWithoutWaitingForTheFifthByte_MQTT_2_2_3) {
  const auto f = frame_of("10 80 80 80 80");
  EXPECT_EQ(f.status, frame_status::error);
  EXPECT_EQ(f.error, E::malformed_remaining_length);
}

TEST(FindFrame, OversizePacketIsReportedBeforeItsBodyArrives) {
  const auto f = frame_of("30 FF 7F", 1000);
  EXPECT_EQ(f.status, frame_status::error);
  EXPECT_EQ(f.error, E::packet_too_large);
}

TEST(FindFrame, RemainingLengthEqualToMaximumIsAccepted) {
  EXPECT_EQ(frame_of("C0 00", 0).status, frame_status::complete);
  EXPECT_EQ(frame_of("40 02 0001", 2).status, frame_status::complete);
  EXPECT_EQ(frame_of("40 02 0001", 1).error, E::packet_too_large);
}

TEST(FindFrame, NonMinimalLengthEncodingIsAccepted) {
  const auto f = frame_of("C0 80 00");
  ASSERT_EQ(f.status, frame_status::complete);
  EXPECT_EQ(f.value.header_size, 3u);
  EXPECT_EQ(f.value.body_size, 0u);
}

// ---- Packet types a client may not send [MQTT-2.2.1], [MQTT-4.8.0-1] ----

TEST(Decoder, ReservedPacketType0IsRejected_MQTT_2_2_1) {
  EXPECT_EQ(client_error("00 00"), E::reserved_packet_type);
  EXPECT_EQ(client_error("00 01 00"), E::reserved_packet_type);
  EXPECT_EQ(server_error("00 00"), E::reserved_packet_type);
}

TEST(Decoder, AuthType15IsReservedBeforeMqtt5_MQTT_2_2_1) {
  EXPECT_EQ(client_error("F0 00"), E::reserved_packet_type);
  EXPECT_EQ(client_error("F1 00"), E::reserved_packet_type);
  EXPECT_EQ(server_error("F0 00"), E::reserved_packet_type);
}

TEST(Decoder, ServerOnlyPacketsFromClientAreUnexpected) {
  EXPECT_EQ(client_error("20 02 00 00"), E::unexpected_packet);
  EXPECT_EQ(client_error("29 02 00 01"), E::unexpected_packet);
  EXPECT_EQ(client_error("90 03 0001 00"), E::unexpected_packet);
  EXPECT_EQ(client_error("B0 02 0001"), E::unexpected_packet);
  EXPECT_EQ(client_error("D0 00"), E::unexpected_packet);
}

TEST(Decoder, ClientOnlyPacketsFromServerAreUnexpected) {
  EXPECT_EQ(server_error("10 0D 0004 4D515454 04 02 000A 0001 70"), E::unexpected_packet);
  EXPECT_EQ(server_error("82 06 1234 0001 70 00"), E::unexpected_packet);
  EXPECT_EQ(server_error("A2 05 1234 0001 70"), E::unexpected_packet);
  EXPECT_EQ(server_error("C0 00"), E::unexpected_packet);
  EXPECT_EQ(server_error("E0 00"), E::unexpected_packet);
}

// Moved from "Mqtt5SessionIsNotSupportedYet": MQTT 5 packets now decode (see codec_v5_test.cpp).
TEST(Decoder, Mqtt5SessionDecodesPingreq) { EXPECT_EQ(client_error("C0 00", protocol_version::v5), E::ok); }

// ---- CONNECT [MQTT-3.1] ----

TEST(Decoder, ConnectMinimal311) {
  const auto c = as<connect>(decode_hex("10 0D 0004 4D515454 04 02 000A 0001 70"));
  EXPECT_EQ(c, (connect{v311, "p", true, 10, std::nullopt, std::nullopt, std::nullopt}));
}

TEST(Decoder, ConnectMinimal31WithProtocolNameMQIsdp) {
  const auto c = as<connect>(decode_hex("10 0F 0006 4D5149736470 03 00 000A 0001 70", v311));
  EXPECT_EQ(c, (connect{v31, "p", false, 10, std::nullopt, std::nullopt, std::nullopt}));
}

TEST(Decoder, ConnectIgnoresTheSessionVersionArgument) {
  EXPECT_EQ(as<connect>(decode_hex("10 0D 0004 4D515454 04 02 000A 0001 70", v31)).version, v311);
}

TEST(Decoder, ConnectWithEmptyClientIdDecodes_MQTT_3_1_3_6) {
  EXPECT_EQ(as<connect>(decode_hex("10 0C 0004 4D515454 04 02 000A 0000")).client_id, "");
  // Whether to accept it (CONNACK 2 for 3.1 or without clean session) is the broker's decision.
  EXPECT_EQ(as<connect>(decode_hex("10 0E 0006 4D5149736470 03 02 000A 0000")).client_id, "");
}

TEST(Decoder, ConnectWithWillUsernameAndPassword) {
  const auto c = as<connect>(decode_hex(
      "10 24 0004 4D515454 04 F6 003C 0003 636964 0003 612F62 0003 010002 0004 75736572 0003 700070"));
  const connect expected{v311,
                         "cid",
                         true,
                         60,
                         will_message{"a/b", std::string("\x01\x00\x02", 3), 2, true},
                         "user",
                         std::string("p\0p", 3)};
  EXPECT_EQ(c, expected);
}

TEST(Decoder, ConnectPasswordIsBinaryAndMayHoldZeroBytes_MQTT_3_1_3_5) {
  const auto c = as<connect>(decode_hex("10 17 0004 4D515454 04 C2 000A 0001 70 0001 70 0005 746F700000"));
  EXPECT_EQ(c.password, std::string("top\0\0", 5));
}

TEST(Decoder, ConnectZeroLengthUsernameIsValid) {
  EXPECT_EQ(as<connect>(decode_hex("10 0F 0004 4D515454 04 82 000A 0001 70 0000")).username, "");
}

TEST(Decoder, ConnectReservedFlagsInFixedHeaderAreRejected_MQTT_2_2_2_2) {
  for (const auto* first : {"11", "12", "14", "18"}) {
    EXPECT_EQ(client_error(std::string(first) + " 0D 0004 4D515454 04 02 000A 0001 70"), E::reserved_flags);
  }
}

TEST(Decoder, ConnectUnknownProtocolName_MQTT_3_1_2_1) {
  EXPECT_EQ(client_error("10 0D 0004 4D515455 04 02 000A 0001 70"), E::invalid_protocol_name);
  EXPECT_EQ(client_error("10 0C 0003 4D5154 04 02 000A 0001 70"), E::invalid_protocol_name);
  EXPECT_EQ(client_error("10 09 0000 04 02 000A 0001 70"), E::invalid_protocol_name);
  EXPECT_EQ(client_error("10 0E 0005 4D51545454 04 02 000A 0001 70"), E::invalid_protocol_name);
  EXPECT_EQ(client_error("10 0D 0004 6D717474 04 02 000A 0001 70"), E::invalid_protocol_name);  // "mqtt"
}

TEST(Decoder, ConnectUnsupportedProtocolLevel_MQTT_3_1_2_2) {
  EXPECT_EQ(client_error("10 0D 0004 4D515454 02 00 000A 0001 70"), E::unsupported_protocol_version);
  EXPECT_EQ(client_error("10 0D 0004 4D515454 06 00 000A 0001 70"), E::unsupported_protocol_version);
  EXPECT_EQ(client_error("10 0D 0004 4D515454 03 02 000A 0001 70"), E::unsupported_protocol_version);
  EXPECT_EQ(client_error("10 0F 0006 4D5149736470 02 00 000A 0001 70"), E::unsupported_protocol_version);
  EXPECT_EQ(client_error("10 0F 0006 4D5149736470 04 00 000A 0001 70"), E::unsupported_protocol_version);
  EXPECT_EQ(client_error("10 0F 0006 4D5149736470 06 00 000A 0001 70"), E::unsupported_protocol_version);
}

// Was "ConnectMqtt5IsUnsupportedForNow": level 5 with name "MQTT" is MQTT 5 (see codec_v5_test.cpp).
TEST(Decoder, ConnectMqtt5Decodes) {
  EXPECT_EQ(client_error("10 0E 0004 4D515454 05 02 000A 00 0001 70"), E::ok);
  EXPECT_EQ(client_error("10 0F 0006 4D5149736470 05 00 000A 0001 70"), E::unsupported_protocol_version);
}

TEST(Decoder, ConnectReservedFlagMustBeZero_MQTT_3_1_2_3) {
  EXPECT_EQ(client_error("10 0D 0004 4D515454 04 01 000A 0001 70"), E::invalid_connect_flags);
  EXPECT_EQ(client_error("10 0D 0004 4D515454 04 03 000A 0001 70"), E::invalid_connect_flags);
}

// MQTT 3.1 neither reserves connect-flags bit 0 nor fixes the CONNECT header flags (they are the unused
// DUP/QoS/RETAIN bits); Mosquitto accepts both there (its v3.1 "10 ok" and "14 ok" cases).
TEST(Decoder, Connect31AcceptsReservedConnectFlagAndHeaderFlags) {
  EXPECT_EQ(as<connect>(decode_hex("10 0F 0006 4D5149736470 03 01 000A 0001 70")),
            (connect{v31, "p", false, 10, std::nullopt, std::nullopt, std::nullopt}));
  EXPECT_EQ(as<connect>(decode_hex("14 0F 0006 4D5149736470 03 03 000A 0001 70")),
            (connect{v31, "p", true, 10, std::nullopt, std::nullopt, std::nullopt}));
  EXPECT_EQ(client_error("1F 0F 0006 4D5149736470 03 02 000A 0001 70"), E::ok);
}

TEST(Decoder, Connect31StillChecksWillAndPasswordFlags_MQTT_3_1_2_11_and_22) {
  EXPECT_EQ(client_error("10 0F 0006 4D5149736470 03 0A 000A 0001 70"), E::invalid_connect_flags);
  EXPECT_EQ(client_error("10 12 0006 4D5149736470 03 42 000A 0001 70 0001 70"), E::invalid_connect_flags);
}

TEST(Decoder, ConnectWillQosOrRetainWithoutWillFlag_MQTT_3_1_2_11_and_13_and_15) {
  EXPECT_EQ(client_error("10 0D 0004 4D515454 04 0A 000A 0001 70"), E::invalid_connect_flags);
  EXPECT_EQ(client_error("10 0D 0004 4D515454 04 12 000A 0001 70"), E::invalid_connect_flags);
  EXPECT_EQ(client_error("10 0D 0004 4D515454 04 22 000A 0001 70"), E::invalid_connect_flags);
}

TEST(Decoder, ConnectWillQos3_MQTT_3_1_2_14) {
  EXPECT_EQ(client_error("10 13 0004 4D515454 04 1E 000A 0001 70 0001 70 0001 70"), E::invalid_connect_flags);
}

TEST(Decoder, ConnectPasswordWithoutUsername_MQTT_3_1_2_22) {
  EXPECT_EQ(client_error("10 10 0004 4D515454 04 42 000A 0001 70 0001 70"), E::invalid_connect_flags);
}

TEST(Decoder, ConnectWillFlagWithoutWillFields_MQTT_3_1_2_9) {
  EXPECT_EQ(client_error("10 0D 0004 4D515454 04 06 000A 0001 70"), E::truncated);
  EXPECT_EQ(client_error("10 10 0004 4D515454 04 06 000A 0001 70 0001 70"), E::truncated);
  EXPECT_EQ(client_error("10 13 0004 4D515454 04 06 000A 0001 70 0001 70 0001 70"), E::ok);
}

TEST(Decoder, ConnectUsernameWithoutFlag_MQTT_3_1_2_18) {
  EXPECT_EQ(client_error("10 10 0004 4D515454 04 02 000A 0001 70 0001 70"), E::trailing_bytes);
}

TEST(Decoder, ConnectUsernameFlagWithoutUsername_MQTT_3_1_2_19) {
  EXPECT_EQ(client_error("10 0D 0004 4D515454 04 82 000A 0001 70"), E::truncated);
}

TEST(Decoder, ConnectPasswordWithoutFlag_MQTT_3_1_2_20) {
  EXPECT_EQ(client_error("10 13 0004 4D515454 04 82 000A 0001 70 0001 70 0001 70"), E::trailing_bytes);
}

TEST(Decoder, ConnectPasswordFlagWithoutPassword_MQTT_3_1_2_21) {
  EXPECT_EQ(client_error("10 10 0004 4D515454 04 C2 000A 0001 70 0001 70"), E::truncated);
}

TEST(Decoder, ConnectTruncatedFields_MQTT_3_1_3_3) {
  EXPECT_EQ(client_error("10 0A 0004 4D515454 04 02 000A"), E::truncated);          // no client ID
  EXPECT_EQ(client_error("10 09 0004 4D515454 04 02 00"), E::truncated);            // half a keep alive
  EXPECT_EQ(client_error("10 06 0004 4D515454"), E::truncated);                     // no level
  EXPECT_EQ(client_error("10 0D 0004 4D515454 04 02 000A 0002 70"), E::truncated);  // short client ID
  EXPECT_EQ(client_error("10 00"), E::truncated);
  EXPECT_EQ(client_error("10 03 0004 4D"), E::truncated);
}

TEST(Decoder, ConnectWithUsernameAndPasswordFromNanoMqCwe119Report) {
  const auto c = as<connect>(decode_hex(
      "10 28 0004 4D515454 04 C2 003C 000B 746573742D707974686F6E 0005 61646d696E 0008 70617373776F7264"));
  EXPECT_EQ(c, (connect{v311, "test-python", true, 60, std::nullopt, "admin", "password"}));
}

TEST(Decoder, ConnectClientIdMustBeUtf8WithoutNull_MQTT_1_5_3_1_and_2) {
  EXPECT_EQ(client_error("10 11 0004 4D515454 04 02 000A 0005 746F700000"), E::null_character);
  EXPECT_EQ(client_error("10 11 0004 4D515454 04 02 000A 0005 746FEDA080"), E::invalid_utf8);
  EXPECT_EQ(client_error("10 11 0004 4D515454 04 02 000A 0005 746F700170"), E::invalid_utf8);
  EXPECT_EQ(client_error("10 11 0004 4D515454 04 02 000A 0005 746FC29F70"), E::invalid_utf8);
  EXPECT_EQ(client_error("10 11 0004 4D515454 04 02 000A 0005 746FEDBFBF"), E::invalid_utf8);
}

TEST(Decoder, ConnectWillTopicMustBeValidUtf8TopicName_MQTT_3_1_3_10) {
  EXPECT_EQ(client_error("10 17 0004 4D515454 04 06 000A 0001 70 0005 746F700000 0001 70"),
            E::null_character);
  EXPECT_EQ(client_error("10 17 0004 4D515454 04 06 000A 0001 70 0005 746FEDA080 0001 70"), E::invalid_utf8);
  EXPECT_EQ(client_error("10 17 0004 4D515454 04 06 000A 0001 70 0005 746F701F70 0001 70"), E::invalid_utf8);
  EXPECT_EQ(client_error("10 13 0004 4D515454 04 06 000A 0001 70 0001 23 0001 70"), E::wildcard_in_topic);
  EXPECT_EQ(client_error("10 12 0004 4D515454 04 06 000A 0001 70 0000 0001 70"), E::empty_topic);
}

TEST(Decoder, ConnectWillPayloadIsBinary) {
  const auto c = as<connect>(decode_hex("10 13 0004 4D515454 04 0E 000A 0001 70 0001 70 0001 00"));
  ASSERT_TRUE(c.will.has_value());
  EXPECT_EQ(c.will->payload, std::string(1, '\0'));
  EXPECT_EQ(c.will->qos, 1);
  EXPECT_FALSE(c.will->retain);
}

TEST(Decoder, ConnectUsernameMustBeUtf8_MQTT_3_1_3_11) {
  EXPECT_EQ(client_error("10 14 0004 4D515454 04 82 000A 0001 70 0005 746F700000"), E::null_character);
  EXPECT_EQ(client_error("10 14 0004 4D515454 04 82 000A 0001 70 0005 746FEDA080"), E::invalid_utf8);
  EXPECT_EQ(client_error("10 14 0004 4D515454 04 82 000A 0001 70 0005 746F707F70"), E::invalid_utf8);
}

// ---- PUBLISH [MQTT-3.3] ----

TEST(Decoder, PublishQos0) {
  EXPECT_EQ(as<publish>(decode_hex("30 0E 0005 746F706963 7061796C6F6164")),
            (publish{"topic", "payload", 0, false, false, 0}));
}

TEST(Decoder, PublishRetainWithEmptyPayload_MQTT_3_3_1_10) {
  EXPECT_EQ(as<publish>(decode_hex("31 07 0005 746F706963")), (publish{"topic", "", 0, true, false, 0}));
}

TEST(Decoder, PublishQos1And2WithPacketId) {
  EXPECT_EQ(as<publish>(decode_hex("32 10 0005 746F706963 1234 7061796C6F6164")),
            (publish{"topic", "payload", 1, false, false, 0x1234}));
  EXPECT_EQ(as<publish>(decode_hex("3D 10 0005 746F706963 1234 7061796C6F6164", v31)),
            (publish{"topic", "payload", 2, true, true, 0x1234}));
}

TEST(Decoder, PublishQos3IsMalformed_MQTT_3_3_1_4) {
  EXPECT_EQ(client_error("36 0E 0005 746F706963 7061796C6F6164"), E::invalid_qos);
  EXPECT_EQ(client_error("36 10 0005 746F706963 1234 7061796C6F6164"), E::invalid_qos);
  EXPECT_EQ(server_error("37 10 0005 746F706963 1234 7061796C6F6164"), E::invalid_qos);
}

TEST(Decoder, PublishDupOnQos0_MQTT_3_3_1_2) {
  EXPECT_EQ(client_error("38 0E 0005 746F706963 7061796C6F6164"), E::dup_on_qos0);
}

TEST(Decoder, PublishZeroLengthTopic_MQTT_4_7_3_1) {
  EXPECT_EQ(client_error("30 09 0000 7061796C6F6164"), E::empty_topic);
}

TEST(Decoder, PublishTopicWithWildcard_MQTT_3_3_2_2) {
  EXPECT_EQ(client_error("30 0E 0005 2B6F706963 7061796C6F6164"), E::wildcard_in_topic);
  EXPECT_EQ(client_error("30 0E 0005 236F706963 7061796C6F6164"), E::wildcard_in_topic);
}

TEST(Decoder, PublishPacketIdZero_MQTT_2_3_1_1) {
  EXPECT_EQ(client_error("32 10 0005 746F706963 0000 7061796C6F6164"), E::zero_packet_id);
  EXPECT_EQ(client_error("34 10 0005 746F706963 0000 7061796C6F6164"), E::zero_packet_id);
}

TEST(Decoder, PublishTopicUtf8_MQTT_1_5_3_1_and_2) {
  EXPECT_EQ(client_error("30 0E 0005 746F700000 7061796C6F6164"), E::null_character);
  EXPECT_EQ(client_error("30 0E 0005 746FEDA080 7061796C6F6164"), E::invalid_utf8);
  EXPECT_EQ(client_error("30 0E 0005 746F700170 7061796C6F6164"), E::invalid_utf8);
  EXPECT_EQ(client_error("30 0E 0005 746FEDBFBF 7061796C6F6164"), E::invalid_utf8);
  EXPECT_EQ(client_error("30 0E 0005 746FC0AF70 7061796C6F6164"), E::invalid_utf8);  // overlong '/'
}

TEST(Decoder, PublishTopicWithSupplementaryCharacter_MQTT_1_5_3_Example) {
  EXPECT_EQ(as<publish>(decode_hex("30 0E 0005 41F0AA9B94 7061796C6F6164")).topic, "A\xF0\xAA\x9B\x94");
}

TEST(Decoder, PublishTruncated) {
  EXPECT_EQ(client_error("30 00"), E::truncated);
  EXPECT_EQ(client_error("30 01 00"), E::truncated);
  EXPECT_EQ(client_error("30 03 0005 74"), E::truncated);
  EXPECT_EQ(client_error("32 08 0005 746F706963 12"), E::truncated);  // half a packet id
  EXPECT_EQ(client_error("32 07 0005 746F706963"), E::truncated);     // no packet id
}

TEST(Decoder, PublishPayloadMayBeAnything) {
  EXPECT_EQ(as<publish>(decode_hex("30 06 0001 61 00FFED")).payload, std::string("\x00\xFF\xED", 3));
}

// ---- PUBACK, PUBREC, PUBREL, PUBCOMP [MQTT-3.4..3.7] ----

TEST(Decoder, PublishAcknowledgementsBothDirections) {
  EXPECT_EQ(as<puback>(decode_hex("40 02 0001")), puback{1});
  EXPECT_EQ(as<pubrec>(decode_hex("50 02 1234")), pubrec{0x1234});
  EXPECT_EQ(as<pubrel>(decode_hex("62 02 FFFF")), pubrel{0xFFFF});
  EXPECT_EQ(as<pubcomp>(decode_hex("70 02 0102")), pubcomp{0x0102});
  EXPECT_EQ(as<puback>(decode_from_server("40 02 0001")), puback{1});
  EXPECT_EQ(as<pubrel>(decode_from_server("62 02 0001", v31)), pubrel{1});
}

TEST(Decoder, AcknowledgementReservedFlags_MQTT_2_2_2_2_and_3_6_1_1) {
  for (const auto* h : {"41 02 0001", "42 02 0001", "44 02 0001", "48 02 0001", "51 02 0001", "58 02 0001",
                        "60 02 0001", "63 02 0001", "66 02 0001", "6A 02 0001", "71 02 0001", "78 02 0001"}) {
    EXPECT_EQ(client_error(h), E::reserved_flags) << h;
  }
}

TEST(Decoder, AcknowledgementPacketIdZero_MQTT_2_3_1_1) {
  for (const auto* h : {"40 02 0000", "50 02 0000", "62 02 0000", "70 02 0000"}) {
    EXPECT_EQ(client_error(h), E::zero_packet_id) << h;
  }
  EXPECT_EQ(server_error("B0 02 0000"), E::zero_packet_id);
}

TEST(Decoder, AcknowledgementTooShortOrTooLong) {
  for (const auto* h : {"40 00", "40 01 01", "50 00", "62 01 01", "70 00"}) {
    EXPECT_EQ(client_error(h), E::truncated) << h;
  }
  for (const auto* h : {"40 03 0001 00", "50 03 0001 00", "62 03 0001 00", "70 03 0001 00"}) {
    EXPECT_EQ(client_error(h), E::trailing_bytes) << h;
  }
}

// ---- SUBSCRIBE [MQTT-3.8] ----

TEST(Decoder, SubscribeSingle_MQTT_3_8_4_1) {
  EXPECT_EQ(as<subscribe>(decode_hex("82 06 1234 0001 70 01")), (subscribe{0x1234, {{"p", 1}}}));
}

TEST(Decoder, SubscribeMultiple_MQTT_3_8_4_4) {
  EXPECT_EQ(as<subscribe>(decode_hex("82 0C 1234 0001 70 00 0003 612F2B 02", v31)),
            (subscribe{0x1234, {{"p", 0}, {"a/+", 2}}}));
}

TEST(Decoder, SubscribeFixedHeaderFlags_MQTT_3_8_1_1) {
  for (const auto* h : {"80 06 1234 0001 70 00", "83 06 1234 0001 70 00", "84 06 1234 0001 70 00",
                        "86 06 1234 0001 70 00", "8A 06 1234 0001 70 00"}) {
    EXPECT_EQ(client_error(h), E::reserved_flags) << h;
  }
}

TEST(Decoder, SubscribeRequestedQosAndReservedBits_MQTT_3_8_3_4) {
  for (const auto* qos : {"03", "04", "08", "10", "20", "40", "80", "FF"}) {
    EXPECT_EQ(client_error(std::string("82 06 1234 0001 70 ") + qos), E::invalid_subscription_options) << qos;
  }
}

TEST(Decoder, SubscribeWithoutTopic_MQTT_3_8_3_3) {
  EXPECT_EQ(client_error("82 02 1234"), E::no_subscriptions);
}

TEST(Decoder, SubscribeTruncated) {
  for (const auto* h :
       {"82 05 1234 0001 70", "82 03 1234 00", "82 01 12", "82 00", "82 07 1234 0001 70 00 00"}) {
    EXPECT_EQ(client_error(h), E::truncated) << h;
  }
}

TEST(Decoder, SubscribePacketIdZero_MQTT_2_3_1_1) {
  EXPECT_EQ(client_error("82 06 0000 0001 70 00"), E::zero_packet_id);
}

TEST(Decoder, SubscribeEmptyFilter_MQTT_4_7_3_1) {
  EXPECT_EQ(client_error("82 05 1234 0000 00"), E::empty_topic);
  EXPECT_EQ(client_error("82 04 1234 0000"), E::empty_topic);
  EXPECT_EQ(client_error("82 09 1234 0001 71 00 0000 00"), E::empty_topic);
}

TEST(Decoder, SubscribeInvalidFilter_MQTT_4_7_1_2_and_3) {
  EXPECT_EQ(client_error("82 07 1234 0002 6123 00"), E::invalid_topic_filter);    // "a#"
  EXPECT_EQ(client_error("82 08 1234 0003 232F61 00"), E::invalid_topic_filter);  // "#/a"
  EXPECT_EQ(client_error("82 08 1234 0003 612B62 00"), E::invalid_topic_filter);  // "a+b"
}

TEST(Decoder, SubscribeFilterUtf8_MQTT_1_5_3_1_and_2) {
  EXPECT_EQ(client_error("82 0A 1234 0005 746F700000 00"), E::null_character);
  EXPECT_EQ(client_error("82 0A 1234 0005 746FEDA080 00"), E::invalid_utf8);
  EXPECT_EQ(client_error("82 0A 1234 0005 746F707F70 00"), E::invalid_utf8);
}

TEST(Decoder, SubscribeSharedSubscriptionSyntaxIsAnOrdinaryFilterIn311) {
  const auto s = as<subscribe>(decode_hex("82 1A 0001 0015 2473686172652F73686172656E616D652F74657374 01"));
  EXPECT_EQ(s.subscriptions.at(0).filter, "$share/sharename/test");
}

// ---- UNSUBSCRIBE [MQTT-3.10] ----

TEST(Decoder, UnsubscribeMultiple_MQTT_3_10_4_6) {
  EXPECT_EQ(as<unsubscribe>(decode_hex("A2 08 1234 0001 70 0001 71")), (unsubscribe{0x1234, {"p", "q"}}));
}

TEST(Decoder, UnsubscribeFixedHeaderFlags_MQTT_3_10_1_1) {
  for (const auto* h : {"A0 05 1234 0001 70", "A3 05 1234 0001 70", "A4 05 1234 0001 70",
                        "A6 05 1234 0001 70", "AA 05 1234 0001 70"}) {
    EXPECT_EQ(client_error(h), E::reserved_flags) << h;
  }
}

TEST(Decoder, UnsubscribeWithoutTopic_MQTT_3_10_3_2) {
  EXPECT_EQ(client_error("A2 02 1234"), E::no_subscriptions);
}

TEST(Decoder, UnsubscribeInvalidOrTruncated) {
  EXPECT_EQ(client_error("A2 07 1234 0000 0001 71"), E::empty_topic);
  EXPECT_EQ(client_error("A2 07 1234 0001 71 0000"), E::empty_topic);
  EXPECT_EQ(client_error("A2 04 1234 0001"), E::truncated);
  EXPECT_EQ(client_error("A2 03 1234 01"), E::truncated);
  EXPECT_EQ(client_error("A2 01 12"), E::truncated);
  EXPECT_EQ(client_error("A2 00"), E::truncated);
  EXPECT_EQ(client_error("A2 05 0000 0001 70"), E::zero_packet_id);
  EXPECT_EQ(client_error("A2 09 1234 0005 746FEDA080"), E::invalid_utf8);
  EXPECT_EQ(client_error("A2 06 1234 0002 2361"), E::invalid_topic_filter);
}

// ---- PINGREQ, DISCONNECT [MQTT-3.12], [MQTT-3.14] ----

TEST(Decoder, PingreqAndDisconnect) {
  EXPECT_EQ(as<pingreq>(decode_hex("C0 00")), pingreq{});
  EXPECT_EQ(as<disconnect>(decode_hex("E0 00", v31)), disconnect{});
}

TEST(Decoder, PingreqAndDisconnectWithBody) {
  EXPECT_EQ(client_error("C0 01 00"), E::trailing_bytes);
  EXPECT_EQ(client_error("E0 01 00"), E::trailing_bytes);
}

TEST(Decoder, PingreqAndDisconnectReservedFlags_MQTT_3_14_1_1) {
  for (const auto* h : {"C1 00", "C2 00", "C4 00", "C8 00", "E1 00", "E2 00", "E4 00", "E8 00"}) {
    EXPECT_EQ(client_error(h), E::reserved_flags) << h;
  }
}

// ---- Server to client: CONNACK, SUBACK, UNSUBACK, PINGRESP ----

TEST(ServerDecoder, Connack_MQTT_3_2_2) {
  EXPECT_EQ(as<connack>(decode_from_server("20 02 00 00")), (connack{false, connack_code::accepted}));
  EXPECT_EQ(as<connack>(decode_from_server("20 02 01 00")), (connack{true, connack_code::accepted}));
  EXPECT_EQ(as<connack>(decode_from_server("20 02 00 05")), (connack{false, connack_code::not_authorized}));
}

TEST(ServerDecoder, ConnackReservedAcknowledgeFlags_MQTT_3_2_2_1) {
  for (const auto* caf : {"02", "04", "08", "10", "20", "40", "80"}) {
    EXPECT_EQ(server_error(std::string("20 02 ") + caf + " 00"), E::invalid_connect_flags) << caf;
  }
}

TEST(ServerDecoder, ConnackSessionPresentWithRefusal_MQTT_3_2_2_4) {
  EXPECT_EQ(server_error("20 02 01 02"), E::invalid_connect_flags);
}

TEST(ServerDecoder, Connack31HasNoSessionPresentFlag) {
  EXPECT_EQ(as<connack>(decode_from_server("20 02 01 00", v31)), (connack{false, connack_code::accepted}));
}

TEST(ServerDecoder, ConnackLengthAndFlags) {
  EXPECT_EQ(server_error("20 03 00 00 00"), E::trailing_bytes);
  EXPECT_EQ(server_error("20 01 00"), E::truncated);
  EXPECT_EQ(server_error("20 00"), E::truncated);
  EXPECT_EQ(server_error("21 02 00 00"), E::reserved_flags);
  EXPECT_EQ(server_error("29 02 00 01", v31), E::reserved_flags);
}

TEST(ServerDecoder, Suback_MQTT_3_9_3) {
  EXPECT_EQ(as<suback>(decode_from_server("90 06 0001 00 01 02 80")), (suback{1, {0, 1, 2, suback_failure}}));
}

TEST(ServerDecoder, SubackInvalidReturnCode_MQTT_3_9_3_2) {
  EXPECT_EQ(server_error("90 03 0001 03"), E::invalid_qos);
  EXPECT_EQ(server_error("90 03 0001 81"), E::invalid_qos);
}

TEST(ServerDecoder, SubackMalformed) {
  EXPECT_EQ(server_error("90 02 0001"), E::no_subscriptions);
  EXPECT_EQ(server_error("90 03 0000 00"), E::zero_packet_id);
  EXPECT_EQ(server_error("90 01 01"), E::truncated);
  EXPECT_EQ(server_error("91 03 0001 00"), E::reserved_flags);
}

TEST(ServerDecoder, UnsubackAndPingresp) {
  EXPECT_EQ(as<unsuback>(decode_from_server("B0 02 0001")), unsuback{1});
  EXPECT_EQ(as<pingresp>(decode_from_server("D0 00")), pingresp{});
  EXPECT_EQ(server_error("B0 03 0001 00"), E::trailing_bytes);
  EXPECT_EQ(server_error("B2 02 0001"), E::reserved_flags);
  EXPECT_EQ(server_error("D0 01 00"), E::trailing_bytes);
  EXPECT_EQ(server_error("D1 00"), E::reserved_flags);
}

TEST(ServerDecoder, PublishFromServer) {
  EXPECT_EQ(as<publish>(decode_from_server("33 09 0003 612F62 0007 6869")),
            (publish{"a/b", "hi", 1, true, false, 7}));
  EXPECT_EQ(server_error("30 05 0003 612F23"), E::wildcard_in_topic);
}

// ---- Error category ----

TEST(CodecError, EveryCodeHasItsOwnMessage) {
  std::set<std::string> messages;
  const int last = static_cast<int>(E::unexpected_packet);
  for (int i = 0; i <= last; ++i) {
    const auto message = make_error_code(static_cast<E>(i)).message();
    EXPECT_FALSE(message.empty());
    EXPECT_TRUE(messages.insert(message).second) << "duplicate message " << message;
  }
  EXPECT_STREQ(codec_category().name(), "tether.mqtt.codec");
  EXPECT_FALSE(make_error_code(E::ok));
  const boost::system::error_code ec = E::truncated;
  EXPECT_EQ(ec, E::truncated);
}

}  // namespace
}  // namespace tether::mqtt::codec::test
