// TxAcknowledgment (v3/{gateway}/down/ack): spec §1.8.

#include "gateway/ttsv3/codec.hpp"
#include "ttsv3_test_util.hpp"

#include <gtest/gtest.h>

namespace tether::gateway::ttsv3 {
namespace {

using namespace test;

TEST(ttsv3_tx_ack, round_trips_every_result) {
  for (int r = 0; r <= 8; ++r) {
    network::tx_ack ack;
    ack.gateway_id = "gw1";
    ack.correlation_ids = {"gs:down:token:7", "ns:transmission:01ABC"};
    ack.result = static_cast<network::tx_result>(r);
    auto decoded = decode_tx_ack(bytes_of(encode_tx_ack(ack)), "gw1", at(5));
    ASSERT_TRUE(decoded) << decoded.error().message();
    ack.received_at = at(5);
    EXPECT_EQ(*decoded, ack);
  }
}

TEST(ttsv3_tx_ack, field_numbers) {
  // correlation_ids=1, result=2 (TOO_LATE), downlink_message=3 (ignored: the realm matches the token).
  const auto wire = from_hex(
      "0a0f67733a646f776e3a746f6b656e3a33"
      "1002"
      "1a03 0a0140");
  auto ack = decode_tx_ack(bytes_of(wire), "gw1", at(1));
  ASSERT_TRUE(ack) << ack.error().message();
  EXPECT_EQ(ack->correlation_ids, std::vector<std::string>{"gs:down:token:3"});
  EXPECT_EQ(ack->result, network::tx_result::too_late);
  EXPECT_EQ(ack->downlink_id, 0u);
  EXPECT_EQ(ack->gateway_id, "gw1");
  network::tx_ack sent{"gw1", {"gs:down:token:3"}, network::tx_result::too_late};
  EXPECT_EQ(to_hex(encode_tx_ack(sent)), "0a0f67733a646f776e3a746f6b656e3a331002");
}

TEST(ttsv3_tx_ack, an_empty_ack_is_success) {
  auto ack = decode_tx_ack({}, "gw1", at(1));
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->result, network::tx_result::success);
}

TEST(ttsv3_tx_ack, refuses_undefined_results) {
  for (std::int64_t r : {9LL, 100LL, -1LL}) {
    auto ack = decode_tx_ack(pb().sint(2, r).span(), "gw1", at(1));
    ASSERT_FALSE(ack) << r;
    EXPECT_EQ(ack.error(), make_error_code(codec_error::unknown_tx_result));
  }
}

TEST(ttsv3_tx_ack, refuses_long_correlation_ids_bad_protobuf_and_bad_gateway) {
  EXPECT_TRUE(decode_tx_ack(pb().bytes(1, std::string(100, 'x')).span(), "gw1", at(1)));
  auto ack = decode_tx_ack(pb().bytes(1, std::string(101, 'x')).span(), "gw1", at(1));
  ASSERT_FALSE(ack);
  EXPECT_EQ(ack.error(), make_error_code(codec_error::invalid_correlation_id));
  ack = decode_tx_ack(bytes_of("\x12"), "gw1", at(1));
  ASSERT_FALSE(ack);
  EXPECT_EQ(ack.error(), make_error_code(codec_error::not_protobuf));
  ack = decode_tx_ack({}, "-gw", at(1));
  ASSERT_FALSE(ack);
  EXPECT_EQ(ack.error(), make_error_code(codec_error::invalid_gateway_id));
}

}  // namespace
}  // namespace tether::gateway::ttsv3
