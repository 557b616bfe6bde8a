#include "lorawan/error.hpp"

#include <string>

namespace tether::lorawan {
namespace {

class lorawan_category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "lorawan"; }

  std::string message(int value) const override { return describe(static_cast<lorawan_error>(value)); }

 private:
  static const char* describe(lorawan_error e) {
    switch (e) {
      case lorawan_error::ok:
        return "ok";
      case lorawan_error::truncated:
        return "truncated";
      case lorawan_error::too_long:
        return "too long";
      case lorawan_error::unsupported_major:
        return "unsupported major version";
      case lorawan_error::rfu_mtype:
        return "RFU message type";
      case lorawan_error::rfu_bits_set:
        return "RFU bits set in MHDR";
      case lorawan_error::wrong_mtype:
        return "wrong message type";
      case lorawan_error::missing_fport:
        return "FRMPayload without FPort";
      case lorawan_error::mac_commands_twice:
        return "MAC commands in FOpts and FRMPayload";
      case lorawan_error::fopts_too_long:
        return "FOpts longer than 15 bytes";
      case lorawan_error::invalid_join_accept:
        return "join-accept is neither 17 nor 33 bytes";
      case lorawan_error::invalid_mic:
        return "invalid MIC";
      case lorawan_error::unknown_mac_command:
        return "unknown MAC command";
      case lorawan_error::invalid_field:
        return "field out of range";
      case lorawan_error::fcnt_replay:
        return "frame counter replayed";
      case lorawan_error::fcnt_gap_too_large:
        return "frame counter gap too large";
      case lorawan_error::unknown_frequency_plan:
        return "unknown frequency plan";
      case lorawan_error::invalid_data_rate:
        return "invalid data rate";
      case lorawan_error::invalid_frequency:
        return "invalid frequency";
    }
    return "unknown lorawan error";
  }
};

}  // namespace

const boost::system::error_category& lorawan_category() noexcept {
  static const lorawan_category_impl category;
  return category;
}

}  // namespace tether::lorawan
