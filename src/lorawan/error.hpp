#pragma once
// Why a LoRaWAN frame, MAC command or counter was refused. Each value names the rule it breaks so that
// the network core can log and count the cause of every dropped frame.

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <type_traits>

namespace tether::lorawan {

enum class lorawan_error {
  ok = 0,
  truncated = 1,           // fewer bytes than the frame or command needs
  too_long,                // more bytes than the frame type allows (PHYPayload > 255, join-request > 23)
  unsupported_major,       // MHDR Major is not LoRaWAN R1
  rfu_mtype,               // MType 110 (Rejoin-request is LoRaWAN 1.1 only)
  rfu_bits_set,            // MHDR bits 4:2 must be zero
  wrong_mtype,             // the frame is not of the kind the caller asked for
  missing_fport,           // FRMPayload without FPort
  mac_commands_twice,      // FOpts present with FPort 0
  fopts_too_long,          // more than 15 bytes of FOpts
  invalid_join_accept,     // join-accept body neither 16 nor 32 bytes
  invalid_mic,             // the MIC does not verify
  unknown_mac_command,     // a CID this version does not define: the rest is not parsed
  invalid_field,           // a field does not fit its bits on encode (frequency, nibble, ...)
  fcnt_replay,             // counter not greater than the last accepted one
  fcnt_gap_too_large,      // counter jumped further than the gap rule allows
  unknown_frequency_plan,  // no band plan with that ID
  invalid_data_rate,       // data rate not defined by the band
  invalid_frequency,       // frequency outside the band's channels
};

const boost::system::error_category& lorawan_category() noexcept;

inline boost::system::error_code make_error_code(lorawan_error e) noexcept {
  return {static_cast<int>(e), lorawan_category()};
}

template <class T>
using result = boost::system::result<T>;

}  // namespace tether::lorawan

template <>
struct boost::system::is_error_code_enum<tether::lorawan::lorawan_error> : std::true_type {};
