// The simulated device against the LoRaWAN library's network side: what it sends verifies and decrypts
// with the keys the network would hold, it joins only with a join-accept made with its AppKey, and it
// takes downlinks the network builds: MIC, FCntDown, decryption, MAC answers and the ACK bit.

#include "sim/simulated_device.hpp"
#include "lorawan/crypto/session_keys.hpp"
#include "lorawan/frame/frames.hpp"
#include "lorawan/frame/parse.hpp"
#include "lorawan/mac/mac_codec.hpp"
#include "lorawan/secure_frame.hpp"

#include <gtest/gtest.h>

namespace tether::sim {
namespace {

lorawan::aes_key key_of(std::uint8_t first) {
  lorawan::aes_key k{};
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<std::uint8_t>(first + i);
  return k;
}

const otaa_keys otaa{0x70B3D57ED0000001, 0x0000000000000042, key_of(0x10)};

TEST(simulated_device, join_requests_count_dev_nonce_up_and_carry_a_valid_mic) {
  lorawan::crypto_context crypto;
  simulated_device d("sim-dev-1", otaa, 0xfffe);
  for (std::uint16_t expected : {0xfffe, 0xffff, 0x0000}) {
    auto wire = d.build_join_request(crypto);
    ASSERT_EQ(wire.size(), 23u);
    EXPECT_TRUE(lorawan::verify_join_request_mic(crypto, otaa.app_key, wire));
    auto r = lorawan::parse_join_request(wire);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->dev_eui, otaa.dev_eui);
    EXPECT_EQ(r->join_eui, otaa.join_eui);
    EXPECT_EQ(r->dev_nonce, expected);
    EXPECT_EQ(d.last_dev_nonce(), expected);
  }
  EXPECT_FALSE(d.joined());
}

TEST(simulated_device, join_accept_derives_the_networks_session_keys) {
  lorawan::crypto_context crypto;
  simulated_device d("sim-dev-1", otaa, 7);
  (void)d.build_join_request(crypto);
  lorawan::join_accept a;
  a.join_nonce = 0x000102;
  a.net_id = 0x000013;
  a.dev_addr = 0x26012345;
  a.rx_delay = 5;
  auto wire = lorawan::encode_join_accept(crypto, a, otaa.app_key);
  ASSERT_TRUE(d.accept_join(crypto, wire));
  ASSERT_TRUE(d.joined());
  auto expected = lorawan::derive_session_keys(crypto, otaa.app_key, a.join_nonce, a.net_id, 7);
  EXPECT_EQ(d.current_session()->dev_addr, 0x26012345u);
  EXPECT_EQ(d.current_session()->nwk_s_key, expected.nwk_s_key);
  EXPECT_EQ(d.current_session()->app_s_key, expected.app_s_key);
  EXPECT_EQ(d.next_f_cnt(), 0u);
  // The same accept again is not for a pending join any more.
  EXPECT_FALSE(d.accept_join(crypto, wire));
}

TEST(simulated_device, ignores_a_join_accept_made_with_another_app_key) {
  lorawan::crypto_context crypto;
  simulated_device d("sim-dev-1", otaa, 7);
  (void)d.build_join_request(crypto);
  lorawan::join_accept a;
  a.dev_addr = 0x26000001;
  EXPECT_FALSE(d.accept_join(crypto, lorawan::encode_join_accept(crypto, a, key_of(0x99))));
  EXPECT_FALSE(d.joined());
}

TEST(simulated_device, ignores_a_join_accept_before_any_join_request) {
  lorawan::crypto_context crypto;
  simulated_device d("sim-dev-1", otaa, 7);
  lorawan::join_accept a;
  EXPECT_FALSE(d.accept_join(crypto, lorawan::encode_join_accept(crypto, a, otaa.app_key)));
}

TEST(simulated_device, abp_uplinks_verify_and_decrypt_with_increasing_fcnt) {
  lorawan::crypto_context crypto;
  session s{0x26000042, key_of(0x20), key_of(0x30)};
  simulated_device d("sim-dev-2", s);
  ASSERT_TRUE(d.joined());
  const lorawan::bytes payload{1, 2, 3, 4, 5, 6, 7, 8};
  for (std::uint32_t expected = 0; expected < 3; ++expected) {
    auto up = d.build_uplink(crypto, payload);
    ASSERT_TRUE(up);
    EXPECT_EQ(up->f_cnt, expected);
    EXPECT_TRUE(lorawan::verify_data_mic(crypto, s.nwk_s_key, up->phy_payload, expected));
    auto f = lorawan::parse_data_frame(up->phy_payload);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->header.dev_addr, s.dev_addr);
    EXPECT_EQ(f->header.f_cnt, expected);
    EXPECT_EQ(f->f_port, 1);
    EXPECT_NE(f->frm_payload, payload);  // encrypted on the air
    lorawan::bytes clear;
    lorawan::decrypt_frm_payload(crypto, *f, expected, s.nwk_s_key, s.app_s_key, clear);
    EXPECT_EQ(clear, payload);
  }
}

