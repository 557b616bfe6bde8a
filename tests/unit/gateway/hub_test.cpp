// gateway::hub: downlink routing and TxAck matching for every frontend (issue 13). A frontend that
// acknowledges transmissions gets the `gs:down:token:<n>` correlation ID and a ring of 16; one that
// does not gets neither and its downlinks count as sent at once. Moved here from the TTS v3 realm.

#include "gateway/hub.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace tether::gateway {
namespace {

class fake_frontend : public frontend {
 public:
  explicit fake_frontend(bool acknowledges) : acknowledges_(acknowledges) {}
  std::string_view protocol() const override { return "fake"; }
  network::send_outcome transmit(const network::downlink_tx& tx) override {
    sent.push_back(tx);
    if (refusal) return network::send_outcome{*refusal};
    return accepts ? network::send_result::sent : network::send_result::not_connected;
  }
  bool acknowledges_transmissions() const override { return acknowledges_; }

  bool accepts = true;
  std::optional<network::send_refusal> refusal;  // refuses every frame with this reason
  std::vector<network::downlink_tx> sent;

 private:
  bool acknowledges_;
};

class recording_core : public network::uplink_handler {
 public:
  void handle_uplink(network::gateway_uplink up) override { uplinks.push_back(std::move(up)); }
  void handle_status(const network::gateway_status& s) override { statuses.push_back(s); }
  void handle_tx_ack(const network::tx_ack& ack) override { acks.push_back(ack); }
  std::vector<network::gateway_uplink> uplinks;
  std::vector<network::gateway_status> statuses;
  std::vector<network::tx_ack> acks;
};

network::downlink_tx downlink(std::uint64_t id) {
  network::downlink_tx tx;
  tx.id = id;
  tx.gateway_id = "gw1";
  tx.correlation_ids = {"ns:downlink:" + std::to_string(id)};
  return tx;
}

network::tx_ack ack_of(const network::downlink_tx& sent) {
  network::tx_ack ack;
  ack.gateway_id = "gw1";
  ack.correlation_ids = sent.correlation_ids;
  return ack;
}

class hub_test : public ::testing::Test {
 protected:
  void SetUp() override { hub_.set_core(core_); }
  hub hub_;
  recording_core core_;
};

TEST_F(hub_test, a_downlink_to_an_acknowledging_frontend_awaits_its_tx_ack_and_the_ack_finds_it) {
  fake_frontend v3(true);
  hub_.connect("gw1", v3, "127.0.0.1:1");
  EXPECT_EQ(hub_.send_downlink(downlink(41)), network::send_result::awaiting_tx_ack);
  ASSERT_EQ(v3.sent.size(), 1u);
  EXPECT_EQ(v3.sent[0].correlation_ids, (std::vector<std::string>{"ns:downlink:41", "gs:down:token:0"}));
  network::tx_ack ack;
  ack.gateway_id = "gw1";
  ack.correlation_ids = {"gs:down:token:0"};  // only ours comes back
  hub_.handle_tx_ack(ack);
  ASSERT_EQ(core_.acks.size(), 1u);
  EXPECT_EQ(core_.acks[0].downlink_id, 41u);
}

TEST_F(hub_test, the_ring_holds_the_last_sixteen_downlinks) {
  fake_frontend v3(true);
  hub_.connect("gw1", v3, "");
  for (std::uint64_t id = 1; id <= 17; ++id) hub_.send_downlink(downlink(id));
  hub_.handle_tx_ack({"gw1", {"gs:down:token:0"}});   // the first, overwritten by the 17th
  hub_.handle_tx_ack({"gw1", {"gs:down:token:16"}});  // the 17th
  hub_.handle_tx_ack({"gw1", {"gs:down:token:1"}});   // the second, still there
  hub_.handle_tx_ack({"gw1", {"gs:down:token:x1", "other"}});
  ASSERT_EQ(core_.acks.size(), 4u);
  EXPECT_EQ(core_.acks[0].downlink_id, 0u);  // the core still tries its ns:downlink: ID
  EXPECT_EQ(core_.acks[1].downlink_id, 17u);
  EXPECT_EQ(core_.acks[2].downlink_id, 2u);
  EXPECT_EQ(core_.acks[3].downlink_id, 0u);
  EXPECT_EQ(hub_.changed_since(0).at(0).tx_acks, 4u);
}

TEST_F(hub_test, a_frontend_without_tx_acks_gets_no_token_and_its_downlinks_count_as_sent) {
  fake_frontend v2(false);
  hub_.connect("gw1", v2, "");
  EXPECT_EQ(hub_.send_downlink(downlink(7)), network::send_result::sent);
  ASSERT_EQ(v2.sent.size(), 1u);
  EXPECT_EQ(v2.sent[0].correlation_ids, std::vector<std::string>{"ns:downlink:7"});
  hub_.handle_tx_ack({"gw1", {"gs:down:token:0"}});
  ASSERT_EQ(core_.acks.size(), 1u);
  EXPECT_EQ(core_.acks[0].downlink_id, 0u);
}

TEST_F(hub_test, no_connection_or_a_refusing_frontend_is_not_connected) {
  EXPECT_EQ(hub_.send_downlink(downlink(1)), network::send_result::not_connected);
  fake_frontend v3(true);
  hub_.connect("gw1", v3, "");
  v3.accepts = false;
  EXPECT_EQ(hub_.send_downlink(downlink(2)), network::send_result::not_connected);
  hub_.disconnect("gw1", v3);
  EXPECT_FALSE(hub_.connected("gw1"));
  EXPECT_EQ(hub_.send_downlink(downlink(3)), network::send_result::not_connected);
}

TEST_F(hub_test, a_frontend_refusing_a_frame_for_good_says_why_and_the_gateway_stays_connected) {
  fake_frontend v2(false);
  hub_.connect("gw1", v2, "");
  v2.refusal = network::send_refusal{"gateway_packet_too_large", "reads at most 511 bytes"};
  const auto refused = hub_.send_downlink(downlink(8));
  EXPECT_EQ(refused, network::send_result::refused);
  EXPECT_EQ(refused.refusal, *v2.refusal);  // for the core to put in down/failed
  EXPECT_TRUE(hub_.connected("gw1"));
  EXPECT_EQ(hub_.changed_since(0).at(0).downlinks, 0u);  // not counted as a downlink to the gateway
  v2.refusal.reset();
  EXPECT_EQ(hub_.send_downlink(downlink(9)), network::send_result::sent);
  EXPECT_EQ(hub_.changed_since(0).at(0).downlinks, 1u);
}

TEST_F(hub_test, a_new_connection_forgets_the_old_ones_downlinks_unless_it_took_over) {
  fake_frontend v3(true), other(true);
  hub_.connect("gw1", v3, "");
  hub_.send_downlink(downlink(5));
  hub_.connect("gw1", v3, "");  // takeover through the same frontend: the ring stays
  hub_.handle_tx_ack(ack_of(v3.sent.back()));
  hub_.disconnect("gw1", other);  // not the frontend holding it: ignored
  EXPECT_TRUE(hub_.connected("gw1"));
  hub_.disconnect("gw1", v3);
  hub_.connect("gw1", v3, "");
  hub_.handle_tx_ack({"gw1", {"gs:down:token:0"}});
  hub_.connect("gw1", other, "");  // another frontend: a fresh ring
  hub_.send_downlink(downlink(6));
  hub_.handle_tx_ack({"gw1", {"gs:down:token:1"}});
  ASSERT_EQ(core_.acks.size(), 3u);
  EXPECT_EQ(core_.acks[0].downlink_id, 5u);
  EXPECT_EQ(core_.acks[1].downlink_id, 0u);
  EXPECT_EQ(core_.acks[2].downlink_id, 0u);
  EXPECT_EQ(other.sent.back().correlation_ids.back(), "gs:down:token:0");
}

}  // namespace
}  // namespace tether::gateway
