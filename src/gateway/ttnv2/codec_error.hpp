#pragma once
// Why a TTN v2 gateway message was refused. The realm logs the message(), counts it per reason, answers on
// the gateway's errors topic and drops the publish, as the v2 bridge does (spec/ttn-v2.md §2.4); the
// connection stays up.

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <type_traits>

namespace tether::gateway::ttnv2 {

enum class codec_error {
  ok = 0,
  not_protobuf = 1,          // the payload does not parse as the expected message
  empty_payload,             // an uplink or downlink without a PHYPayload
  missing_lorawan_metadata,  // protocol metadata/configuration without its lorawan member (§1.1)
  invalid_data_rate,         // LoRa data_rate not SF{5..12}BW{125,250,500}
  missing_bit_rate,          // FSK without bit_rate
  unknown_modulation,        // a Modulation value that is neither LORA nor FSK
  frequency_too_low,         // below 100 kHz
  too_many_antennas,         // more antennas than max_antennas
  invalid_time,              // a negative Unix-ns time
  invalid_status,            // a Status limit exceeded (strings, IPs)
  missing_configuration,     // a downlink without its gateway configuration (gateway side)
  other_gateway,             // a connect/disconnect message naming another gateway
  wrong_key,                 // a connect/disconnect message whose key is not the connection's
  not_a_session_topic,       // a session message on a topic other than connect/disconnect
  invalid_gateway_id,        // the connection's gateway ID is not a valid ID
};

const boost::system::error_category& codec_category() noexcept;

inline boost::system::error_code make_error_code(codec_error e) noexcept {
  return {static_cast<int>(e), codec_category()};
}

template <class T>
using result = boost::system::result<T>;

}  // namespace tether::gateway::ttnv2

template <>
struct boost::system::is_error_code_enum<tether::gateway::ttnv2::codec_error> : std::true_type {};