// ---------------------------------------------------------------------------------------------------
// Downlinks: built as the network core builds them (lorawan::encode_data_frame), taken by the device.

namespace downlinks {

namespace mac = lorawan::mac;

const session abp{0x26000042, key_of(0x20), key_of(0x30)};

lorawan::bytes downlink(lorawan::crypto_context& crypto, std::uint32_t f_cnt,
                        std::optional<std::uint8_t> f_port, lorawan::bytes payload, bool confirmed = false,
                        lorawan::bytes f_opts = {}, const session& s = abp) {
  lorawan::data_frame f;
  f.type = confirmed ? lorawan::mtype::confirmed_data_down : lorawan::mtype::unconfirmed_data_down;
  f.header.dev_addr = s.dev_addr;
  f.header.f_opts = std::move(f_opts);
  f.f_port = f_port;
  f.frm_payload = std::move(payload);
  auto wire = lorawan::encode_data_frame(crypto, std::move(f), f_cnt, s.nwk_s_key, s.app_s_key);
  EXPECT_TRUE(wire);
  return wire ? *wire : lorawan::bytes{};
}

lorawan::data_frame next_uplink(lorawan::crypto_context& crypto, simulated_device& d, bool* ack = nullptr) {
  auto up = d.build_uplink(crypto, lorawan::bytes{9});
  EXPECT_TRUE(up);
  EXPECT_TRUE(lorawan::verify_data_mic(crypto, abp.nwk_s_key, up->phy_payload, up->f_cnt));
  if (ack) *ack = up->ack;
  auto f = lorawan::parse_data_frame(up->phy_payload);
  EXPECT_TRUE(f);
  return *f;
}

TEST(simulated_device_downlink, decrypts_a_data_downlink_with_its_session_keys) {
  lorawan::crypto_context crypto;
  simulated_device d("sim-dev-2", abp);
  const lorawan::bytes payload{0xde, 0xad, 0xbe, 0xef};
  auto r = d.receive_downlink(crypto, downlink(crypto, 3, 5, payload));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->f_cnt, 3u);
  EXPECT_EQ(r->f_port, 5);
  EXPECT_EQ(r->frm_payload, payload);
  EXPECT_FALSE(r->confirmed);
  EXPECT_TRUE(r->mac_commands.empty());
  EXPECT_EQ(d.last_f_cnt_down(), 3u);
  EXPECT_FALSE(d.ack_pending());
}

TEST(simulated_device_downlink, fcnt_down_must_increase) {
  lorawan::crypto_context crypto;
  simulated_device d("sim-dev-2", abp);
  ASSERT_TRUE(d.receive_downlink(crypto, downlink(crypto, 7, 1, {1})));
  auto again = d.receive_downlink(crypto, downlink(crypto, 7, 1, {1}));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error(), lorawan::lorawan_error::fcnt_replay);
  auto behind = d.receive_downlink(crypto, downlink(crypto, 6, 1, {1}));
  ASSERT_FALSE(behind);
  EXPECT_EQ(behind.error(), lorawan::lorawan_error::fcnt_replay);
  EXPECT_TRUE(d.receive_downlink(crypto, downlink(crypto, 9, 1, {1})));  // gaps are fine
  EXPECT_EQ(d.last_f_cnt_down(), 9u);
}

TEST(simulated_device_downlink, refuses_frames_of_other_sessions_and_uplinks) {
  lorawan::crypto_context crypto;
  simulated_device d("sim-dev-2", abp);
  session other = abp;
  other.nwk_s_key = key_of(0x50);
  auto r = d.receive_downlink(crypto, downlink(crypto, 1, 1, {1}, false, {}, other));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), lorawan::lorawan_error::invalid_mic);
  other = abp;
  other.dev_addr = 0x26000043;
  EXPECT_FALSE(d.receive_downlink(crypto, downlink(crypto, 1, 1, {1}, false, {}, other)));
  simulated_device sender("sim-dev-3", abp);
  auto up = sender.build_uplink(crypto, lorawan::bytes{1});
  ASSERT_TRUE(up);
  auto wrong = d.receive_downlink(crypto, up->phy_payload);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error(), lorawan::lorawan_error::wrong_mtype);
  EXPECT_FALSE(d.last_f_cnt_down());  // nothing was taken
}

TEST(simulated_device_downlink, a_confirmed_downlink_sets_ack_in_the_next_uplink_only) {
  lorawan::crypto_context crypto;
  simulated_device d("sim-dev-2", abp);
  bool ack = true;
  EXPECT_FALSE(next_uplink(crypto, d, &ack).header.f_ctrl.ack);
  EXPECT_FALSE(ack);
  auto r = d.receive_downlink(crypto, downlink(crypto, 0, 2, {1, 2}, true));
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->confirmed);
  EXPECT_TRUE(d.ack_pending());
  EXPECT_TRUE(next_uplink(crypto, d, &ack).header.f_ctrl.ack);
  EXPECT_TRUE(ack);
  EXPECT_FALSE(d.ack_pending());
  EXPECT_FALSE(next_uplink(crypto, d).header.f_ctrl.ack);
}

