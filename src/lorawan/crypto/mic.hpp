#pragma once
// Message integrity codes of LoRaWAN 1.0.x: the first four bytes of an AES-CMAC.

#include "lorawan/crypto/crypto_context.hpp"
#include "lorawan/types.hpp"

namespace tether::lorawan {

// The B0 (0x49) and Ai (0x01) blocks share one layout: tag | 0000 | Dir | DevAddr | FCnt32 | 00 | last.
aes_block make_data_block(std::uint8_t tag, direction dir, std::uint32_t dev_addr, std::uint32_t fcnt,
                          std::uint8_t last);

// `msg` is MHDR..FRMPayload (the frame without its MIC); fcnt is the full 32-bit counter.
mic compute_data_mic(crypto_context& crypto, const aes_key& nwk_s_key, direction dir, std::uint32_t dev_addr,
                     std::uint32_t fcnt, byte_view msg);
// Join-request: MHDR | JoinEUI | DevEUI | DevNonce. Join-accept: MHDR | JoinNonce .. CFList (in clear).
mic compute_join_mic(crypto_context& crypto, const aes_key& app_key, byte_view msg);

}  // namespace tether::lorawan
