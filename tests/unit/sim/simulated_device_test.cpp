// The simulated device against the LoRaWAN library's network side: what it sends verifies and decrypts
// with the keys the network would hold, and it joins only with a join-accept made with its AppKey.

#include "sim/simulated_device.hpp"
#include "lorawan/crypto/session_keys.hpp"
#include "lorawan/frame/parse.hpp"
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

}  // namespace
}  // namespace tether::sim
