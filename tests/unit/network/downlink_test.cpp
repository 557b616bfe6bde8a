// Scenarios for the downlink path (issue #8): queue, Class A windows, Class C, TxAcks, confirmed
// downlinks, duty cycle. Each feeds uplinks and pushes as gateways and applications would and checks
// what went to the gateway (decoded with the session keys) and which down/* events left.

#include "downlink_fixture.hpp"
#include "lorawan/mac/mac_codec.hpp"

namespace tether::network::test {
namespace {

TEST_F(downlinks, ClassARx1Eu868AtUplinkTimePlusRxDelayOnTheUplinkChannel) {
  add_device();
  start();
  push({item("hi")});
  ASSERT_EQ(outcomes(), std::vector{o::queued});
  EXPECT_EQ(events_.downlinks[0].downlink.correlation_ids, std::vector<std::string>{"as:downlink:hi"});
  uplink(0, false, false, 9, 868'300'000);
  ASSERT_EQ(downlinks_.sent.size(), 1u);
  const auto& tx = downlinks_.sent[0];
  EXPECT_EQ(tx.gateway_id, "gw1");
  EXPECT_EQ(tx.uplink_token, text("token-gw1"));
  EXPECT_EQ(tx.scheduled.timestamp, 1'000'000u + 1'000'000u);  // ABP: RECEIVE_DELAY1 = 1 s
  EXPECT_EQ(tx.scheduled.frequency, 868'300'000u);
  EXPECT_EQ(tx.scheduled.data_rate, (data_rate{lora_data_rate{125'000, 9, "4/5"}}));
  EXPECT_TRUE(tx.scheduled.invert_polarization);
  auto d = decode(tx);
  EXPECT_EQ(d.frame.type, lorawan::mtype::unconfirmed_data_down);
  EXPECT_EQ(d.frame.f_port, 2);
  EXPECT_EQ(d.payload, text("hi"));
  EXPECT_EQ(d.frame.header.f_cnt, 0);
  EXPECT_FALSE(d.frame.header.f_ctrl.f_pending);
  // The device's RX1 delay differs from the network's (5 s): RXTimingSetupReq rides along.
  EXPECT_EQ(d.frame.header.f_opts, (bytes{0x08, 0x05}));
  EXPECT_NE(std::find(tx.correlation_ids.begin(), tx.correlation_ids.end(), "as:downlink:hi"),
            tx.correlation_ids.end());
  ack(tx);
  ASSERT_EQ(outcomes(), (std::vector{o::queued, o::sent}));
  EXPECT_EQ(events_.downlinks[1].downlink.correlation_ids, std::vector<std::string>{"as:downlink:hi"});
}

TEST_F(downlinks, ClassARx1Us915OnDownlinkChannelModEightAt500kHz) {
  add_device(registry::device_class::a, "US_902_928_FSB_2");
  start();
  push({item("hi")});
  uplink(0, false, false, 10, 904'100'000);  // channel 9, DR0
  ASSERT_EQ(downlinks_.sent.size(), 1u);
  const auto& tx = downlinks_.sent[0];
  EXPECT_EQ(tx.scheduled.timestamp, 2'000'000u);
  EXPECT_EQ(tx.scheduled.frequency, 923'900'000u);  // 923.3 + 0.6 * (9 mod 8)
  EXPECT_EQ(tx.scheduled.data_rate, (data_rate{lora_data_rate{500'000, 10, "4/5"}}));  // DR10
  EXPECT_EQ(decode(tx).payload, text("hi"));
}

TEST_F(downlinks, Rx2WhenTheGatewayRefusesRx1) {
  add_device();
  start();
  push({item("hi")});
  downlinks_.refuse_first_n = 1;
  uplink(0);
  ASSERT_EQ(downlinks_.offered.size(), 2u);
  ASSERT_EQ(downlinks_.sent.size(), 1u);
  const auto& tx = downlinks_.sent[0];
  EXPECT_EQ(tx.scheduled.timestamp, 3'000'000u);  // RX1 delay + 1 s
  EXPECT_EQ(tx.scheduled.frequency, 869'525'000u);
  EXPECT_EQ(tx.scheduled.data_rate, (data_rate{lora_data_rate{125'000, 12, "4/5"}}));
  EXPECT_EQ(stat(counter::downlink_refused), 1u);
}

TEST_F(downlinks, Rx2WhenRx1IsTooLateAndNothingWhenBothAre) {
  add_device();
  start();
  push({item("hi")});
  uplink(0, false, false, 7, 868'100'000, std::chrono::milliseconds(900));  // RX1 in 100 ms: too late
  ASSERT_EQ(downlinks_.sent.size(), 1u);
  EXPECT_EQ(downlinks_.sent[0].scheduled.frequency, 869'525'000u);
  EXPECT_EQ(stat(counter::downlink_too_late), 1u);
  ack(downlinks_.sent[0]);
  push({item("late")});
  uplink(1, false, false, 7, 868'100'000, std::chrono::milliseconds(1900));
  EXPECT_EQ(downlinks_.sent.size(), 1u);
  EXPECT_EQ(stat(counter::downlink_not_scheduled), 1u);
  uplink(2);  // it waited for the next uplink
  ASSERT_EQ(downlinks_.sent.size(), 2u);
  EXPECT_EQ(decode(downlinks_.sent[1]).payload, text("late"));
}

TEST_F(downlinks, WhenTheBestGatewayIsBusyTheNextOneTransmits) {
  add_device();
  start();
  push({item("one")});
  uplink_with(0, {.timestamp = 1'000'000, .also_heard_by = {{"gw2", 0.0f}}});
  ASSERT_EQ(downlinks_.sent.size(), 1u);
  EXPECT_EQ(downlinks_.sent[0].gateway_id, "gw1");  // the better SNR
  ack(downlinks_.sent[0]);
  // A second frame whose RX1 falls on the same instant (as another device's would): gw1's transmitter
  // is booked then, gw2's is free.
  push({item("two")});
  uplink_with(1, {.timestamp = 1'000'000, .also_heard_by = {{"gw2", 0.0f}}});
  ASSERT_EQ(downlinks_.sent.size(), 2u);
  EXPECT_EQ(downlinks_.sent[1].gateway_id, "gw2");
  EXPECT_EQ(downlinks_.sent[1].uplink_token, text("token-gw2"));
  EXPECT_EQ(downlinks_.sent[1].scheduled.timestamp, 2'000'000u);  // still RX1
  EXPECT_EQ(stat(counter::downlink_gateway_busy), 1u);
}

TEST_F(downlinks, JoinAcceptOnJoinAcceptDelay1) {
  auto d = otaa_device("otaa1", 0x0004A30B001C0530, 0x33);
  create(d);
  start();
  feed_and_run(join_req(d, 1));
  ASSERT_EQ(downlinks_.sent.size(), 1u);
  EXPECT_EQ(downlinks_.sent[0].scheduled.timestamp, 1'000'000u + 5'000'000u);
  EXPECT_EQ(downlinks_.sent[0].scheduled.frequency, 868'100'000u);
}

TEST_F(downlinks, PrioritiesOrderTheQueueAndFPendingTellsMore) {
  add_device();
  start();
  push({item("low"), item("high", downlink_priority::highest), item("normal", downlink_priority::normal)});
  ASSERT_EQ(outcomes(), (std::vector{o::queued, o::queued, o::queued}));
  std::vector<bytes> order;
  for (std::uint32_t f = 0; f < 3; ++f) {
    uplink(f);
    ASSERT_EQ(downlinks_.sent.size(), f + 1);
    auto d = decode(downlinks_.sent.back());
    order.push_back(d.payload);
    EXPECT_EQ(d.frame.header.f_ctrl.f_pending, f < 2);
    EXPECT_EQ(d.frame.header.f_cnt, f);
    ack(downlinks_.sent.back());
  }
  EXPECT_EQ(order, (std::vector{text("high"), text("normal"), text("low")}));
}

TEST_F(downlinks, ReplaceWithAnEmptyListClearsTheQueue) {
  add_device();
  start();
  push({item("a"), item("b")});
  push({}, true);
  uplink(0);
  EXPECT_TRUE(downlinks_.sent.empty());
  push({item("c")}, true);
  uplink(1);
  ASSERT_EQ(downlinks_.sent.size(), 1u);
  EXPECT_EQ(decode(downlinks_.sent[0]).payload, text("c"));
}

TEST_F(downlinks, TooLargePayloadFailsAndOthersOfTheRequestAreQueued) {
  add_device();
  start();
  push({item(std::string(243, 'x')), item("ok")});
  ASSERT_EQ(outcomes(), (std::vector{o::failed, o::queued}));
  ASSERT_TRUE(events_.downlinks[0].error);
  EXPECT_EQ(events_.downlinks[0].error->name, "application_downlink_too_long");
  EXPECT_EQ(events_.downlinks[0].downlink.correlation_ids.size(), 1u);
}

TEST_F(downlinks, PayloadTooLargeForTheDevicesWindowsFailsAndTheRestStillGoes) {
  add_device();
  start();
  push({item(std::string(100, 'x')), item("small")});  // 100 bytes: fine for EU868 DR3+, not DR0
  ASSERT_EQ(outcomes(), (std::vector{o::queued, o::queued}));
  uplink(0, false, false, 12);  // DR0: RX1 DR0 and RX2 DR0 take at most 51 bytes
  ASSERT_EQ(outcomes().size(), 3u);
  EXPECT_EQ(events_.downlinks[2].outcome, o::failed);
  ASSERT_TRUE(events_.downlinks[2].error);
  EXPECT_EQ(events_.downlinks[2].error->name, "payload_too_large");
  EXPECT_EQ(events_.downlinks[2].downlink.frm_payload.size(), 100u);
  ASSERT_EQ(downlinks_.sent.size(), 1u);
  EXPECT_EQ(decode(downlinks_.sent[0]).payload, text("small"));
}

// A TTN v2 gateway cannot read a packet over 511 bytes: its frontend refuses such a frame for good.
TEST_F(downlinks, AFrameTheOnlyGatewayRefusesFailsWithItsReasonAndTheRestStillGoes) {
  add_device();
  downlinks_.max_frame["gw1"] = 40;  // PHYPayload bytes
  start();
  push({item(std::string(60, 'x'))});
  uplink(0, true);  // confirmed: the ACK must go too
  // gw1 refused RX1's frame with the item; RX2 (DR0 cannot carry 60 bytes) takes the ACK alone, and the
  // item fails with the gateway's reason rather than wait to be refused again.
  ASSERT_EQ(outcomes(), (std::vector{o::queued, o::failed}));
  const auto& failed = events_.downlinks[1];
  EXPECT_EQ(failed.downlink.frm_payload.size(), 60u);
  ASSERT_TRUE(failed.error);
  EXPECT_EQ(failed.error->name, "gateway_packet_too_large");
  EXPECT_EQ(failed.error->message, "larger than gw1 reads");
  EXPECT_EQ(stat(counter::downlink_refused_frame), 1u);
  ASSERT_EQ(downlinks_.sent.size(), 1u);
  EXPECT_TRUE(decode(downlinks_.sent[0]).frame.header.f_ctrl.ack);
  EXPECT_FALSE(decode(downlinks_.sent[0]).frame.f_port);
  EXPECT_EQ(downlinks_.sent[0].scheduled.timestamp, downlinks_.offered[0].scheduled.timestamp + 1'000'000u);
  ack(downlinks_.sent[0]);
  push({item("small")});
  uplink(1);
  ASSERT_EQ(downlinks_.sent.size(), 2u);
  EXPECT_EQ(decode(downlinks_.sent[1]).payload, text("small"));
  ack(downlinks_.sent[1]);
  EXPECT_EQ(outcomes(), (std::vector{o::queued, o::failed, o::queued, o::sent}));
}

TEST_F(downlinks, WhenEveryWindowRefusesTheItemTheWindowsAreTriedAgainWithTheNext) {
  add_device();
  downlinks_.max_frame["gw1"] = 40;
  start();
  push({item(std::string(30, 'x'), downlink_priority::high), item("small")});
  uplink(0, false, false, 12);  // DR0 in RX1 and RX2: both carry x (51 bytes), and gw1 refuses both
  EXPECT_EQ(stat(counter::downlink_refused_frame), 2u);
  ASSERT_EQ(outcomes(), (std::vector{o::queued, o::queued, o::failed}));
  EXPECT_EQ(events_.downlinks[2].error->name, "gateway_packet_too_large");
  ASSERT_EQ(downlinks_.sent.size(), 1u);
  EXPECT_EQ(decode(downlinks_.sent[0]).payload, text("small"));
  EXPECT_EQ(downlinks_.sent[0].scheduled.timestamp, downlinks_.offered[0].scheduled.timestamp);  // RX1
}

TEST_F(downlinks, AFrameOneGatewayRefusesGoesThroughAnother) {
  add_device();
  downlinks_.max_frame["gw1"] = 40;
  start();
  push({item(std::string(60, 'x'))});
  uplink_with(0, {.also_heard_by = {{"gw2", 0.0f}}});  // gw1 heard it better, but refuses the frame
  ASSERT_EQ(downlinks_.sent.size(), 1u);
  EXPECT_EQ(downlinks_.sent[0].gateway_id, "gw2");
  EXPECT_EQ(downlinks_.sent[0].scheduled.timestamp, downlinks_.offered[0].scheduled.timestamp);  // RX1 still
  ack(downlinks_.sent[0]);
  EXPECT_EQ(outcomes(), (std::vector{o::queued, o::sent}));
}

TEST_F(downlinks, AClassCFrameTheGatewayRefusesFailsAndTheNextItemGoes) {
  add_device(registry::device_class::c);
  start();
  uplink(0);
  downlinks_.max_frame["gw1"] = 40;
  push({item(std::string(45, 'x')), item("next")});  // both fit RX2 (DR0: 51 bytes)
  ASSERT_EQ(downlinks_.sent.size(), 1u);
  EXPECT_EQ(decode(downlinks_.sent[0]).payload, text("next"));
  ASSERT_EQ(outcomes().size(), 3u);
  EXPECT_EQ(events_.downlinks[2].outcome, o::failed);
  EXPECT_EQ(events_.downlinks[2].error->name, "gateway_packet_too_large");
}

TEST_F(downlinks, NoSessionOrUnknownDeviceFails) {
  create(otaa_device("otaa1", 0x0004A30B001C0530, 0x33));
  start();
  server_->push_downlinks({"app1", "otaa1", false, {item("hi")}});
  server_->push_downlinks({"app1", "nobody", false, {item("hi")}});
  run();
  ASSERT_EQ(events_.downlinks.size(), 2u);
  std::vector<std::string> names{events_.downlinks[0].error->name, events_.downlinks[1].error->name};
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"unknown_device", "unknown_session"}));
}

TEST_F(downlinks, ConfirmedUplinkIsAckedEvenWithAnEmptyQueue) {
  add_device();
  start();
  uplink(0, true);
  ASSERT_EQ(downlinks_.sent.size(), 1u);
  auto d = decode(downlinks_.sent[0]);
  EXPECT_TRUE(d.frame.header.f_ctrl.ack);
  EXPECT_FALSE(d.frame.f_port);
  EXPECT_TRUE(events_.downlinks.empty());
  uplink(1);  // unconfirmed, nothing queued: no downlink
  EXPECT_EQ(downlinks_.sent.size(), 1u);
}

TEST_F(downlinks, ConfirmedDownlinkAckedByTheNextUplink) {
  add_device();
  start();
  push({item("c", downlink_priority::lowest, true)});
  uplink(0);
  ASSERT_EQ(downlinks_.sent.size(), 1u);
  EXPECT_EQ(decode(downlinks_.sent[0]).frame.type, lorawan::mtype::confirmed_data_down);
  ack(downlinks_.sent[0]);
  uplink(1, false, true);
  ASSERT_EQ(outcomes(), (std::vector{o::queued, o::sent, o::ack}));
  EXPECT_EQ(events_.downlinks[2].downlink.correlation_ids, std::vector<std::string>{"as:downlink:c"});
  uplink(2);
  EXPECT_EQ(downlinks_.sent.size(), 1u);  // gone from the queue
}

TEST_F(downlinks, ConfirmedDownlinkNackedIsSentAgainThenGivenUp) {
  add_device();
  start();
  push({item("c", downlink_priority::lowest, true)});
  std::uint32_t f = 0;
  uplink(f++);
  ack(downlinks_.sent.back());
  uplink(f++);  // no ACK: nack, and sent again in this uplink's window
  ASSERT_EQ(outcomes(), (std::vector{o::queued, o::sent, o::nack}));
  ASSERT_EQ(downlinks_.sent.size(), 2u);
  EXPECT_EQ(decode(downlinks_.sent[1]).payload, text("c"));
  EXPECT_EQ(decode(downlinks_.sent[1]).frame.header.f_cnt, 1);  // a new counter
  for (int i = 0; i < 10; ++i) {
    ack(downlinks_.sent.back());
    uplink(f++);
  }
  EXPECT_EQ(events_.downlinks.back().outcome, o::failed);
  EXPECT_EQ(events_.downlinks.back().error->name, "max_retries_reached");
  const auto all = outcomes();
  EXPECT_EQ(std::count(all.begin(), all.end(), o::nack), 8);
}

TEST_F(downlinks, TxAckErrorFailsWithTransmissionAndRetriesInTheNextWindow) {
  add_device();
  start();
  push({item("hi")});
  uplink(0);
  ack(downlinks_.sent[0], tx_result::too_late);
  ASSERT_EQ(outcomes(), (std::vector{o::queued, o::failed}));
  EXPECT_EQ(events_.downlinks[1].error->name, "transmission");
  EXPECT_NE(events_.downlinks[1].error->message.find("too_late"), std::string::npos);
  uplink(1);
  ASSERT_EQ(downlinks_.sent.size(), 2u);
  EXPECT_EQ(decode(downlinks_.sent[1]).payload, text("hi"));
  // Matched by correlation ID alone.
  tx_ack a;
  a.gateway_id = "gw1";
  a.correlation_ids = {"ns:downlink:" + std::to_string(downlinks_.sent[1].id)};
  a.result = tx_result::tx_freq;
  server_->handle_tx_ack(a);
  run();
  EXPECT_EQ(events_.downlinks.back().outcome, o::failed);
  uplink(2);
  EXPECT_EQ(downlinks_.sent.size(), 2u);  // a frequency error is not retried
}

TEST_F(downlinks, ClassCSendsAtOnceOnRx2ThroughTheLastGateway) {
  add_device(registry::device_class::c);
  start();
  push({item("early")});
  EXPECT_TRUE(downlinks_.sent.empty());  // no gateway has heard the device yet
  uplink(0);                             // unconfirmed: the queue goes Class C, not in RX1
  ASSERT_EQ(downlinks_.sent.size(), 1u);
  ack(downlinks_.sent[0]);
  push({item("now")});
  ASSERT_EQ(downlinks_.sent.size(), 2u);
  const auto& tx = downlinks_.sent[1];
  EXPECT_EQ(tx.gateway_id, "gw1");
  EXPECT_EQ(tx.scheduled.frequency, 869'525'000u);
  EXPECT_EQ(tx.scheduled.data_rate, (data_rate{lora_data_rate{125'000, 12, "4/5"}}));
  // Concentrator now (uplink at 1 s plus the time since) + 530 ms, but not before the first frame
  // (SF12, about 1.2 s on air from 1.53 s) has left the gateway's transmitter.
  const auto first_start = downlinks_.sent[0].scheduled.timestamp;
  EXPECT_GE(first_start, 1'530'000u);
  EXPECT_GE(tx.scheduled.timestamp, first_start + 1'000'000u);
  EXPECT_LT(tx.scheduled.timestamp, first_start + 2'500'000u);
  EXPECT_EQ(decode(tx).payload, text("now"));
  ack(tx);
  EXPECT_EQ(outcomes(), (std::vector{o::queued, o::sent, o::queued, o::sent}));
}

TEST_F(downlinks, DutyCycleBlocksRx1ThenRx2Takes) {
  add_device();
  start();
  // SF12 RX1 on 868.1 MHz (1 %: 36 s an hour); 51-byte payloads take about 2.8 s each.
  bool moved_to_rx2 = false;
  for (std::uint32_t f = 0; f < 20 && !moved_to_rx2; ++f) {
    push({item(std::string(45, 'x'))});
    uplink(f, false, false, 12);
    ASSERT_FALSE(downlinks_.sent.empty());
    moved_to_rx2 = downlinks_.sent.back().scheduled.frequency == 869'525'000u;
    ack(downlinks_.sent.back());
  }
  EXPECT_TRUE(moved_to_rx2);
  EXPECT_GE(stat(counter::downlink_duty_cycle), 1u);
  EXPECT_GE(downlinks_.sent.size(), 10u);
}

TEST_F(downlinks, QueueSurvivesARestart) {
  add_device();
  start();
  push({item("kept")});
  restart();
  uplink(0);
  ASSERT_EQ(downlinks_.sent.size(), 1u);
  auto d = decode(downlinks_.sent[0]);
  EXPECT_EQ(d.payload, text("kept"));
}

}  // namespace
}  // namespace tether::network::test

namespace tether::network::test {
namespace {

// ADR: the MAC commands a downlink carries, decoded.
std::vector<lorawan::mac::downlink_command> commands_of(const decoded& d) {
  return lorawan::mac::decode_downlink(d.frame.header.f_opts).commands;
}

TEST_F(downlinks, AdrRaisesTheDataRateAfterTwentyUplinksAndKeepsItOnceAccepted) {
  add_device();
  start();
  // SF12 (DR0) heard at SNR 5 dB: margin 5 - (-20) - 10 = 15 dB, five steps: DR0 -> DR5.
  for (std::uint32_t f = 0; f < 19; ++f) uplink_with(f, {.sf = 12, .adr = true});
  EXPECT_TRUE(downlinks_.sent.empty()) << "no decision before 20 uplinks";
  uplink_with(19, {.sf = 12, .adr = true});
  ASSERT_EQ(downlinks_.sent.size(), 1u) << "a MAC-only downlink carries the request";
  auto d = decode(downlinks_.sent[0]);
  EXPECT_FALSE(d.frame.f_port);
  const auto commands = commands_of(d);
  ASSERT_FALSE(commands.empty());
  // An ABP device in EU868 knows only the three default channels.
  EXPECT_EQ(commands[0], (lorawan::mac::downlink_command{lorawan::mac::link_adr_req{5, 0, 0x0007, 0, 1}}));
  EXPECT_EQ(stat(counter::adr_requests_sent), 1u);
  ack(downlinks_.sent[0]);

  // The device answers with all three bits set and moves to SF7: no further request.
  uplink_with(20, {.sf = 7, .adr = true, .f_opts = {0x03, 0x07}});
  EXPECT_EQ(stat(counter::adr_accepted), 1u);
  for (std::uint32_t f = 21; f < 45; ++f) uplink_with(f, {.sf = 7, .adr = true});
  EXPECT_EQ(stat(counter::adr_requests_sent), 1u) << "DR5 at the max ADR rate, power steps not worth it";
}

TEST_F(downlinks, AdrLowersPowerWhenTheDataRateIsAtItsMaximum) {
  add_device();
  start();
  // SF7 at SNR 10: margin 10 + 7.5 - 10 = 7.5 dB, two steps, DR5 is the max: TXPower 0 -> 2.
  for (std::uint32_t f = 0; f < 20; ++f) uplink_with(f, {.adr = true, .snr = 10});
  ASSERT_EQ(downlinks_.sent.size(), 1u);
  EXPECT_EQ(commands_of(decode(downlinks_.sent[0]))[0],
            (lorawan::mac::downlink_command{lorawan::mac::link_adr_req{5, 2, 0x0007, 0, 1}}));
}

TEST_F(downlinks, AdrOffMeansNoRequestAndARefusalStartsLearningAgain) {
  add_device();
  start();
  for (std::uint32_t f = 0; f < 25; ++f) uplink_with(f, {.sf = 12});
  EXPECT_TRUE(downlinks_.sent.empty());
  for (std::uint32_t f = 25; f < 45; ++f) uplink_with(f, {.sf = 12, .adr = true});
  ASSERT_EQ(downlinks_.sent.size(), 1u);
  ack(downlinks_.sent[0]);
  uplink_with(45, {.sf = 12, .adr = true, .f_opts = {0x03, 0x06}});  // channel mask refused
  EXPECT_EQ(stat(counter::adr_refused), 1u);
  for (std::uint32_t f = 46; f < 60; ++f) uplink_with(f, {.sf = 12, .adr = true});
  EXPECT_EQ(downlinks_.sent.size(), 1u) << "needs 20 fresh uplinks before asking again";
}

TEST_F(downlinks, AdrRequestIsSentAgainWhenUnansweredThenGivenUpForAWhile) {
  add_device();
  start();
  for (std::uint32_t f = 0; f < 20; ++f) uplink_with(f, {.sf = 12, .adr = true});
  for (std::uint32_t f = 20; f < 23; ++f) uplink_with(f, {.sf = 12, .adr = true});
  EXPECT_EQ(stat(counter::adr_requests_sent), 3u);
  uplink_with(23, {.sf = 12, .adr = true});
  EXPECT_EQ(stat(counter::adr_requests_sent), 3u) << "three unanswered requests: start over";
}

TEST_F(downlinks, AdrOnUs915SubBandTwoSendsAChannelMaskBlock) {
  add_device(registry::device_class::a, "US_902_928_FSB_2");
  start();
  // DR0 (SF10) at SNR 0 dB: margin 0 + 15 - 10 = 5 dB, one step: DR1.
  for (std::uint32_t f = 0; f < 20; ++f) {
    uplink_with(f, {.sf = 10, .frequency = 903'900'000, .adr = true, .snr = 0});
  }
  ASSERT_EQ(downlinks_.sent.size(), 1u);
  const auto commands = commands_of(decode(downlinks_.sent[0]));
  ASSERT_GE(commands.size(), 2u);  // RXTimingSetupReq may follow
  EXPECT_EQ(commands[0], (lorawan::mac::downlink_command{lorawan::mac::link_adr_req{1, 0, 0x0002, 7, 1}}));
  EXPECT_EQ(commands[1], (lorawan::mac::downlink_command{lorawan::mac::link_adr_req{1, 0, 0xFF00, 0, 1}}));
}

}  // namespace
}  // namespace tether::network::test

namespace tether::network::test {
namespace {

// No item is ever orphaned (issue #13): whatever takes a window, whatever the gateway's protocol says
// about TxAcks, and across a restart, each queued item ends in exactly one final event (sent for an
// unconfirmed item, ack for a confirmed one, or failed) and leaves the durable queue.
class no_orphans : public downlinks {
 protected:
  std::vector<o> history(std::string_view payload) const {
    std::vector<o> out;
    for (const auto& e : events_.downlinks) {
      if (e.downlink.frm_payload == text(payload)) out.push_back(e.outcome);
    }
    return out;
  }
  // Stops the server (its store writes everything) and counts the items left in the durable queue.
  std::int64_t stop_and_count_stored() {
    run();
    server_.reset();
    auto q = db_->prepare("SELECT COUNT(*) FROM downlink_queue");
    EXPECT_TRUE(q.step());
    return q.column_int(0);
  }
  void mac_answer_takes_the_window() {
    const bool tx_acks = downlinks_.answer == send_result::awaiting_tx_ack;
    const auto m = std::string(48, 'm');
    add_device();
    start();
    // SF12: RX1 and RX2 at DR0 take 51 bytes; 48 plus the LinkCheckAns (3 bytes) and the
    // RxTimingSetupReq (2, the device never answers it here) do not fit, 48 plus 2 do.
    push({item(m)});
    uplink_with(0, {.sf = 12, .f_opts = {0x02}});  // LinkCheckReq
    ASSERT_EQ(downlinks_.sent.size(), 1u);
    EXPECT_FALSE(decode(downlinks_.sent[0]).frame.f_port);  // MAC only
    if (tx_acks) ack(downlinks_.sent[0]);
    EXPECT_EQ(history(m), (std::vector{o::queued}));
    uplink_with(1, {.sf = 12});
    ASSERT_EQ(downlinks_.sent.size(), 2u);
    EXPECT_EQ(decode(downlinks_.sent[1]).payload, text(m));
    if (tx_acks) ack(downlinks_.sent[1]);
    EXPECT_EQ(history(m), (std::vector{o::queued, o::sent}));
    EXPECT_EQ(stop_and_count_stored(), 0);
  }
};

TEST_F(no_orphans, GatewayWithoutTxAckReportsSentAtOnce) {
  add_device();
  downlinks_.answer = send_result::sent;
  start();
  push({item("u")});
  uplink(0);
  ASSERT_EQ(downlinks_.sent.size(), 1u);
  EXPECT_EQ(history("u"), (std::vector{o::queued, o::sent}));  // no TxAck needed
  push({item("c", downlink_priority::lowest, true)});
  uplink(1);
  ASSERT_EQ(downlinks_.sent.size(), 2u);
  EXPECT_EQ(decode(downlinks_.sent[1]).payload, text("c"));
  EXPECT_EQ(history("c"), (std::vector{o::queued, o::sent}));
  uplink(2, false, true);  // the device's ACK
  EXPECT_EQ(history("c"), (std::vector{o::queued, o::sent, o::ack}));
  EXPECT_EQ(downlinks_.sent.size(), 2u);
  EXPECT_EQ(stat(counter::downlinks_sent), 2u);
  EXPECT_EQ(stop_and_count_stored(), 0);
}

TEST_F(no_orphans, ClassCWithoutTxAckSendsTheWholeQueueOneAfterAnother) {
  add_device(registry::device_class::c);
  downlinks_.answer = send_result::sent;
  start();
  uplink(0);
  push({item("a"), item("b"), item("c")});
  ASSERT_EQ(downlinks_.sent.size(), 3u);
  for (const auto* p : {"a", "b", "c"}) EXPECT_EQ(history(p), (std::vector{o::queued, o::sent})) << p;
  // One transmitter: each frame starts after the one before has left it.
  EXPECT_GT(downlinks_.sent[1].scheduled.timestamp, downlinks_.sent[0].scheduled.timestamp + 1'000'000u);
  EXPECT_GT(downlinks_.sent[2].scheduled.timestamp, downlinks_.sent[1].scheduled.timestamp + 1'000'000u);
  EXPECT_EQ(stop_and_count_stored(), 0);
}

TEST_F(no_orphans, AnAckFrameLeavesTheItemInFlightAlone) {
  add_device();
  start();
  push({item("x")});
  uplink(0);  // x goes; its TxAck is late
  ASSERT_EQ(downlinks_.sent.size(), 1u);
  uplink(1, true);  // confirmed: the ACK takes this window on its own
  ASSERT_EQ(downlinks_.sent.size(), 2u);
  EXPECT_TRUE(decode(downlinks_.sent[1]).frame.header.f_ctrl.ack);
  EXPECT_FALSE(decode(downlinks_.sent[1]).frame.f_port);
  ack(downlinks_.sent[0]);
  ack(downlinks_.sent[1]);
  EXPECT_EQ(history("x"), (std::vector{o::queued, o::sent}));
  EXPECT_EQ(stat(counter::tx_ack_unmatched), 0u);  // both TxAcks found their frame
  EXPECT_EQ(stop_and_count_stored(), 0);
}

TEST_F(no_orphans, AnAckFrameLeavesAClassCItemInFlightAlone) {
  add_device(registry::device_class::c);
  start();
  uplink(0);
  push({item("x")});  // Class C: x goes at once; its TxAck is late
  ASSERT_EQ(downlinks_.sent.size(), 1u);
  uplink(1, true);  // the ACK goes on its own; x is not sent twice
  ASSERT_EQ(downlinks_.sent.size(), 2u);
  EXPECT_FALSE(decode(downlinks_.sent[1]).frame.f_port);
  ack(downlinks_.sent[1]);
  ack(downlinks_.sent[0]);
  EXPECT_EQ(history("x"), (std::vector{o::queued, o::sent}));
  EXPECT_EQ(stat(counter::tx_ack_unmatched), 0u);
  EXPECT_EQ(stop_and_count_stored(), 0);
}

TEST_F(no_orphans, AMacAnswerTakesTheWindowAndTheItemGoesNext) { mac_answer_takes_the_window(); }

TEST_F(no_orphans, AMacAnswerTakesTheWindowAndTheItemGoesNextWithoutTxAcks) {
  downlinks_.answer = send_result::sent;
  mac_answer_takes_the_window();
}

TEST_F(no_orphans, AMacOnlyFrameWithoutTxAckBlocksNothing) {
  add_device(registry::device_class::c);
  start();
  uplink(0, true);  // the ACK goes; its TxAck never comes
  ASSERT_EQ(downlinks_.sent.size(), 1u);
  push({item("next")});  // Class C: the queue goes at once anyway
  ASSERT_EQ(downlinks_.sent.size(), 2u);
  ack(downlinks_.sent[1]);
  EXPECT_EQ(history("next"), (std::vector{o::queued, o::sent}));
  EXPECT_EQ(stop_and_count_stored(), 0);
}

TEST_F(no_orphans, ReplaceWhileInFlightEndsEveryItemOnce) {
  add_device();
  start();
  push({item("a"), item("b")});
  uplink(0);  // a in flight
  push({item("c")}, true);
  EXPECT_EQ(history("b"), (std::vector{o::queued, o::failed}));
  for (const auto& e : events_.downlinks) {
    if (e.outcome == o::failed) {
      EXPECT_EQ(e.error->name, "downlink_replaced");
    }
  }
  ack(downlinks_.sent[0]);  // a was on its way and went out
  EXPECT_EQ(history("a"), (std::vector{o::queued, o::sent}));
  uplink(1);
  ASSERT_EQ(downlinks_.sent.size(), 2u);
  EXPECT_EQ(decode(downlinks_.sent[1]).payload, text("c"));
  ack(downlinks_.sent[1], tx_result::too_late);  // c fails at the gateway and is retried ...
  uplink(2);
  ASSERT_EQ(downlinks_.sent.size(), 3u);
  ack(downlinks_.sent[2]);  // ... and goes
  EXPECT_EQ(history("c"), (std::vector{o::queued, o::failed, o::sent}));
  EXPECT_EQ(stop_and_count_stored(), 0);
}

TEST_F(no_orphans, ReplaceWhileAwaitingTheAckIsNeverRetried) {
  add_device();
  start();
  push({item("k", downlink_priority::lowest, true)});
  uplink(0);
  ack(downlinks_.sent[0]);  // transmitted; the device's ACK is awaited
  push({}, true);
  uplink(1);  // no ACK: nack, and the queue it came from is gone
  EXPECT_EQ(history("k"), (std::vector{o::queued, o::sent, o::nack, o::failed}));
  EXPECT_EQ(events_.downlinks.back().error->name, "downlink_replaced");
  EXPECT_EQ(downlinks_.sent.size(), 1u);
  // A replace before a TxAck error: failed once, not put back either.
  push({item("r")});
  uplink(2);
  ASSERT_EQ(downlinks_.sent.size(), 2u);
  push({}, true);
  ack(downlinks_.sent[1], tx_result::too_late);
  uplink(3);
  EXPECT_EQ(history("r"), (std::vector{o::queued, o::failed}));
  EXPECT_EQ(downlinks_.sent.size(), 2u);
  EXPECT_EQ(stop_and_count_stored(), 0);
}

TEST_F(no_orphans, ReplaceBeforeTheItemIsOnDiskStillAnnouncesThenFailsIt) {
  add_device();
  start();
  server_->push_downlinks({"app1", "dev1", false, {item("early")}});
  server_->push_downlinks({"app1", "dev1", true, {item("late")}});
  run();
  EXPECT_EQ(history("early"), (std::vector{o::queued, o::failed}));
  uplink(0);
  ack(downlinks_.sent.at(0));
  EXPECT_EQ(history("late"), (std::vector{o::queued, o::sent}));
  EXPECT_EQ(stop_and_count_stored(), 0);
}

TEST_F(no_orphans, RestartBetweenQueuedAndSentLosesNothing) {
  add_device();
  start();
  push({item("a")});
  uplink(0);  // a in flight, no TxAck before the restart
  push({item("b", downlink_priority::lowest, true)});
  const auto before = downlinks_.sent[0];
  restart();
  ack(before);  // a TxAck of the old run matches nothing now
  EXPECT_EQ(stat(counter::tx_ack_unmatched), 1u);
  uplink(1);  // a again: still in the durable queue
  ASSERT_EQ(downlinks_.sent.size(), 2u);
  EXPECT_EQ(decode(downlinks_.sent[1]).payload, text("a"));
  ack(downlinks_.sent[1]);
  uplink(2);
  ASSERT_EQ(downlinks_.sent.size(), 3u);
  ack(downlinks_.sent[2]);
  uplink(3, false, true);
  EXPECT_EQ(history("a"), (std::vector{o::queued, o::sent}));
  EXPECT_EQ(history("b"), (std::vector{o::queued, o::sent, o::ack}));
  EXPECT_EQ(stop_and_count_stored(), 0);
}

TEST_F(no_orphans, RestartWhileAConfirmedItemAwaitsItsAckWithoutTxAcks) {
  add_device();
  downlinks_.answer = send_result::sent;
  start();
  push({item("k", downlink_priority::lowest, true)});
  uplink(0);
  EXPECT_EQ(history("k"), (std::vector{o::queued, o::sent}));
  restart();
  // The wait for the ACK is not stored: the item is queued again and goes once more (at least once),
  // and still ends in one ack.
  uplink(1);
  ASSERT_EQ(downlinks_.sent.size(), 2u);
  uplink(2, false, true);
  EXPECT_EQ(history("k"), (std::vector{o::queued, o::sent, o::sent, o::ack}));
  EXPECT_EQ(stop_and_count_stored(), 0);
}

TEST_F(no_orphans, AFrameTheGatewayRefusesLeavesTheDurableQueue) {
  add_device();
  downlinks_.answer = send_result::sent;
  downlinks_.max_frame["gw1"] = 40;
  start();
  push({item(std::string(60, 'x'))});
  uplink(0);
  EXPECT_EQ(history(std::string(60, 'x')), (std::vector{o::queued, o::failed}));
  EXPECT_EQ(downlinks_.offered.size(), 1u);  // RX1 (RX2 at DR0 cannot carry it)
  uplink(1);                                 // not offered again
  EXPECT_EQ(downlinks_.offered.size(), 1u);
  EXPECT_EQ(stop_and_count_stored(), 0);
}

}  // namespace
}  // namespace tether::network::test
