#pragma once
// The MAC layer state of a session that the uplink path produces and the downlink path (issue #8)
// consumes: receive-window settings the join-accept gave the device, MAC answers waiting for a
// downlink, and device MAC commands that need the scheduler. Persisted as session_record::mac_state.

#include "lorawan/mac/mac_command.hpp"
#include "network/adr.hpp"

#include <cstdint>
#include <vector>

namespace tether::network {

struct mac_state {
  std::uint8_t rx1_delay = 1;  // seconds, as the join-accept (or ABP default) set it
  std::uint8_t rx1_dr_offset = 0;
  std::uint8_t rx2_data_rate = 0;
  std::uint32_t rx2_frequency = 0;  // Hz
  // Answers to send with the next downlink (FOpts), oldest first.
  std::vector<lorawan::mac::downlink_command> pending_answers;
  // Device commands the uplink path does not handle (answers to our requests, DevStatusAns, ...),
  // oldest first, for the downlink scheduler and ADR.
  std::vector<lorawan::mac::uplink_command> received;
  network::adr_state adr;  // what adaptive data rate has seen and asked for
};

// Bounds: answers must fit a downlink's FOpts (15 bytes); the oldest go first when they would not.
constexpr std::size_t max_pending_answer_bytes = 15;
constexpr std::size_t max_received_commands = 16;  // older ones are dropped

// Queues an answer; an answer with the same CID replaces the older one (only the newest matters).
void queue_answer(mac_state& state, lorawan::mac::downlink_command answer);
void record_received(mac_state& state, lorawan::mac::uplink_command command);

std::vector<std::uint8_t> encode_mac_state(const mac_state& state);
// An empty or unreadable blob gives the defaults (a session stored before this format existed).
mac_state decode_mac_state(const std::vector<std::uint8_t>& blob);

}  // namespace tether::network
