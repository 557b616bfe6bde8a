// What applications send on topic_down (spec/everynet.md B2): downlink_response, downlink_claim, the
// lenient payloads of the Data API's own examples, and every kind of bad message.

#include "application/connector/data_api_parse.hpp"

#include <gtest/gtest.h>

namespace tether::application::connector {
namespace {

downlink_response response_ok(std::string_view text) {
  auto r = parse_downstream(text);
  EXPECT_TRUE(r.has_value()) << text << ": " << (r ? "" : r.error().reason);
  if (!r || !std::holds_alternative<downlink_response>(*r)) return {};
  return std::get<downlink_response>(*r);
}

downstream_error error_of(std::string_view text) {
  auto r = parse_downstream(text);
  EXPECT_FALSE(r.has_value()) << text;
  return r ? downstream_error{} : r.error();
}

TEST(DataApiParse, DownlinkResponseWithEveryParam) {
  const auto r = response_ok(R"({"type":"downlink_response",
    "meta":{"network":"000013","packet_hash":"9B5360ACABA492686BE6560B9A112903","device":"0004A30B001C0530",
            "time":1700000000.25,"gateway":"0102030405060708","unknown":1},
    "params":{"port":5,"payload":"AQID","confirmed":true,"pending":true,"counter_down":9,"queue_if_late":true}})");
  EXPECT_EQ(r.meta.packet_hash, "9b5360acaba492686be6560b9a112903");
  EXPECT_EQ(r.meta.device, "0004a30b001c0530");
  EXPECT_EQ(r.meta.time, 1700000000.25);
  EXPECT_EQ(r.port, 5);
  EXPECT_EQ(r.payload, (network::bytes{1, 2, 3}));
  EXPECT_TRUE(r.confirmed);
  EXPECT_TRUE(r.pending);
  EXPECT_TRUE(r.queue_if_late);
  EXPECT_EQ(r.counter_down, 9u);
}

TEST(DataApiParse, Defaults) {
  const auto r = response_ok(R"({"type":"downlink_response","meta":{"packet_hash":"ab"}})");
  EXPECT_EQ(r.port, 1);
  EXPECT_FALSE(r.payload);
  EXPECT_FALSE(r.confirmed);
  EXPECT_FALSE(r.queue_if_late);
}

TEST(DataApiParse, PayloadsAreBase64ElseHex) {
  EXPECT_EQ(decode_payload("AQID"), (network::bytes{1, 2, 3}));
  EXPECT_EQ(decode_payload("yv4="), (network::bytes{0xca, 0xfe}));
  EXPECT_EQ(decode_payload("-_8="), (network::bytes{0xfb, 0xff}));  // URL-safe alphabet
  // The Data API's own example: not padded base64, but hex.
  EXPECT_EQ(decode_payload("220de733f4"), (network::bytes{0x22, 0x0d, 0xe7, 0x33, 0xf4}));
  EXPECT_EQ(decode_payload("CAFE"), (network::bytes{0x08, 0x01, 0x44}));  // valid base64 wins
  EXPECT_EQ(decode_payload(""), network::bytes{});
  EXPECT_FALSE(decode_payload("a0f1hh"));  // neither (another of the examples)
  EXPECT_FALSE(decode_payload("ab c"));
  EXPECT_FALSE(decode_payload("abc"));
}

TEST(DataApiParse, DownlinkClaimAndOthers) {
  auto claim =
      parse_downstream(R"({"type":"downlink_claim","meta":{"device":"0004a30b001c0530","gateway":""}})");
  ASSERT_TRUE(claim && std::holds_alternative<downlink_claim>(*claim));
  EXPECT_EQ(std::get<downlink_claim>(*claim).meta.device, "0004a30b001c0530");
  auto status = parse_downstream(R"({"type":"status","meta":{"device":"0004a30b001c0530"}})");
  ASSERT_TRUE(status && std::holds_alternative<status_request>(*status));
  auto join = parse_downstream(R"({"type":"join_response","meta":{},"params":{}})");
  ASSERT_TRUE(join && std::holds_alternative<join_response>(*join));
}

TEST(DataApiParse, BadMessagesAreRefusedWithTheReason) {
  EXPECT_EQ(error_of("not json").code, "invalid_json");
  EXPECT_EQ(error_of("").code, "invalid_json");
  EXPECT_EQ(error_of("[1,2]").code, "invalid_message");
  EXPECT_EQ(error_of(R"({"meta":{}})").code, "invalid_message");
  EXPECT_EQ(error_of(R"({"type":7})").code, "invalid_message");
  EXPECT_EQ(error_of(R"({"type":"uplink"})").code, "unknown_type");
  EXPECT_EQ(error_of(R"({"type":"downlink_response","meta":{}})").code, "invalid_message");
  EXPECT_EQ(error_of(R"({"type":"downlink_response","meta":[]})").code, "invalid_message");
  EXPECT_EQ(error_of(R"({"type":"downlink_response","meta":{"packet_hash":5}})").code, "invalid_message");
  EXPECT_EQ(error_of(R"({"type":"downlink_claim","meta":{}})").code, "invalid_message");
  EXPECT_EQ(error_of(R"({"type":"downlink_claim","meta":{"device":"xyz"}})").code, "invalid_message");
  const auto bad_payload =
      error_of(R"({"type":"downlink_response","meta":{"packet_hash":"ab"},"params":{"payload":"a0f1hh"}})");
  EXPECT_EQ(bad_payload.code, "invalid_payload");
  EXPECT_EQ(bad_payload.meta.packet_hash, "ab");  // the answer can name the packet
  EXPECT_NE(bad_payload.reason.find("neither base64 nor hex"), std::string::npos);
  EXPECT_EQ(error_of(R"({"type":"downlink_response","meta":{"packet_hash":"ab"},"params":{"port":0}})").code,
            "invalid_port");
  EXPECT_EQ(
      error_of(R"({"type":"downlink_response","meta":{"packet_hash":"ab"},"params":{"port":224}})").code,
      "invalid_port");
  EXPECT_EQ(
      error_of(R"({"type":"downlink_response","meta":{"packet_hash":"ab"},"params":{"confirmed":1}})").code,
      "invalid_message");
  EXPECT_EQ(error_of(R"({"type":"downlink_response","meta":{"packet_hash":"ab"},"params":[]})").code,
            "invalid_message");
  EXPECT_EQ(
      error_of(R"({"type":"downlink_response","meta":{"packet_hash":"ab"},"params":{"counter_down":-1}})")
          .code,
      "invalid_message");
  const std::string big = R"({"type":"downlink_response","meta":{"packet_hash":"ab"},"params":{"payload":")" +
                          std::string(1000, 'a') + "\"}}";
  EXPECT_EQ(error_of(big).code, "invalid_payload");
}

}  // namespace
}  // namespace tether::application::connector
