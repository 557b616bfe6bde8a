// Scenarios for data uplinks of ABP devices: delivery, dedup, counters, replays, MIC, DevAddr lookup.

#include "network_fixture.hpp"

namespace tether::network::test {
namespace {

constexpr std::uint32_t addr = 0x26011234;

class abp_uplink : public network_test {
 protected:
  void SetUp() override {
    network_test::SetUp();
    create(abp_device("dev1", addr, 0x11, 0x22));
    start();
  }
  bytes up(std::uint32_t f_cnt, std::string_view payload = "hello", bool confirmed = false) {
    return data_up(addr, key_of(0x11), key_of(0x22), f_cnt, 10, text(payload), confirmed);
  }
  // Walks the counter up to `f_cnt` in steps the 1.0.3 gap rule (16384) allows.
  void advance_to(std::uint32_t f_cnt) {
    for (std::uint32_t f = 16000; f < f_cnt; f += 16000) feed_and_run(up(f));
    events_.uplinks.clear();
  }
};

TEST_F(abp_uplink, UplinksAreDecryptedAndDelivered) {
  feed_and_run(up(0, "hello"));
  feed_and_run(up(1, "world", true));
  ASSERT_EQ(events_.uplinks.size(), 2u);
  const auto& e = events_.uplinks[0];
  EXPECT_EQ(e.ids.application_id, "app1");
  EXPECT_EQ(e.ids.device_id, "dev1");
  EXPECT_EQ(e.ids.dev_addr, addr_of(addr));
  EXPECT_EQ(e.f_port, 10);
  EXPECT_EQ(e.f_cnt, 0u);
  EXPECT_EQ(e.frm_payload, text("hello"));
  EXPECT_FALSE(e.confirmed);
  EXPECT_EQ(e.band_id, "EU_863_870");
  EXPECT_EQ(e.data_rate_index, 5);
  EXPECT_EQ(e.consumed_airtime, std::chrono::microseconds(51456));  // 18-byte PHYPayload at SF7BW125
  EXPECT_FALSE(e.session_key_id.empty());
  EXPECT_EQ(events_.uplinks[1].frm_payload, text("world"));
  EXPECT_EQ(events_.uplinks[1].f_cnt, 1u);
  EXPECT_TRUE(events_.uplinks[1].confirmed);
  EXPECT_EQ(stat(counter::uplinks_delivered), 2u);
}

TEST_F(abp_uplink, CopiesFromThreeGatewaysBecomeOneUplinkWithAllMetadata) {
  feed_and_run(up(0), {{"gw1", 2.5f, -100}, {"gw2", 9.0f, -70}, {"gw3", 9.0f, -60}});
  ASSERT_EQ(events_.uplinks.size(), 1u);
  const auto& md = events_.uplinks[0].rx_metadata;
  ASSERT_EQ(md.size(), 3u);
  EXPECT_EQ(md[0].gateway_id, "gw3");  // best first: SNR, then RSSI
  EXPECT_EQ(md[1].gateway_id, "gw2");
  EXPECT_EQ(md[2].gateway_id, "gw1");
  EXPECT_EQ(events_.uplinks[0].correlation_ids.size(), 3u);
  EXPECT_EQ(stat(counter::copies_received), 3u);
  EXPECT_EQ(stat(counter::copies_merged), 2u);
}

TEST_F(abp_uplink, CounterRollsOverPast65535) {
  advance_to(65534);
  for (std::uint32_t f : {65534u, 65535u, 65536u, 65537u, 70000u}) feed_and_run(up(f));
  ASSERT_EQ(events_.uplinks.size(), 5u);
  EXPECT_EQ(events_.uplinks[2].f_cnt, 65536u);
  EXPECT_EQ(events_.uplinks[3].f_cnt, 65537u);
  EXPECT_EQ(events_.uplinks[4].f_cnt, 70000u);
  EXPECT_EQ(events_.uplinks[4].frm_payload, text("hello"));
}

TEST_F(abp_uplink, ReplayedFrameIsDroppedAndCounted) {
  const auto first = up(5, "one");
  feed_and_run(first);
  feed_and_run(up(6, "two"));
  feed_and_run(first);  // an attacker (or a slow gateway) sends FCnt 5 again
  ASSERT_EQ(events_.uplinks.size(), 2u);
  EXPECT_EQ(stat(counter::replay), 1u);
  // The same frame again right after it was accepted is a retransmission, not delivered twice.
  const auto third = up(7, "three");
  feed_and_run(third);
  feed_and_run(third);
  EXPECT_EQ(events_.uplinks.size(), 3u);
  EXPECT_EQ(stat(counter::retransmission), 1u);
}

TEST_F(abp_uplink, ReplayAcrossARolloverIsStillAReplay) {
  advance_to(65535);
  const auto old = up(65535);
  feed_and_run(old);
  feed_and_run(up(65536 + 10));
  feed_and_run(old);
  EXPECT_EQ(events_.uplinks.size(), 2u);
  EXPECT_EQ(stat(counter::replay), 1u);
}

TEST_F(abp_uplink, WrongMicIsDroppedAndCounted) {
  auto frame = up(0);
  frame.back() ^= 0x01;
  feed_and_run(frame);
  auto wrong_key = data_up(addr, key_of(0x99), key_of(0x22), 0, 10, text("x"));
  feed_and_run(wrong_key);
  EXPECT_TRUE(events_.uplinks.empty());
  EXPECT_EQ(stat(counter::mic_failed), 2u);
}

TEST_F(abp_uplink, CounterBeyondTheGapIsDropped) {
  feed_and_run(up(10));
  feed_and_run(up(10 + 16385));  // LoRaWAN 1.0.3: MAX_FCNT_GAP 16384
  EXPECT_EQ(events_.uplinks.size(), 1u);
  EXPECT_EQ(stat(counter::fcnt_gap), 1u);
}

TEST_F(abp_uplink, UnknownDevAddrIsDropped) {
  feed_and_run(data_up(0x26FFFFFF, key_of(0x11), key_of(0x22), 0, 10, text("x")));
  EXPECT_TRUE(events_.uplinks.empty());
  EXPECT_EQ(stat(counter::unknown_dev_addr), 1u);
}

TEST_F(abp_uplink, CounterSurvivesARestart) {
  feed_and_run(up(40));
  restart();
  feed_and_run(up(40));  // replayed after the restart
  feed_and_run(up(41));
  ASSERT_EQ(events_.uplinks.size(), 2u);
  EXPECT_EQ(events_.uplinks[1].f_cnt, 41u);
}

class shared_dev_addr : public network_test {};

TEST_F(shared_dev_addr, TwoDevicesWithTheSameDevAddrAreToldApartByMic) {
  create(abp_device("dev-a", addr, 0x11, 0x22));
  create(abp_device("dev-b", addr, 0x33, 0x44));
  start();
  feed_and_run(data_up(addr, key_of(0x33), key_of(0x44), 0, 1, text("from b")));
  feed_and_run(data_up(addr, key_of(0x11), key_of(0x22), 0, 1, text("from a")));
  ASSERT_EQ(events_.uplinks.size(), 2u);
  EXPECT_EQ(events_.uplinks[0].ids.device_id, "dev-b");
  EXPECT_EQ(events_.uplinks[0].frm_payload, text("from b"));
  EXPECT_EQ(events_.uplinks[1].ids.device_id, "dev-a");
  EXPECT_EQ(events_.uplinks[1].frm_payload, text("from a"));
}

TEST_F(shared_dev_addr, DevicesCreatedWhileRunningWorkAfterReload) {
  start();
  feed_and_run(data_up(addr, key_of(0x11), key_of(0x22), 0, 1, text("x")));
  EXPECT_EQ(stat(counter::unknown_dev_addr), 1u);
  create(abp_device("late", addr, 0x11, 0x22));
  server_->reload_devices();
  run();
  feed_and_run(data_up(addr, key_of(0x11), key_of(0x22), 1, 1, text("y")));
  ASSERT_EQ(events_.uplinks.size(), 1u);
  EXPECT_EQ(events_.uplinks[0].ids.device_id, "late");
}

}  // namespace
}  // namespace tether::network::test
