#include "lorawan/frame/fctrl.hpp"

namespace tether::lorawan {

fctrl parse_fctrl(std::uint8_t byte, direction dir) {
  fctrl f;
  f.adr = (byte & 0x80) != 0;
  f.adr_ack_req = (byte & 0x40) != 0;
  f.ack = (byte & 0x20) != 0;
  if (dir == direction::uplink) {
    f.class_b = (byte & 0x10) != 0;
  } else {
    f.f_pending = (byte & 0x10) != 0;
  }
  return f;
}

std::uint8_t build_fctrl(const fctrl& f, direction dir, std::uint8_t fopts_len) {
  const bool bit4 = dir == direction::uplink ? f.class_b : f.f_pending;
  return static_cast<std::uint8_t>((f.adr ? 0x80 : 0) | (f.adr_ack_req ? 0x40 : 0) | (f.ack ? 0x20 : 0) |
                                   (bit4 ? 0x10 : 0) | (fopts_len & 0x0f));
}

}  // namespace tether::lorawan
