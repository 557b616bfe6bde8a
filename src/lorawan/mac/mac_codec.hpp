#pragma once
// MAC command lists (FOpts, or FRMPayload on FPort 0) to and from bytes.

#include "lorawan/error.hpp"
#include "lorawan/mac/mac_command.hpp"

#include <span>
#include <vector>

namespace tether::lorawan::mac {

// Lengths are implicit in the CID, so parsing stops at the first unknown CID (stop = unknown_mac_command)
// or at a command cut short (stop = truncated); `commands` holds what came before.
template <class Command>
struct decoded_list {
  std::vector<Command> commands;
  lorawan_error stop = lorawan_error::ok;
  std::size_t stop_offset = 0;  // bytes from here on were not understood
};

decoded_list<uplink_command> decode_uplink(byte_view data);
decoded_list<downlink_command> decode_downlink(byte_view data);

// Appends CID | payload; invalid_field when a value does not fit its bits (frequency not a multiple of
// 100 Hz or over 24 bits, nibble over 15, ...).
result<void> encode(const uplink_command& command, bytes& out);
result<void> encode(const downlink_command& command, bytes& out);
result<bytes> encode_all(std::span<const uplink_command> commands);
result<bytes> encode_all(std::span<const downlink_command> commands);

// The command's name as the LoRaWAN spec writes it ("LinkADRReq").
const char* name_of(const uplink_command& command);
const char* name_of(const downlink_command& command);

}  // namespace tether::lorawan::mac
