// MAC commands in uplinks: LinkCheckReq answered (margin, gateway count) into the pending answers, the
// others recorded; and the MAC state blob round trip.

#include "network/mac_commands.hpp"
#include "lorawan/frame/parse.hpp"
#include "lorawan/mac/mac_codec.hpp"
#include "network/mac_state.hpp"
#include "network_fixture.hpp"

namespace tether::network::test {
namespace {

constexpr std::uint32_t addr = 0x26015555;

class mac_uplink : public network_test {
 protected:
  void SetUp() override {
    network_test::SetUp();
    create(abp_device("dev1", addr, 0x11, 0x22));
    start();
  }
  mac_state stored_mac() {
    for (const auto& s : persistence_->load_all()) {
      if (s.device_id == "dev1") return decode_mac_state(s.mac_state);
    }
    ADD_FAILURE() << "no stored session";
    return {};
  }
};

TEST_F(mac_uplink, LinkCheckReqInFOptsIsAnsweredWithMarginAndGatewayCount) {
  // LinkCheckReq (0x02) in FOpts next to application data; SF9: floor -12.5 dB, best SNR 3.2 dB.
  auto frame = data_up(addr, key_of(0x11), key_of(0x22), 0, 1, text("x"), false, {0x02});
  feed(frame, {{"gw1", 3.2f, -100}, {"gw2", -4.0f, -115}}, 9);
  run();
  ASSERT_EQ(events_.uplinks.size(), 1u);
  EXPECT_EQ(stat(counter::mac_answers_queued), 1u);
  // The answer went out at once in the Class A downlink's FOpts (and left the pending list).
  ASSERT_EQ(downlinks_.sent.size(), 1u);
  auto down = lorawan::parse_data_frame(downlinks_.sent[0].raw_payload);
  ASSERT_TRUE(down);
  auto answers = lorawan::mac::decode_downlink(down->header.f_opts).commands;
  ASSERT_FALSE(answers.empty());
  const auto* ans = std::get_if<lorawan::mac::link_check_ans>(&answers[0]);
  ASSERT_NE(ans, nullptr);
  EXPECT_EQ(ans->margin, 15);  // floor(3.2 + 12.5)
  EXPECT_EQ(ans->gw_cnt, 2);
  EXPECT_TRUE(stored_mac().pending_answers.empty());
}

TEST_F(mac_uplink, CommandsOnPortZeroAreDecryptedWithNwkSKeyAndNotDeliveredToTheApplication) {
  // LinkCheckReq + LinkADRAns(all ack) + DevStatusAns(battery 200, margin 5) on FPort 0.
  auto frame = data_up(addr, key_of(0x11), key_of(0x22), 0, 0, {0x02, 0x03, 0x07, 0x06, 200, 5});
  feed_and_run(frame);
  EXPECT_TRUE(events_.uplinks.empty());
  const auto mac = stored_mac();
  EXPECT_TRUE(mac.pending_answers.empty());  // LinkCheckAns went out in the downlink
  EXPECT_EQ(downlinks_.sent.size(), 1u);
  // The LinkADRAns settles ADR (nothing was asked: it changes nothing); DevStatusAns is kept.
  ASSERT_EQ(mac.received.size(), 1u);
  EXPECT_EQ(mac.adr, adr_state{});
  const auto* status = std::get_if<lorawan::mac::dev_status_ans>(&mac.received[0]);
  ASSERT_NE(status, nullptr);
  EXPECT_EQ(status->battery, 200);
  EXPECT_EQ(status->margin, 5);
}

TEST(mac_state_blob, RoundTrips) {
  mac_state s;
  s.rx1_delay = 5;
  s.rx1_dr_offset = 2;
  s.rx2_data_rate = 3;
  s.rx2_frequency = 869'525'000;
  queue_answer(s, lorawan::mac::link_check_ans{10, 3});
  queue_answer(s, lorawan::mac::device_time_ans{1'300'000'000, 128});
  record_received(s, lorawan::mac::link_adr_ans{true, true, false});
  const auto back = decode_mac_state(encode_mac_state(s));
  EXPECT_EQ(back.rx1_delay, 5);
  EXPECT_EQ(back.rx1_dr_offset, 2);
  EXPECT_EQ(back.rx2_data_rate, 3);
  EXPECT_EQ(back.rx2_frequency, 869'525'000u);
  EXPECT_EQ(back.pending_answers, s.pending_answers);
  EXPECT_EQ(back.received, s.received);
  EXPECT_EQ(decode_mac_state({}).rx1_delay, 1);  // no blob: defaults
}

TEST(mac_state_blob, NewerAnswerOfTheSameKindReplacesTheOlder) {
  mac_state s;
  queue_answer(s, lorawan::mac::link_check_ans{1, 1});
  queue_answer(s, lorawan::mac::link_check_ans{9, 2});
  ASSERT_EQ(s.pending_answers.size(), 1u);
  EXPECT_EQ(std::get<lorawan::mac::link_check_ans>(s.pending_answers[0]).margin, 9);
}

TEST(link_check, MarginIsNeverNegative) {
  gateway_uplink up;
  up.settings.data_rate = lora_data_rate{125'000, 7, "4/5"};
  rx_metadata m;
  m.gateway_id = "gw";
  m.snr = -15;
  up.rx_metadata = {m, m};  // two antennas of one gateway count once
  const auto ans = link_check_answer(up);
  EXPECT_EQ(ans.margin, 0);
  EXPECT_EQ(ans.gw_cnt, 1);
}

}  // namespace
}  // namespace tether::network::test