TEST(simulated_device_downlink, mac_requests_in_fopts_are_applied_and_answered_in_the_next_uplink) {
  lorawan::crypto_context crypto;
  simulated_device d("sim-dev-2", abp);
  const std::vector<mac::downlink_command> requests{
      mac::rx_timing_setup_req{5},
      mac::dev_status_req{},
      mac::rx_param_setup_req{2, 3, 869'525'000},
      mac::link_adr_req{5, 1, 0x0007, 0, 1},
  };  // 13 bytes of FOpts
  auto f_opts = mac::encode_all(requests);
  ASSERT_TRUE(f_opts);
  auto r = d.receive_downlink(crypto, downlink(crypto, 0, 1, {7}, false, *f_opts));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->mac_commands, requests);
  EXPECT_FALSE(r->mac_commands_cut);
  EXPECT_EQ(d.windows().rx1_delay, 5);
  EXPECT_EQ(d.windows().rx1_dr_offset, 2);
  EXPECT_EQ(d.windows().rx2_data_rate, 3);
  EXPECT_EQ(d.windows().rx2_frequency, 869'525'000u);

  auto up = d.build_uplink(crypto, lorawan::bytes{9});
  ASSERT_TRUE(up);
  EXPECT_EQ(up->mac_answers, 4u);
  auto f = lorawan::parse_data_frame(up->phy_payload);
  ASSERT_TRUE(f);
  auto answers = mac::decode_uplink(f->header.f_opts);
  EXPECT_EQ(answers.stop, lorawan::lorawan_error::ok);
  const std::vector<mac::uplink_command> expected{
      mac::rx_timing_setup_ans{},
      mac::dev_status_ans{dev_status_battery, dev_status_margin},
      mac::rx_param_setup_ans{true, true, true},
      mac::link_adr_ans{true, true, true},
  };
  EXPECT_EQ(answers.commands, expected);
  EXPECT_TRUE(next_uplink(crypto, d).header.f_opts.empty());  // answered once
}

TEST(simulated_device_downlink, mac_commands_on_fport_0_are_decrypted_with_the_nwk_s_key) {
  lorawan::crypto_context crypto;
  simulated_device d("sim-dev-2", abp);
  const std::vector<mac::downlink_command> commands{mac::link_check_ans{7, 2}, mac::dev_status_req{}};
  auto payload = mac::encode_all(commands);
  ASSERT_TRUE(payload);
  auto r = d.receive_downlink(crypto, downlink(crypto, 4, 0, *payload));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->f_port, 0);
  EXPECT_EQ(r->mac_commands, commands);
  ASSERT_TRUE(d.last_link_check());
  EXPECT_EQ(*d.last_link_check(), (mac::link_check_ans{7, 2}));
  auto f = next_uplink(crypto, d);
  EXPECT_EQ(mac::decode_uplink(f.header.f_opts).commands,
            (std::vector<mac::uplink_command>{mac::dev_status_ans{dev_status_battery, dev_status_margin}}));
}

TEST(simulated_device_downlink, answers_beyond_15_bytes_wait_for_the_next_uplink) {
  lorawan::crypto_context crypto;
  simulated_device d("sim-dev-2", abp);
  // Four LinkADRReqs and four DevStatusReqs on FPort 0 ask for 4 x 2 + 4 x 3 = 20 bytes of answers.
  std::vector<mac::downlink_command> commands(4, mac::link_adr_req{5, 1, 0x0007, 0, 1});
  for (int i = 0; i < 4; ++i) commands.emplace_back(mac::dev_status_req{});
  auto payload = mac::encode_all(commands);
  ASSERT_TRUE(payload);
  ASSERT_TRUE(d.receive_downlink(crypto, downlink(crypto, 0, 0, *payload)));
  EXPECT_EQ(d.pending_answers().size(), 8u);
  auto first = next_uplink(crypto, d);
  EXPECT_LE(first.header.f_opts.size(), 15u);
  const auto sent_first = mac::decode_uplink(first.header.f_opts).commands.size();
  EXPECT_EQ(sent_first, 6u);  // 4 x 2 + 2 x 3 = 14; one more DevStatusAns would make 17
  EXPECT_EQ(d.pending_answers().size(), 8u - sent_first);
}

TEST(simulated_device_downlink, join_accept_sets_the_receive_windows) {
  lorawan::crypto_context crypto;
  rx_settings defaults{1, 0, 869'525'000, 0};
  simulated_device d("sim-dev-1", otaa, 7, defaults);
  EXPECT_EQ(d.windows(), defaults);
  (void)d.build_join_request(crypto);
  lorawan::join_accept a;
  a.dev_addr = 0x26012345;
  a.rx_delay = 5;
  a.dl_settings.rx1_dr_offset = 1;
  a.dl_settings.rx2_data_rate = 3;
  ASSERT_TRUE(d.accept_join(crypto, lorawan::encode_join_accept(crypto, a, otaa.app_key)));
  EXPECT_EQ(d.windows(), (rx_settings{5, 1, 869'525'000, 3}));
  EXPECT_EQ(d.default_windows(), defaults);
}

}  // namespace downlinks

}  // namespace
}  // namespace tether::sim
