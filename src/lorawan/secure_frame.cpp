#include "lorawan/secure_frame.hpp"

#include "lorawan/crypto/join_accept_cipher.hpp"
#include "lorawan/crypto/mic.hpp"
#include "lorawan/crypto/payload_cipher.hpp"
#include "lorawan/frame/build.hpp"
#include "lorawan/frame/parse.hpp"
#include "lorawan/frame/wire.hpp"

#include <algorithm>

namespace tether::lorawan {
namespace {

constexpr std::size_t mic_size = 4;

byte_view without_mic(byte_view wire) { return wire.first(wire.size() - mic_size); }

bool mic_matches(const mic& computed, byte_view wire) {
  return std::equal(computed.begin(), computed.end(), wire.end() - mic_size);
}

void write_mic(bytes& frame, const mic& m) { std::copy(m.begin(), m.end(), frame.end() - mic_size); }

}  // namespace

bool verify_data_mic(crypto_context& crypto, const aes_key& nwk_s_key, byte_view wire, std::uint32_t fcnt) {
  if (wire.size() < 12 || wire.size() > max_phy_payload_size) return false;
  const auto dir = direction_of(static_cast<mtype>(wire[0] >> 5));
  const auto dev_addr = static_cast<std::uint32_t>(wire::read_le(wire.data() + 1, 4));
  return mic_matches(compute_data_mic(crypto, nwk_s_key, dir, dev_addr, fcnt, without_mic(wire)), wire);
}

void decrypt_frm_payload(crypto_context& crypto, const data_frame& f, std::uint32_t fcnt,
                         const aes_key& nwk_s_key, const aes_key& app_s_key, bytes& out) {
  out.resize(f.frm_payload.size());
  const aes_key& key = f.f_port.value_or(0) == 0 ? nwk_s_key : app_s_key;
  crypt_frm_payload(crypto, key, direction_of(f.type), f.header.dev_addr, fcnt, f.frm_payload, out.data());
}

result<bytes> encode_data_frame(crypto_context& crypto, data_frame plain, std::uint32_t fcnt,
                                const aes_key& nwk_s_key, const aes_key& app_s_key) {
  plain.header.f_cnt = static_cast<std::uint16_t>(fcnt);
  const aes_key& key = plain.f_port.value_or(0) == 0 ? nwk_s_key : app_s_key;
  const auto dir = direction_of(plain.type);
  crypt_frm_payload(crypto, key, dir, plain.header.dev_addr, fcnt, plain.frm_payload,
                    plain.frm_payload.data());
  auto frame = build_data_frame(plain);
  if (!frame) return frame.error();
  write_mic(*frame,
            compute_data_mic(crypto, nwk_s_key, dir, plain.header.dev_addr, fcnt, without_mic(*frame)));
  return frame;
}

bytes encode_join_request(crypto_context& crypto, join_request r, const aes_key& app_key) {
  bytes frame = build_join_request(r);
  write_mic(frame, compute_join_mic(crypto, app_key, without_mic(frame)));
  return frame;
}

bool verify_join_request_mic(crypto_context& crypto, const aes_key& app_key, byte_view wire) {
  if (wire.size() != 23) return false;
  return mic_matches(compute_join_mic(crypto, app_key, without_mic(wire)), wire);
}

bytes encode_join_accept(crypto_context& crypto, join_accept a, const aes_key& app_key) {
  bytes clear = build_join_accept(a);
  write_mic(clear, compute_join_mic(crypto, app_key, without_mic(clear)));
  return encrypt_join_accept(crypto, app_key, clear).value();  // build_join_accept yields 17 or 33 bytes
}

result<join_accept> decode_join_accept(crypto_context& crypto, byte_view wire, const aes_key& app_key) {
  if (!wire.empty() && (wire[0] >> 5) != static_cast<unsigned>(mtype::join_accept)) {
    return lorawan_error::wrong_mtype;
  }
  auto clear = decrypt_join_accept(crypto, app_key, wire);
  if (!clear) return clear.error();
  auto accept = parse_join_accept(*clear);
  if (!accept) return accept.error();
  if (!mic_matches(compute_join_mic(crypto, app_key, without_mic(*clear)), *clear)) {
    return lorawan_error::invalid_mic;
  }
  return accept;
}

}  // namespace tether::lorawan
