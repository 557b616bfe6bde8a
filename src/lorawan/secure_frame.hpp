#pragma once
// Frames with their security applied: MIC verification and FRMPayload decryption of received frames,
// encryption and signing of frames to send. Built from the codec (frame/) and the primitives (crypto/).

#include "lorawan/crypto/crypto_context.hpp"
#include "lorawan/error.hpp"
#include "lorawan/frame/frames.hpp"

namespace tether::lorawan {

// Checks the MIC of a data frame in its wire form (no re-encoding); fcnt is the full 32-bit counter.
// False also for a frame too short to carry a MIC.
bool verify_data_mic(crypto_context& crypto, const aes_key& nwk_s_key, byte_view wire, std::uint32_t fcnt);

// Decrypts f.frm_payload into `out` (resized): NwkSKey for FPort 0, AppSKey otherwise.
void decrypt_frm_payload(crypto_context& crypto, const data_frame& f, std::uint32_t fcnt,
                         const aes_key& nwk_s_key, const aes_key& app_s_key, bytes& out);

// `plain` carries FRMPayload in clear; FCnt in its header is replaced by the 16 LSBs of `fcnt`.
result<bytes> encode_data_frame(crypto_context& crypto, data_frame plain, std::uint32_t fcnt,
                                const aes_key& nwk_s_key, const aes_key& app_s_key);

// Computes the MIC (the struct's is ignored) and returns the 23-byte wire form.
bytes encode_join_request(crypto_context& crypto, join_request r, const aes_key& app_key);
bool verify_join_request_mic(crypto_context& crypto, const aes_key& app_key, byte_view wire);

// Computes the MIC, then encrypts: the wire form a gateway sends.
bytes encode_join_accept(crypto_context& crypto, join_accept a, const aes_key& app_key);
// Decrypts, parses and verifies; invalid_mic when the AppKey does not match.
result<join_accept> decode_join_accept(crypto_context& crypto, byte_view wire, const aes_key& app_key);

}  // namespace tether::lorawan
