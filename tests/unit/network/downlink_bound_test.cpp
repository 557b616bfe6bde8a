// Bound downlinks (application_downlink::answers, the Data API's downlink_response): a downlink that
// answers one uplink goes in that uplink's windows still ahead, at once, or fails with window_missed;
// it never waits in, delays or enters the ordinary queue.

#include "downlink_fixture.hpp"

#include <chrono>

namespace tether::network::test {
namespace {

using namespace std::chrono_literals;

class bound_downlinks : public downlinks {
 protected:
  application_downlink bound(std::string_view payload, std::uint32_t uplink_f_cnt,
                             std::chrono::milliseconds deadline_in = 1500ms, bool confirmed = false) {
    auto d = item(payload, downlink_priority::highest, confirmed);
    d.correlation_ids = {"data-api:packet:" + std::string(payload)};
    d.answers = window_binding{uplink_f_cnt, std::chrono::system_clock::now() + deadline_in};
    return d;
  }
  std::vector<o> history(std::string_view payload) const {
    std::vector<o> out;
    for (const auto& e : events_.downlinks) {
      if (e.downlink.frm_payload == text(payload)) out.push_back(e.outcome);
    }
    return out;
  }
  const downlink_error& last_error() const { return *events_.downlinks.back().error; }
  std::int64_t stored() {
    run();
    server_.reset();
    auto q = db_->prepare("SELECT COUNT(*) FROM downlink_queue");
    EXPECT_TRUE(q.step());
    return q.column_int(0);
  }
};

TEST_F(bound_downlinks, GoesInRx1OfTheUplinkItAnswers) {
  add_device();
  start();
  uplink(0);  // nothing to send: its windows stay open
  EXPECT_TRUE(downlinks_.sent.empty());
  push({bound("answer", 0)});
  ASSERT_EQ(downlinks_.sent.size(), 1u);
  const auto& tx = downlinks_.sent[0];
  EXPECT_EQ(tx.scheduled.timestamp, 1'000'000u + 1'000'000u);  // RX1: RECEIVE_DELAY1 after the uplink
  EXPECT_EQ(tx.scheduled.frequency, 868'100'000u);
  EXPECT_EQ(tx.uplink_token, text("token-gw1"));
  const auto d = decode(tx);
  EXPECT_EQ(d.payload, text("answer"));
  EXPECT_EQ(d.frame.f_port, 2);
  EXPECT_EQ(d.frame.header.f_cnt, 0u);
  EXPECT_FALSE(d.frame.header.f_ctrl.f_pending);
  EXPECT_EQ(tx.correlation_ids.front(), "gs:uplink:1");  // the uplink's, then the item's
  EXPECT_EQ(tx.correlation_ids[1], "data-api:packet:answer");
  EXPECT_EQ(history("answer"), (std::vector{o::queued}));
  ack(tx);
  EXPECT_EQ(history("answer"), (std::vector{o::queued, o::sent}));
  EXPECT_EQ(events_.downlinks.back().downlink.f_cnt, 0u);
  EXPECT_EQ(stat(counter::downlinks_queued), 0u) << "never in the durable queue";
  EXPECT_EQ(stored(), 0);
}

TEST_F(bound_downlinks, GoesInRx2WhenRx1IsTooClose) {
  add_device();
  start();
  uplink(0, false, false, 7, 868'100'000, 900ms);  // RX1 in 100 ms: under the scheduling margin
  push({bound("late-ish", 0)});
  ASSERT_EQ(downlinks_.sent.size(), 1u);
  EXPECT_EQ(downlinks_.sent[0].scheduled.frequency, 869'525'000u);
  EXPECT_EQ(downlinks_.sent[0].scheduled.timestamp, 1'000'000u + 2'000'000u);
  EXPECT_EQ(decode(downlinks_.sent[0]).payload, text("late-ish"));
  EXPECT_EQ(history("late-ish"), (std::vector{o::queued}));
}

TEST_F(bound_downlinks, BothWindowsBehindIsWindowMissed) {
  add_device();
  start();
  uplink(0, false, false, 7, 868'100'000, 1900ms);  // RX2 in 100 ms
  push({bound("x", 0)});
  EXPECT_TRUE(downlinks_.sent.empty());
  EXPECT_EQ(history("x"), (std::vector{o::failed}));
  EXPECT_EQ(last_error().name, "window_missed");
  EXPECT_EQ(stat(counter::bound_window_missed), 1u);
}

TEST_F(bound_downlinks, AFrameAlreadySentInTheWindowsIsWindowMissed) {
  add_device();
  start();
  push({item("queued")});
  uplink(0);  // the queued item takes RX1
  ASSERT_EQ(downlinks_.sent.size(), 1u);
  push({bound("x", 0)});
  EXPECT_EQ(downlinks_.sent.size(), 1u);
  EXPECT_EQ(history("x"), (std::vector{o::failed}));
  EXPECT_EQ(last_error().name, "window_missed");
  EXPECT_NE(last_error().message.find("already went"), std::string::npos) << last_error().message;
  // A confirmed uplink is ACKed in its own windows at once: a response to it misses them too.
  ack(downlinks_.sent[0]);
  uplink(1, true);
  ASSERT_EQ(downlinks_.sent.size(), 2u);
  EXPECT_TRUE(decode(downlinks_.sent[1]).frame.header.f_ctrl.ack);
  push({bound("y", 1)});
  EXPECT_EQ(history("y"), (std::vector{o::failed}));
  EXPECT_EQ(stat(counter::bound_window_missed), 2u);
}

TEST_F(bound_downlinks, AnotherUplinkMeanwhileIsWindowMissed) {
  add_device();
  start();
  uplink(0);
  uplink(1);
  push({bound("x", 0)});
  EXPECT_TRUE(downlinks_.sent.empty());
  EXPECT_EQ(history("x"), (std::vector{o::failed}));
  EXPECT_EQ(last_error().name, "window_missed");
  EXPECT_NE(last_error().message.find("uplink 1 after uplink 0"), std::string::npos) << last_error().message;
  push({bound("y", 1)});  // the newer uplink's windows are still open
  ASSERT_EQ(downlinks_.sent.size(), 1u);
  EXPECT_EQ(decode(downlinks_.sent[0]).payload, text("y"));
}

TEST_F(bound_downlinks, DeadlinePassedIsWindowMissedWithoutTrying) {
  add_device();
  start();
  uplink(0);
  push({bound("x", 0, -1ms)});
  EXPECT_TRUE(downlinks_.offered.empty());
  EXPECT_EQ(history("x"), (std::vector{o::failed}));
  EXPECT_EQ(last_error().name, "window_missed");
  EXPECT_NE(last_error().message.find("have passed"), std::string::npos) << last_error().message;
}

TEST_F(bound_downlinks, OneFramePerWindowsAndTooLargeFails) {
  add_device();
  start();
  uplink_with(0, {.sf = 12});  // DR0: 51 bytes
  push({bound(std::string(60, 'l'), 0), bound("first", 0), bound("second", 0)});
  ASSERT_EQ(downlinks_.sent.size(), 1u);
  EXPECT_EQ(decode(downlinks_.sent[0]).payload, text("first"));
  EXPECT_EQ(history(std::string(60, 'l')), (std::vector{o::failed}));
  EXPECT_EQ(events_.downlinks[0].error->name, "payload_too_large");
  EXPECT_EQ(history("second"), (std::vector{o::failed}));
  EXPECT_EQ(last_error().name, "window_missed");
}

TEST_F(bound_downlinks, NeverDelaysNorEntersTheOrdinaryQueue) {
  add_device();
  start();
  uplink(0);
  push({item("ordinary")});  // Class A: waits for the next uplink
  push({bound("answer", 0)});
  ASSERT_EQ(downlinks_.sent.size(), 1u);
  const auto first = decode(downlinks_.sent[0]);
  EXPECT_EQ(first.payload, text("answer"));
  EXPECT_TRUE(first.frame.header.f_ctrl.f_pending) << "the ordinary item waits";
  ack(downlinks_.sent[0]);
  uplink(1);  // the ordinary item goes as it would have without the bound one
  ASSERT_EQ(downlinks_.sent.size(), 2u);
  const auto second = decode(downlinks_.sent[1]);
  EXPECT_EQ(second.payload, text("ordinary"));
  EXPECT_EQ(second.frame.header.f_cnt, 1u);
  ack(downlinks_.sent[1]);
  uplink(2);
  EXPECT_EQ(downlinks_.sent.size(), 2u) << "the bound item is never sent again";
  EXPECT_EQ(history("answer"), (std::vector{o::queued, o::sent}));
  EXPECT_EQ(history("ordinary"), (std::vector{o::queued, o::sent}));
  EXPECT_EQ(stat(counter::downlinks_queued), 1u);
  EXPECT_EQ(stored(), 0);
}

TEST_F(bound_downlinks, ReplaceLeavesItsPathAndAFailedTxIsNeverRetried) {
  add_device();
  start();
  uplink(0);
  push({bound("answer", 0)});
  ASSERT_EQ(downlinks_.sent.size(), 1u);
  push({item("r")}, true);  // replaces the ordinary queue; the bound frame is on its way
  ack(downlinks_.sent[0], tx_result::too_late);
  EXPECT_EQ(history("answer"), (std::vector{o::queued, o::failed}));
  EXPECT_EQ(last_error().name, "transmission");
  uplink(1);
  ASSERT_EQ(downlinks_.sent.size(), 2u);
  EXPECT_EQ(decode(downlinks_.sent[1]).payload, text("r")) << "a bound item is never requeued";
  ack(downlinks_.sent[1]);
  EXPECT_EQ(history("answer"), (std::vector{o::queued, o::failed}));
  EXPECT_EQ(stored(), 0);
}

TEST_F(bound_downlinks, AConfirmedOneNackedFailsAndIsNotSentAgain) {
  add_device();
  start();
  uplink(0);
  push({bound("c", 0, 1500ms, true)});
  ASSERT_EQ(downlinks_.sent.size(), 1u);
  ack(downlinks_.sent[0]);
  uplink(1);  // no ACK bit
  EXPECT_EQ(history("c"), (std::vector{o::queued, o::sent, o::nack, o::failed}));
  EXPECT_EQ(last_error().name, "not_acknowledged");
  EXPECT_EQ(downlinks_.sent.size(), 1u);
  uplink(2);
  EXPECT_EQ(downlinks_.sent.size(), 1u);
}

}  // namespace
}  // namespace tether::network::test
