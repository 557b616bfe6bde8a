#pragma once
// MHDR: MType (bits 7:5), RFU (4:2), Major (1:0).

#include "lorawan/error.hpp"
#include "lorawan/frame/frames.hpp"

#include <cstdint>

namespace tether::lorawan {

// Accepts only LoRaWAN R1 with the RFU bits clear; MType 110 is refused (1.1 Rejoin-request).
result<mtype> parse_mhdr(std::uint8_t byte);
constexpr std::uint8_t build_mhdr(mtype t) {
  return static_cast<std::uint8_t>(static_cast<unsigned>(t) << 5);
}

}  // namespace tether::lorawan
