#pragma once
// The `item` BLOB of a queued downlink. Format version 1, little-endian:
//   u8 version (1) · u8 f_port · u8 flags (bit 0 confirmed; others must be 0) · u32 attempts ·
//   u64 queued_at · u32 length + FRMPayload · u16 n, then n × (u32 length + correlation ID).
// seq, IDs and priority are columns of their own.

#include "storage/downlink_queue_store.hpp"

#include <string>
#include <string_view>

namespace tether::storage {

inline constexpr std::uint8_t downlink_item_format = 1;

std::string encode_downlink_item(const downlink_item& item);
// Fills everything but seq, the IDs and priority. Throws storage_error on an unknown version or a
// damaged record; `what` names it in the message.
downlink_item decode_downlink_item(std::string_view blob, const std::string& what);

}  // namespace tether::storage
