#pragma once
// PHYPayload building: the inverse of parse.hpp, byte for byte. MICs and encryption are not computed
// here (see secure_frame.hpp); the struct's fields are written as they are.

#include "lorawan/error.hpp"
#include "lorawan/frame/frames.hpp"

namespace tether::lorawan {

// Refuses FOpts over 15 bytes, FRMPayload without FPort, FOpts with FPort 0, and frames over 255 bytes.
result<bytes> build_data_frame(const data_frame& f);
bytes build_join_request(const join_request& r);
// MHDR followed by the clear body; encrypt with encrypt_join_accept before sending.
bytes build_join_accept(const join_accept& a);
bytes build_encrypted_join_accept(const encrypted_join_accept& a);
result<bytes> build_phy_payload(const phy_payload& p);

}  // namespace tether::lorawan
