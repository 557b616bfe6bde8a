// Scenarios for OTAA: join-request to join-accept (decrypted as a device would), uplinks in the new
// session, DevNonce rules per LoRaWAN version, and refused joins.

#include "lorawan/crypto/session_keys.hpp"
#include "network/dev_addr_allocator.hpp"
#include "network_fixture.hpp"

namespace tether::network::test {
namespace {

constexpr std::uint64_t dev_eui = 0x0004A30B001C0530;

class otaa_join : public network_test {
 protected:
  void SetUp() override {
    network_test::SetUp();
    device_ = otaa_device("otaa1", dev_eui, 0x2B);
    create(device_);
    create(otaa_device("otaa104", dev_eui + 1, 0x2C, "1.0.4"));
    start();
  }
  // Joins as a device would: returns the decrypted join-accept of the last downlink sent.
  lorawan::join_accept join(const registry::end_device& d, std::uint16_t nonce,
                            std::vector<gateway_copy> gws = {{"gw1"}}) {
    const auto before = downlinks_.sent.size();
    feed_and_run(join_req(d, nonce), std::move(gws));
    EXPECT_EQ(downlinks_.sent.size(), before + 1);
    if (downlinks_.sent.size() != before + 1) return {};
    auto accept = lorawan::decode_join_accept(crypto_, downlinks_.sent.back().raw_payload, d.app_key->bytes);
    EXPECT_TRUE(accept);
    return accept ? *accept : lorawan::join_accept{};
  }
  registry::end_device device_;
};

TEST_F(otaa_join, JoinThenUplinks) {
  const auto accept = join(device_, 1, {{"gw1", 1.0f, -110, 5'000'000}, {"gw2", 7.5f, -90, 9'000'000}});
  EXPECT_EQ(accept.net_id, 0x000013u);
  EXPECT_EQ(accept.dev_addr & 0xFE000000u, 0x26000000u);  // NetID 0x13: 0x26000000..0x27FFFFFF
  EXPECT_EQ(accept.rx_delay, 5);
  EXPECT_EQ(accept.dl_settings.rx1_dr_offset, 0);
  EXPECT_EQ(accept.dl_settings.rx2_data_rate, 0);  // EU868 RX2 default DR0
  EXPECT_TRUE(accept.cf_list.has_value());         // EU868: the five extra channels

  // RX1 through the best gateway, 5 s after its concentrator timestamp, same channel and DR.
  ASSERT_EQ(downlinks_.sent.size(), 1u);
  const auto& tx = downlinks_.sent[0];
  EXPECT_EQ(tx.gateway_id, "gw2");
  EXPECT_EQ(tx.uplink_token, text("token-gw2"));
  EXPECT_EQ(tx.scheduled.timestamp, 9'000'000u + 5'000'000u);
  EXPECT_EQ(tx.scheduled.frequency, 868'100'000u);
  EXPECT_EQ(tx.scheduled.data_rate, (data_rate{lora_data_rate{125'000, 7, "4/5"}}));
  EXPECT_TRUE(tx.scheduled.invert_polarization);
  EXPECT_NE(tx.id, 0u);

  ASSERT_EQ(events_.joins.size(), 1u);
  EXPECT_EQ(events_.joins[0].ids.device_id, "otaa1");
  EXPECT_EQ(events_.joins[0].ids.dev_addr, addr_of(accept.dev_addr));
  EXPECT_EQ(events_.joins[0].ids.dev_eui, eui_of(dev_eui));
  EXPECT_EQ(stat(counter::joins_accepted), 1u);

  // The device derives its keys from the accept and sends data.
  const auto keys =
      lorawan::derive_session_keys(crypto_, device_.app_key->bytes, accept.join_nonce, accept.net_id, 1);
  core::aes_key nwk, app;
  nwk.bytes = keys.nwk_s_key;
  app.bytes = keys.app_s_key;
  feed_and_run(data_up(accept.dev_addr, nwk, app, 0, 2, text("first")));
  feed_and_run(data_up(accept.dev_addr, nwk, app, 1, 2, text("second")));
  ASSERT_EQ(events_.uplinks.size(), 2u);
  EXPECT_EQ(events_.uplinks[0].frm_payload, text("first"));
  EXPECT_EQ(events_.uplinks[1].f_cnt, 1u);
  EXPECT_EQ(events_.uplinks[0].ids.device_id, "otaa1");
  EXPECT_EQ(events_.uplinks[0].session_key_id, events_.joins[0].session_key_id);
}

TEST_F(otaa_join, JoinAcceptLeavesOnlyOnceTheNewSessionIsDurable) {
  persistence_->hold_durability = true;
  feed(join_req(device_, 1));
  io_.restart();
  io_.run_for(std::chrono::milliseconds(300));  // past the dedup window; the write is held
  EXPECT_TRUE(downlinks_.sent.empty()) << "a crash now must not leave the device with unknown keys";
  EXPECT_TRUE(events_.joins.empty());
  persistence_->release_durability();
  run();
  ASSERT_EQ(downlinks_.sent.size(), 1u);
  EXPECT_TRUE(lorawan::decode_join_accept(crypto_, downlinks_.sent[0].raw_payload, device_.app_key->bytes));
  EXPECT_EQ(events_.joins.size(), 1u);
}

TEST_F(otaa_join, AcceptGoesThroughTheNextGatewayWhenTheBestIsBusy) {
  // Two devices heard at the same concentrator instant by both gateways: gw1 hears better, but its
  // transmitter can carry only the first RX1 accept; the second goes through gw2, still in RX1.
  const std::vector<gateway_copy> gws{{"gw1", 9.0f, -80, 5'000'000}, {"gw2", 1.0f, -100, 5'000'000}};
  join(device_, 1, gws);
  ASSERT_EQ(downlinks_.sent.size(), 1u);
  EXPECT_EQ(downlinks_.sent[0].gateway_id, "gw1");
  join(otaa_device("otaa104", dev_eui + 1, 0x2C, "1.0.4"), 1, gws);
  ASSERT_EQ(downlinks_.sent.size(), 2u);
  EXPECT_EQ(downlinks_.sent[1].gateway_id, "gw2");
  EXPECT_EQ(downlinks_.sent[1].uplink_token, text("token-gw2"));
  EXPECT_EQ(downlinks_.sent[1].scheduled.timestamp, 10'000'000u);  // JOIN_ACCEPT_DELAY1
  EXPECT_EQ(stat(counter::downlink_gateway_busy), 1u);
}

TEST_F(otaa_join, RejoinStartsANewSessionWithFreshCounters) {
  const auto a1 = join(device_, 1);
  const auto a2 = join(device_, 2);
  EXPECT_NE(a1.join_nonce, a2.join_nonce);
  const auto keys =
      lorawan::derive_session_keys(crypto_, device_.app_key->bytes, a2.join_nonce, a2.net_id, 2);
  core::aes_key nwk, app;
  nwk.bytes = keys.nwk_s_key;
  app.bytes = keys.app_s_key;
  feed_and_run(data_up(a2.dev_addr, nwk, app, 0, 1, text("new")));
  ASSERT_EQ(events_.uplinks.size(), 1u);
  EXPECT_EQ(events_.uplinks[0].ids.dev_addr, addr_of(a2.dev_addr));
  EXPECT_EQ(events_.joins.size(), 2u);
}

TEST_F(otaa_join, OldSessionWorksUntilTheNewOneIsUsed) {
  const auto a1 = join(device_, 1);
  const auto k1 = lorawan::derive_session_keys(crypto_, device_.app_key->bytes, a1.join_nonce, a1.net_id, 1);
  core::aes_key nwk1, app1;
  nwk1.bytes = k1.nwk_s_key;
  app1.bytes = k1.app_s_key;
  feed_and_run(data_up(a1.dev_addr, nwk1, app1, 0, 1, text("s1")));
  // The device rejoins but misses the accept: it keeps talking in the first session.
  const auto a2 = join(device_, 2);
  feed_and_run(data_up(a1.dev_addr, nwk1, app1, 1, 1, text("still s1")));
  ASSERT_EQ(events_.uplinks.size(), 2u);
  EXPECT_EQ(events_.uplinks[1].frm_payload, text("still s1"));
  EXPECT_EQ(events_.uplinks[1].ids.dev_addr, addr_of(a1.dev_addr));
  // Once it uses the new session, the old one is gone.
  const auto k2 = lorawan::derive_session_keys(crypto_, device_.app_key->bytes, a2.join_nonce, a2.net_id, 2);
  core::aes_key nwk2, app2;
  nwk2.bytes = k2.nwk_s_key;
  app2.bytes = k2.app_s_key;
  feed_and_run(data_up(a2.dev_addr, nwk2, app2, 0, 1, text("s2")));
  feed_and_run(data_up(a1.dev_addr, nwk1, app1, 2, 1, text("late s1")));
  ASSERT_EQ(events_.uplinks.size(), 3u);
  EXPECT_EQ(events_.uplinks[2].frm_payload, text("s2"));
  EXPECT_EQ(stat(counter::unknown_dev_addr), 1u);
}

TEST_F(otaa_join, DevNonceReuseIsRefusedBefore104) {
  join(device_, 7);
  join(device_, 3);  // 1.0.3: random nonces, any unused one is fine
  feed_and_run(join_req(device_, 7));
  EXPECT_EQ(downlinks_.sent.size(), 2u);
  EXPECT_EQ(events_.joins.size(), 2u);
  EXPECT_EQ(stat(counter::dev_nonce_reused), 1u);
}

TEST_F(otaa_join, DevNonceMustIncreaseIn104) {
  const auto d = otaa_device("otaa104", dev_eui + 1, 0x2C, "1.0.4");
  join(d, 10);
  feed_and_run(join_req(d, 9));   // lower: refused
  feed_and_run(join_req(d, 10));  // equal: refused
  EXPECT_EQ(stat(counter::dev_nonce_reused), 2u);
  join(d, 11);
  EXPECT_EQ(events_.joins.size(), 2u);
}

TEST_F(otaa_join, UsedDevNoncesSurviveARestart) {
  join(device_, 42);
  restart();
  feed_and_run(join_req(device_, 42));
  EXPECT_EQ(stat(counter::dev_nonce_reused), 1u);
  EXPECT_EQ(downlinks_.sent.size(), 1u);
}

TEST_F(otaa_join, SessionSurvivesARestartAndDeletedDevicesStopWorking) {
  const auto accept = join(device_, 5);
  const auto keys =
      lorawan::derive_session_keys(crypto_, device_.app_key->bytes, accept.join_nonce, accept.net_id, 5);
  core::aes_key nwk, app;
  nwk.bytes = keys.nwk_s_key;
  app.bytes = keys.app_s_key;
  feed_and_run(data_up(accept.dev_addr, nwk, app, 3, 2, text("before")));
  restart();
  feed_and_run(data_up(accept.dev_addr, nwk, app, 3, 2, text("before")));  // replay after restart
  feed_and_run(data_up(accept.dev_addr, nwk, app, 4, 2, text("after")));
  ASSERT_EQ(events_.uplinks.size(), 2u);
  EXPECT_EQ(events_.uplinks[1].frm_payload, text("after"));

  registry::device_store store(*db_);
  ASSERT_TRUE(store.remove("app1", "otaa1"));
  server_->reload_devices();
  run();
  feed_and_run(data_up(accept.dev_addr, nwk, app, 5, 2, text("gone")));
  EXPECT_EQ(events_.uplinks.size(), 2u);
  EXPECT_EQ(stat(counter::unknown_dev_addr), 1u);
  for (const auto& s : persistence_->load_all()) EXPECT_NE(s.device_id, "otaa1");
}

TEST_F(otaa_join, WrongAppKeyAndUnknownDevEuiAreDropped) {
  auto wrong = device_;
  wrong.app_key = key_of(0x77);
  feed_and_run(join_req(wrong, 1));
  EXPECT_EQ(stat(counter::join_mic_failed), 1u);
  auto stranger = otaa_device("x", 0x1122334455667788, 0x2B);
  feed_and_run(join_req(stranger, 1));
  EXPECT_EQ(stat(counter::unknown_dev_eui), 1u);
  EXPECT_TRUE(downlinks_.offered.empty());
  EXPECT_TRUE(events_.joins.empty());
}

TEST_F(otaa_join, Rx2WhenTheGatewayRefusesRx1) {
  downlinks_.accept_first_n = 0;
  feed_and_run(join_req(device_, 1), {{"gw1", 5, -80, 100}});
  ASSERT_EQ(downlinks_.offered.size(), 2u);
  const auto& rx2 = downlinks_.offered[1];
  EXPECT_EQ(rx2.scheduled.timestamp, 100u + 6'000'000u);
  EXPECT_EQ(rx2.scheduled.frequency, 869'525'000u);
  EXPECT_EQ(rx2.scheduled.data_rate, (data_rate{lora_data_rate{125'000, 12, "4/5"}}));
  EXPECT_NE(rx2.id, downlinks_.offered[0].id);
  // Nobody took it: no session switch, no join event, but the nonce is spent.
  EXPECT_TRUE(events_.joins.empty());
  EXPECT_EQ(stat(counter::join_not_scheduled), 1u);
  downlinks_.accept_first_n = 1000;
  feed_and_run(join_req(device_, 1));
  EXPECT_EQ(stat(counter::dev_nonce_reused), 1u);
}

TEST_F(otaa_join, Rx1TimestampWrapsAround) {
  join(device_, 1, {{"gw1", 5, -80, 0xFFFFFF00u}});
  EXPECT_EQ(downlinks_.sent[0].scheduled.timestamp, 0xFFFFFF00u + 5'000'000u);  // modulo 2^32
}

TEST(dev_addr_allocation, NetIdTypesGiveTheirPrefixes) {
  EXPECT_EQ(dev_addr_range_of(0x000013), (dev_addr_range{0x26000000, 0x01FFFFFF}));
  EXPECT_EQ(dev_addr_range_of(0x000000), (dev_addr_range{0x00000000, 0x01FFFFFF}));
  EXPECT_EQ(dev_addr_range_of(0x000001), (dev_addr_range{0x02000000, 0x01FFFFFF}));
  // Type 3 (NetID 0x6000xx): prefix 1110, 11-bit NwkID, 17-bit NwkAddr.
  EXPECT_EQ(dev_addr_range_of(0x600005), (dev_addr_range{0xE0000000u | (5u << 17), 0x1FFFF}));
  // Type 7: prefix 11111110, 17-bit NwkID, 7-bit NwkAddr.
  EXPECT_EQ(dev_addr_range_of(0xE00001), (dev_addr_range{0xFE000000u | (1u << 7), 0x7F}));
}

TEST(dev_addr_allocation, HonoursTheCallersCondition) {
  dev_addr_allocator a(0x000013, 1);
  for (int i = 0; i < 100; ++i) {
    auto addr = a.allocate([](std::uint32_t v) { return v % 3 == 1; });
    ASSERT_TRUE(addr);
    EXPECT_EQ(*addr % 3, 1u);
    EXPECT_EQ(*addr & 0xFE000000u, 0x26000000u);
  }
  EXPECT_FALSE(a.allocate([](std::uint32_t) { return false; }, 10));
}

}  // namespace
}  // namespace tether::network::test
