#include "lorawan/frame/mhdr.hpp"

namespace tether::lorawan {

result<mtype> parse_mhdr(std::uint8_t byte) {
  if ((byte & 0x03) != 0) return lorawan_error::unsupported_major;
  if ((byte & 0x1c) != 0) return lorawan_error::rfu_bits_set;
  const auto type = static_cast<mtype>(byte >> 5);
  if (type == mtype::rfu) return lorawan_error::rfu_mtype;
  return type;
}

const char* to_string(mtype t) {
  switch (t) {
    case mtype::join_request:
      return "JoinRequest";
    case mtype::join_accept:
      return "JoinAccept";
    case mtype::unconfirmed_data_up:
      return "UnconfirmedDataUp";
    case mtype::unconfirmed_data_down:
      return "UnconfirmedDataDown";
    case mtype::confirmed_data_up:
      return "ConfirmedDataUp";
    case mtype::confirmed_data_down:
      return "ConfirmedDataDown";
    case mtype::rfu:
      return "RFU";
    case mtype::proprietary:
      return "Proprietary";
  }
  return "RFU";
}

}  // namespace tether::lorawan
