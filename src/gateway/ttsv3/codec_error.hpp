#pragma once
// Why a The Things Stack v3 gateway message was refused. The realm logs the message() and drops the
// publish, as The Things Stack does (spec §2.4); the connection stays up.

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <type_traits>

namespace tether::gateway::ttsv3 {

enum class codec_error {
  ok = 0,
  not_protobuf = 1,        // the payload does not parse as the expected message
  missing_settings,        // uplink without settings, downlink without scheduled settings
  missing_data_rate,       // settings without a LoRa, FSK or LR-FHSS data rate
  frequency_too_low,       // below 100 kHz
  empty_payload,           // no PHYPayload
  crc_failed,              // crc_status present and false
  wrong_gateway,           // rx_metadata names another gateway than the connection's
  invalid_gateway_id,      // not a The Things Stack ID
  too_many_antennas,       // more rx_metadata entries than max_antennas
  invalid_correlation_id,  // longer than 100 characters
  invalid_status,          // a GatewayStatus limit of spec §1.7 exceeded
  unknown_tx_result,       // a TxAcknowledgment result that is not a defined value
  invalid_time,            // a Timestamp outside 1678..2261 or with nanos outside 0..999999999
  missing_downlink,        // GatewayDown without a DownlinkMessage
};

const boost::system::error_category& codec_category() noexcept;

inline boost::system::error_code make_error_code(codec_error e) noexcept {
  return {static_cast<int>(e), codec_category()};
}

template <class T>
using result = boost::system::result<T>;

}  // namespace tether::gateway::ttsv3

template <>
struct boost::system::is_error_code_enum<tether::gateway::ttsv3::codec_error> : std::true_type {};
