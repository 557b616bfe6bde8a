#pragma once
// Adaptive data rate (issue #8). When a device lets the network steer it (FCtrl.ADR), the network
// watches the SNR of its last uplinks and asks it, through a LinkADRReq block, to use the fastest data
// rate and the lowest power its link margin allows, and as many transmissions per frame as its losses
// need (spec/lorawan.md §3.4): margin = best SNR - demodulation floor of the DR - installation margin;
// every 3 dB of margin is one step that raises the DR up to the band's highest ADR DR, then lowers the
// power; a negative margin raises the power only (the DR is never lowered: the device does that on its
// own when ADRACKReq goes unanswered). Pure: no I/O, no clock.

#include "lorawan/band/frequency_plan.hpp"
#include "lorawan/mac/mac_command.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace tether::network {

constexpr std::size_t adr_history_length = 20;  // uplinks needed before the first decision
constexpr std::uint8_t adr_max_unanswered = 3;  // requests without a LinkADRAns before giving up for a while

struct adr_uplink {
  std::uint32_t f_cnt = 0;
  float snr = 0;  // the best gateway's
  std::uint8_t data_rate = 0;
  bool operator==(const adr_uplink&) const = default;
};

// What the device transmits with: data rate index, TXPower index (0 = the band's maximum EIRP) and
// NbTrans (transmissions of each frame).
struct adr_settings {
  std::uint8_t data_rate = 0;
  std::uint8_t tx_power = 0;
  std::uint8_t nb_trans = 1;
  bool operator==(const adr_settings&) const = default;
};

struct adr_state {
  std::vector<adr_uplink> history;        // oldest first, one data rate, at most adr_history_length
  std::optional<adr_settings> confirmed;  // what the device last accepted (LinkADRAns, all bits set)
  std::optional<adr_settings> requested;  // the last LinkADRReq block sent, not answered yet
  std::uint8_t unanswered = 0;            // requests sent since the last LinkADRAns
  bool operator==(const adr_state&) const = default;
};

// Records a new (not repeated) uplink of a device with ADR on. A change of data rate starts the
// history again: its SNRs say nothing about the new rate.
void record_adr_uplink(adr_state& state, const adr_uplink& uplink);

// The settings the device should move to, or nullopt when there is not enough history, the data rate
// is not a LoRa one the band can steer, or nothing would change.
std::optional<adr_settings> adr_decision(const adr_state& state, const lorawan::band::band& band,
                                         float installation_margin_db);

// The LinkADRReq block that enables the plan's channels and sets `target`. Dynamic bands (EU868,
// AS923) address channels 0..15 with one command; `cf_list_channels` says whether the device has the
// plan's extra channels (an OTAA device got them in its join-accept) or only the band's defaults.
// Fixed bands (US915, AU915) switch every 125 kHz channel off and set the 500 kHz ones first, then
// enable the plan's 125 kHz channels 16 at a time.
std::vector<lorawan::mac::link_adr_req> link_adr_block(const lorawan::band::frequency_plan& plan,
                                                       const adr_settings& target, bool cf_list_channels);

// The device answered a block: every answer acknowledges all three fields, or the block was refused.
enum class adr_answer { accepted, refused };
// Applies the answers to the block in flight. An accepted block becomes the confirmed settings; both
// outcomes start the history again (the next decision needs fresh uplinks).
adr_answer apply_link_adr_answers(adr_state& state, const std::vector<lorawan::mac::link_adr_ans>& answers);

}  // namespace tether::network
