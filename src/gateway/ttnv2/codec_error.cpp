// Messages for the TTN v2 codec errors, as the realm logs them and reports them on {id}/errors.

#include "gateway/ttnv2/codec_error.hpp"

#include <string>

namespace tether::gateway::ttnv2 {
namespace {

const char* describe(codec_error e) {
  switch (e) {
    case codec_error::ok:
      return "ok";
    case codec_error::not_protobuf:
      return "not a valid protobuf message";
    case codec_error::empty_payload:
      return "empty payload";
    case codec_error::missing_lorawan_metadata:
      return "missing lorawan metadata";
    case codec_error::invalid_data_rate:
      return "invalid LoRa data rate (want SF7BW125 style)";
    case codec_error::missing_bit_rate:
      return "FSK without bit rate";
    case codec_error::unknown_modulation:
      return "unknown modulation";
    case codec_error::frequency_too_low:
      return "frequency below 100 kHz";
    case codec_error::too_many_antennas:
      return "too many antennas";
    case codec_error::invalid_time:
      return "time out of range";
    case codec_error::invalid_status:
      return "gateway status exceeds limits";
    case codec_error::missing_configuration:
      return "missing gateway configuration";
    case codec_error::other_gateway:
      return "session message names another gateway";
    case codec_error::wrong_key:
      return "session message key does not match the connection's";
    case codec_error::not_a_session_topic:
      return "not a session topic";
    case codec_error::invalid_gateway_id:
      return "invalid gateway ID";
  }
  return "unknown ttnv2 codec error";
}

class codec_category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "ttnv2_codec"; }
  std::string message(int ev) const override { return describe(static_cast<codec_error>(ev)); }
};

}  // namespace

const boost::system::error_category& codec_category() noexcept {
  static const codec_category_impl instance;
  return instance;
}

}  // namespace tether::gateway::ttnv2
