#include "gateway/ttsv3/codec_error.hpp"

#include <string>

namespace tether::gateway::ttsv3 {
namespace {

class codec_category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "ttsv3_codec"; }

  std::string message(int ev) const override {
    switch (static_cast<codec_error>(ev)) {
      case codec_error::ok:
        return "ok";
      case codec_error::not_protobuf:
        return "not a valid protobuf message";
      case codec_error::missing_settings:
        return "missing tx settings";
      case codec_error::missing_data_rate:
        return "missing data rate";
      case codec_error::frequency_too_low:
        return "frequency below 100 kHz";
      case codec_error::empty_payload:
        return "empty raw payload";
      case codec_error::crc_failed:
        return "CRC failed";
      case codec_error::wrong_gateway:
        return "rx metadata of another gateway";
      case codec_error::invalid_gateway_id:
        return "invalid gateway ID";
      case codec_error::too_many_antennas:
        return "too many antennas";
      case codec_error::invalid_correlation_id:
        return "correlation ID longer than 100 characters";
      case codec_error::invalid_status:
        return "gateway status exceeds limits";
      case codec_error::unknown_tx_result:
        return "unknown TxAck result";
      case codec_error::invalid_time:
        return "time out of range";
      case codec_error::missing_downlink:
        return "missing downlink message";
    }
    return "unknown ttsv3 codec error";
  }
};

}  // namespace

const boost::system::error_category& codec_category() noexcept {
  static const codec_category_impl instance;
  return instance;
}

}  // namespace tether::gateway::ttsv3
