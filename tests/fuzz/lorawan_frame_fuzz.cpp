// Fuzzes the LoRaWAN frame parser: any input either fails cleanly or parses into fields that build back
// to the same bytes; MIC checks, decryption and join-accept decoding must never over-read.

#include "lorawan/frame/build.hpp"
#include "lorawan/frame/parse.hpp"
#include "lorawan/mac/mac_codec.hpp"
#include "lorawan/secure_frame.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>

namespace {

using namespace tether::lorawan;

void check_round_trip(byte_view input, const phy_payload& parsed) {
  auto built = build_phy_payload(parsed);
  if (!built || !std::equal(built->begin(), built->end(), input.begin(), input.end())) std::abort();
}

void exercise_security(crypto_context& crypto, byte_view input, const phy_payload& parsed) {
  const aes_key key{0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
                    0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c};
  if (const auto* frame = std::get_if<data_frame>(&parsed)) {
    (void)verify_data_mic(crypto, key, input, frame->header.f_cnt);
    bytes clear;
    decrypt_frm_payload(crypto, *frame, 0x10000u | frame->header.f_cnt, key, key, clear);
    if (clear.size() != frame->frm_payload.size()) std::abort();
    const auto dir = direction_of(frame->type);
    if (dir == direction::uplink) {
      (void)mac::decode_uplink(frame->header.f_opts);
    } else {
      (void)mac::decode_downlink(frame->header.f_opts);
    }
    auto again = encode_data_frame(crypto, *frame, frame->header.f_cnt, key, key);
    if (!again || again->size() != input.size()) std::abort();
  } else if (std::holds_alternative<encrypted_join_accept>(parsed)) {
    (void)decode_join_accept(crypto, input, key);
  } else if (std::holds_alternative<join_request>(parsed)) {
    (void)verify_join_request_mic(crypto, key, input);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static crypto_context crypto;  // OpenSSL contexts are reused across inputs, as in the server
  const byte_view input(data, size);
  auto parsed = parse_phy_payload(input);
  (void)parse_join_accept(input);  // the clear form, as a device sees it
  (void)verify_data_mic(crypto, aes_key{}, input, 0);
  if (!parsed) return 0;
  check_round_trip(input, *parsed);
  exercise_security(crypto, input, *parsed);
  return 0;
}
