#pragma once
// The `state` BLOB of a device session. Format version 1, little-endian:
//   u8 version (1) · u8 flags (bit 0 active, bit 1 has_f_cnt_up; others must be 0) ·
//   u32 next_join_nonce · u8 n, then n × u16 used DevNonces (oldest first, n ≤ 64) ·
//   4 B DevAddr · 16 B NwkSKey · 16 B AppSKey · u32 f_cnt_up · u32 n_f_cnt_down · u32 a_f_cnt_down ·
//   u32 length + MAC state bytes.
// IDs and updated_at are columns of their own. A new layout gets a new version byte; decoding keeps
// reading every older version.

#include "storage/device_session_store.hpp"

#include <string>
#include <string_view>

namespace tether::storage {

inline constexpr std::uint8_t device_session_format = 1;

// Keeps the newest max_dev_nonces DevNonces.
std::string encode_device_session(const device_session& s);
// Fills everything but the IDs and updated_at. Throws storage_error on an unknown version or a damaged
// record; `what` names it in the message.
device_session decode_device_session(std::string_view blob, const std::string& what);

}  // namespace tether::storage
