#pragma once
// FCtrl byte, whose bits 6 and 4 mean different things in each direction.

#include "lorawan/frame/frames.hpp"

#include <cstdint>

namespace tether::lorawan {

constexpr std::uint8_t fopts_len_of(std::uint8_t fctrl_byte) { return fctrl_byte & 0x0f; }
fctrl parse_fctrl(std::uint8_t byte, direction dir);
// FOptsLen goes in the low nibble; the caller guarantees fopts_len <= 15.
std::uint8_t build_fctrl(const fctrl& f, direction dir, std::uint8_t fopts_len);

}  // namespace tether::lorawan
