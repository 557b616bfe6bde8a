#pragma once
// Reconstruction of the 32-bit frame counter from the 16 bits that travel in FHDR.

#include "lorawan/error.hpp"

#include <cstdint>
#include <optional>

namespace tether::lorawan {

constexpr std::uint32_t max_fcnt_gap_1_0_2 = 16384;   // MAX_FCNT_GAP of LoRaWAN 1.0.0-1.0.3
constexpr std::uint32_t max_fcnt_gap_1_0_4 = 0xffff;  // at most one 16-bit rollover (1.0.4 dropped the gap)

struct fcnt_value {
  std::uint32_t value = 0;
  bool retransmission = false;  // equal to the last accepted counter: dedupe, still verify the MIC
  bool operator==(const fcnt_value&) const = default;
};

// `last` is the last accepted 32-bit counter, nullopt for a fresh session. Refuses counters behind
// `last` (which cannot happen after the rollover step, except when 32 bits are exhausted) and jumps over
// `max_gap`.
result<fcnt_value> reconstruct_fcnt(std::optional<std::uint32_t> last, std::uint16_t wire_fcnt,
                                    std::uint32_t max_gap);

}  // namespace tether::lorawan
