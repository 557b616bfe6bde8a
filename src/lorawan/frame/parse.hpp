#pragma once
// PHYPayload parsing. Every length is checked against the bytes actually present: a short or oversized
// frame yields an error value, never an over-read.

#include "lorawan/error.hpp"
#include "lorawan/frame/frames.hpp"

namespace tether::lorawan {

result<phy_payload> parse_phy_payload(byte_view wire);
result<data_frame> parse_data_frame(byte_view wire);
result<join_request> parse_join_request(byte_view wire);
result<encrypted_join_accept> parse_encrypted_join_accept(byte_view wire);
// `clear` is MHDR followed by the decrypted body (17 or 33 bytes).
result<join_accept> parse_join_accept(byte_view clear);

}  // namespace tether::lorawan
