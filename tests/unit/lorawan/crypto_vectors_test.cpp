// Public crypto vectors from the spec file (V1-V3, V5 key derivation), each checked both ways.

#include "lorawan/crypto/join_accept_cipher.hpp"
#include "lorawan/crypto/mic.hpp"
#include "lorawan/crypto/payload_cipher.hpp"
#include "lorawan/crypto/session_keys.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

namespace tether::lorawan {
namespace {

using test::hex;
using test::key;

bytes crypt(crypto_context& c, const aes_key& k, direction dir, std::uint32_t addr, std::uint32_t fcnt,
            const bytes& in) {
  bytes out(in.size());
  crypt_frm_payload(c, k, dir, addr, fcnt, in, out.data());
  return out;
}

// V1: TTS pkg/crypto/data_messages_test.go
TEST(crypto_vectors, v1_frm_payload_uplink_both_ways) {
  crypto_context c;
  const auto k = test::repeated_key(0x01);
  EXPECT_EQ(crypt(c, k, direction::uplink, 0x01020304, 1, hex("01020304")), hex("cff30b4e"));
  EXPECT_EQ(crypt(c, k, direction::uplink, 0x01020304, 1, hex("cff30b4e")), hex("01020304"));
}

TEST(crypto_vectors, v1_frm_payload_downlink_both_ways) {
  crypto_context c;
  const auto k = test::repeated_key(0x01);
  EXPECT_EQ(crypt(c, k, direction::downlink, 0x01020304, 1, hex("01020304")), hex("4e75f440"));
  EXPECT_EQ(crypt(c, k, direction::downlink, 0x01020304, 1, hex("4e75f440")), hex("01020304"));
}

TEST(crypto_vectors, v1_data_mic_each_direction) {
  crypto_context c;
  const auto k = test::repeated_key(0x01);
  const bytes msg = hex("40 04030201 00 0100 01 01020304");
  EXPECT_EQ(compute_data_mic(c, k, direction::uplink, 0x01020304, 1, msg), test::mic_of("3b073182"));
  EXPECT_EQ(compute_data_mic(c, k, direction::downlink, 0x01020304, 1, msg), test::mic_of("a5609fa9"));
}

// V2: TTS pkg/crypto/join_messages_test.go
TEST(crypto_vectors, v2_join_request_mic) {
  crypto_context c;
  const bytes msg = hex("00 0807060504030201 0807060504030201 0201");
  EXPECT_EQ(compute_join_mic(c, test::repeated_key(0x01), msg), test::mic_of("e6e10c55"));
}

TEST(crypto_vectors, v2_join_accept_mic_and_encryption_both_ways) {
  crypto_context c;
  const auto k = test::repeated_key(0x01);
  EXPECT_EQ(compute_join_mic(c, k, hex("20 030201 030201 04030201 00 01")), test::mic_of("32f54ab3"));
  const bytes clear = hex("20 030201030201040302010001 32f54ab3");
  const bytes wire = hex("20 c9fbb259e11649096a568a9e3b7117c3");
  EXPECT_EQ(encrypt_join_accept(c, k, clear).value(), wire);
  EXPECT_EQ(decrypt_join_accept(c, k, wire).value(), clear);
}

TEST(crypto_vectors, join_accept_cipher_refuses_wrong_sizes) {
  crypto_context c;
  EXPECT_EQ(encrypt_join_accept(c, aes_key{}, hex("20 0102")).error(), lorawan_error::invalid_join_accept);
  EXPECT_EQ(decrypt_join_accept(c, aes_key{}, bytes(18, 0x20)).error(), lorawan_error::invalid_join_accept);
}

// V3: TTS pkg/crypto/key_derivation_test.go (legacy derivation)
TEST(crypto_vectors, v3_session_keys) {
  crypto_context c;
  const auto keys =
      derive_session_keys(c, key("BEC499C69E9C939E413B663961636C61"), 0xAE3B1C, 0x020101, 0x7369);
  EXPECT_EQ(keys.nwk_s_key, key("0DB924EE6AF90698E05FC7CE48303C01"));
  EXPECT_EQ(keys.app_s_key, key("8C1E0543A229088DE6F84E74BB46BD62"));
}

// V5: lora-packet key derivation
TEST(crypto_vectors, v5_session_keys) {
  crypto_context c;
  const auto keys =
      derive_session_keys(c, key("98929b92c49edba9676d646d3b612456"), 0x376338, 0xaabbcc, 0xf18e);
  EXPECT_EQ(keys.nwk_s_key, key("4e3d6e6afbcc67af2ba3c8e8ec4acf4b"));
  EXPECT_EQ(keys.app_s_key, key("610897aa6f1460623443b527d3ac6a9d"));
}

TEST(crypto_vectors, context_switches_keys_between_calls) {
  crypto_context c;
  const bytes msg = hex("00 0807060504030201 0807060504030201 0201");
  const auto a = compute_join_mic(c, test::repeated_key(0x01), msg);
  const auto b = compute_join_mic(c, test::repeated_key(0x02), msg);
  EXPECT_NE(a, b);
  EXPECT_EQ(compute_join_mic(c, test::repeated_key(0x01), msg), a);
}

}  // namespace
}  // namespace tether::lorawan
