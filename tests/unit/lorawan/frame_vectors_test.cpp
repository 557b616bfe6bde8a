// Whole-frame vectors from the spec file (V4-V6): each wire frame is parsed, verified and decrypted to
// its fields, and the fields are encoded back to the same bytes.

#include "lorawan/frame/build.hpp"
#include "lorawan/frame/parse.hpp"
#include "lorawan/mac/mac_codec.hpp"
#include "lorawan/secure_frame.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

namespace tether::lorawan {
namespace {

using test::hex;
using test::key;

struct data_vector {
  const char* name;
  data_frame plain;  // FRMPayload in clear, MIC as on the wire
  std::uint32_t fcnt;
  aes_key nwk_s_key;
  aes_key app_s_key;
  const char* wire;
};

data_frame frame(mtype t, std::uint32_t addr, fctrl fc, std::uint16_t fcnt, std::optional<std::uint8_t> port,
                 bytes payload, const char* mic) {
  data_frame f;
  f.type = t;
  f.header.dev_addr = addr;
  f.header.f_ctrl = fc;
  f.header.f_cnt = fcnt;
  f.f_port = port;
  f.frm_payload = std::move(payload);
  f.mic = test::mic_of(mic);
  return f;
}

const aes_key v5_nwk = key("44024241ed4ce9a68c6a8bc055233fd3");
const aes_key v5_app = key("ec925802ae430ca77fd3dd73cb2cc588");

std::vector<data_vector> data_vectors() {
  const auto up = mtype::unconfirmed_data_up;
  return {
      {"v4_hello", frame(up, 0x01020304, {.adr = true}, 1, 1, test::text("hello"), "d6c3b582"), 1,
       test::repeated_key(0x02), test::repeated_key(0x01), "40 04030201 80 0100 01 a694642615 d6c3b582"},
      {"v4_fport0_mac", frame(up, 0x01020304, {}, 0, 0, hex("020305"), "ee6aa508"), 0,
       test::repeated_key(0x01), test::repeated_key(0x02), "40 04030201 00 0000 00 69369e ee6aa508"},
      {"v5_test", frame(up, 0x49be7df1, {}, 2, 1, test::text("test"), "2b11ff0d"), 2, v5_nwk, v5_app,
       "40F17DBE4900020001954378762B11FF0D"},
      {"v5_empty_payload", frame(up, 0x49be7df1, {}, 3, 1, {}, "2a3518af"), 3, v5_nwk, v5_app,
       "40F17DBE49000300012A3518AF"},
      {"v5_ack_downlink",
       frame(mtype::unconfirmed_data_down, 0x49be7df1, {.ack = true}, 2, 1, {}, "f9d65d27"), 2, v5_nwk,
       v5_app, "60f17dbe4920020001f9d65d27"},
      {"v5_three_blocks",
       frame(up, 0x49be7df1, {}, 4, 1, test::text("The quick brown fox jumps over the lazy dog."),
             "0af3c5e7"),
       4, v5_nwk, v5_app,
       "40f17dbe490004000155332de41a11adc072553544429ce7787707d1c316e027e7e5e334263376affb8aa17ad30075293f28d"
       "ea8a20af3"
       "c5e7"},
      {"v6_fcnt32", frame(up, 0x49be7df1, {}, 2, 1, test::text("test"), "57da3671"), 0x00010002, v5_nwk,
       v5_app, "40f17dbe49000200011e3fcdcc57da3671"},
      {"v6_downlink_ack_fpending",
       frame(mtype::unconfirmed_data_down, 0x01020304, {.ack = true, .f_pending = true}, 5, 10, hex("cafe"),
             "4f55d529"),
       5, v5_nwk, v5_app, "60040302013005000ac9c64f55d529"},
  };
}

class data_vectors_test : public testing::TestWithParam<data_vector> {};

TEST_P(data_vectors_test, decodes_verifies_and_decrypts) {
  const auto& v = GetParam();
  crypto_context c;
  const bytes wire = hex(v.wire);
  auto parsed = parse_data_frame(wire);
  ASSERT_TRUE(parsed) << parsed.error().message();
  EXPECT_TRUE(verify_data_mic(c, v.nwk_s_key, wire, v.fcnt));
  bytes clear;
  decrypt_frm_payload(c, *parsed, v.fcnt, v.nwk_s_key, v.app_s_key, clear);
  data_frame decoded = *parsed;
  decoded.frm_payload = clear;
  EXPECT_EQ(decoded, v.plain);
}

TEST_P(data_vectors_test, encodes_to_the_same_bytes) {
  const auto& v = GetParam();
  crypto_context c;
  EXPECT_EQ(test::to_hex(encode_data_frame(c, v.plain, v.fcnt, v.nwk_s_key, v.app_s_key).value()),
            test::to_hex(hex(v.wire)));
}

INSTANTIATE_TEST_SUITE_P(spec, data_vectors_test, testing::ValuesIn(data_vectors()),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(frame_vectors, v6_fcnt32_fails_with_upper_bits_zero) {
  crypto_context c;
  EXPECT_FALSE(verify_data_mic(c, v5_nwk, hex("40f17dbe49000200011e3fcdcc57da3671"), 2));
}

TEST(frame_vectors, v4_fport0_payload_is_mac_commands) {
  const auto list = mac::decode_uplink(hex("020305"));
  ASSERT_EQ(list.commands.size(), 2u);
  EXPECT_EQ(list.commands[0], mac::uplink_command{mac::link_check_req{}});
  EXPECT_EQ(list.commands[1], mac::uplink_command{(mac::link_adr_ans{true, false, true})});
}

struct join_request_vector {
  const char* name;
  join_request request;
  aes_key app_key;
  const char* wire;
};

class join_request_vectors_test : public testing::TestWithParam<join_request_vector> {};

TEST_P(join_request_vectors_test, both_ways) {
  const auto& v = GetParam();
  crypto_context c;
  const bytes wire = hex(v.wire);
  EXPECT_EQ(parse_join_request(wire).value(), v.request);
  EXPECT_TRUE(verify_join_request_mic(c, v.app_key, wire));
  EXPECT_EQ(encode_join_request(c, v.request, v.app_key), wire);
}

INSTANTIATE_TEST_SUITE_P(
    spec, join_request_vectors_test,
    testing::Values(
        join_request_vector{"v2_tts",
                            {0x0102030405060708, 0x0102030405060708, 0x0102, test::mic_of("e6e10c55")},
                            test::repeated_key(0x01),
                            "00 0807060504030201 0807060504030201 0201 e6e10c55"},
        join_request_vector{"v4_brocaar",
                            {0x0102030401020304, 0x0203040502030405, 0x102d, test::mic_of("6a990e12")},
                            test::repeated_key(0x01),
                            "00 0403020104030201 0504030205040302 2d10 6a990e12"},
        join_request_vector{"v5_lora_packet",
                            {0xAA13693363343639, 0x3331383274356905, 0x8904, test::mic_of("c65b1304")},
                            key("98929b92c49edba9676d646d3b612456"),
                            "0039363463336913AA05693574323831330489C65B1304"},
        join_request_vector{"lora_packet_build",
                            {0x0102030405060708, 0x0807060504030201, 0x0001, test::mic_of("53f4d174")},
                            key("98929b92c49edba9676d646d3b612456"),
                            "0008070605040302010102030405060708010053f4d174"}),
    [](const auto& info) { return std::string(info.param.name); });

struct join_accept_vector {
  const char* name;
  join_accept accept;
  aes_key app_key;
  const char* clear;
  const char* wire;
};

class join_accept_vectors_test : public testing::TestWithParam<join_accept_vector> {};

TEST_P(join_accept_vectors_test, both_ways) {
  const auto& v = GetParam();
  crypto_context c;
  EXPECT_EQ(parse_join_accept(hex(v.clear)).value(), v.accept);
  EXPECT_EQ(test::to_hex(build_join_accept(v.accept)), test::to_hex(hex(v.clear)));
  EXPECT_EQ(decode_join_accept(c, hex(v.wire), v.app_key).value(), v.accept);
  EXPECT_EQ(test::to_hex(encode_join_accept(c, v.accept, v.app_key)), test::to_hex(hex(v.wire)));
}

join_accept accept(std::uint32_t nonce, std::uint32_t net_id, std::uint32_t addr, dl_settings dl,
                   std::uint8_t delay, std::optional<aes_block> cf_list, const char* mic) {
  return {nonce, net_id, addr, dl, delay, cf_list, test::mic_of(mic)};
}

aes_block block(const char* h) {
  const bytes b = hex(h);
  aes_block out{};
  std::copy(b.begin(), b.end(), out.begin());
  return out;
}

INSTANTIATE_TEST_SUITE_P(
    spec, join_accept_vectors_test,
    testing::Values(
        join_accept_vector{"v4_brocaar",
                           accept(0x570BC7, 0x221101, 0x02031980, {}, 0, std::nullopt, "43485bbc"),
                           key("00112233445566778899aabbccddeeff"),
                           "20 c70b57 011122 80190302 00 00 43485bbc", "20493eeb51fba2116f810edb3742975142"},
        join_accept_vector{"v2_tts", accept(0x010203, 0x010203, 0x01020304, {}, 1, std::nullopt, "32f54ab3"),
                           test::repeated_key(0x01), "20 030201 030201 04030201 00 01 32f54ab3",
                           "20 c9fbb259e11649096a568a9e3b7117c3"},
        join_accept_vector{"v5_lora_packet",
                           accept(0x376338, 0xaabbcc, 0x012ccde7, {}, 0, std::nullopt, "d9d0a6e7"),
                           key("98929b92c49edba9676d646d3b612456"), "20386337CCBBAAE7CD2C010000D9D0A6E7",
                           "2088f36ae3b21314bc284e314e99257328"},
        join_accept_vector{"v5_all_zero", accept(0, 0, 0, {}, 0, std::nullopt, "f86f0a91"), aes_key{},
                           "20 000000 000000 00000000 00 00 f86f0a91", "20e3de108795f776b8037610ef7869b5b3"},
        join_accept_vector{"v6_eu868_cflist",
                           accept(1, 0x000013, 0x260B1234, {.rx2_data_rate = 3}, 5,
                                  block("184f84e85684b85e84886684586e8400"), "82b80b83"),
                           key("00112233445566778899aabbccddeeff"),
                           "2001000013000034120b260305184f84e85684b85e84886684586e840082b80b83",
                           "20792a3f7c1c952c2348516ca954cc028b4ea1d394fbda0603e3e92c950e88d9e9"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(frame_vectors, join_accept_with_wrong_key_is_invalid_mic) {
  crypto_context c;
  EXPECT_EQ(decode_join_accept(c, hex("20493eeb51fba2116f810edb3742975142"), aes_key{}).error(),
            lorawan_error::invalid_mic);
}

}  // namespace
}  // namespace tether::lorawan
