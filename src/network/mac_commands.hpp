#pragma once
// MAC commands a device sent (FOpts, or FRMPayload on FPort 0), handled as far as the uplink alone
// allows: LinkCheckReq and DeviceTimeReq are answered (queued for the next downlink), everything else
// is recorded for the downlink scheduler and ADR.

#include "lorawan/mac/mac_command.hpp"
#include "network/mac_state.hpp"
#include "network/radio.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace tether::network {

// Required SNR to demodulate LoRa at this spreading factor (SF7 -7.5 dB ... SF12 -20 dB).
double demodulation_floor(std::uint32_t spreading_factor);

// LinkCheckAns: margin of the best reception above the floor of the uplink's data rate, and how many
// distinct gateways received the frame.
lorawan::mac::link_check_ans link_check_answer(const gateway_uplink& merged);

// DeviceTimeAns: GPS time at the end of the uplink (a gateway's GPS time when one reports it).
lorawan::mac::device_time_ans device_time_answer(const gateway_uplink& merged);

// Returns how many answers were queued.
std::size_t handle_mac_commands(std::span<const lorawan::mac::uplink_command> commands,
                                const gateway_uplink& merged, mac_state& state);

}  // namespace tether::network
