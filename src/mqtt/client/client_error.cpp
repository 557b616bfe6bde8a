#include "mqtt/client/client_error.hpp"

#include <string>

namespace tether::mqtt {
namespace {

class category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "mqtt.client"; }
  std::string message(int value) const override {
    switch (static_cast<client_errc>(value)) {
      case client_errc::ok:
        return "success";
      case client_errc::unacceptable_protocol_version:
        return "connection refused: unacceptable protocol version";
      case client_errc::identifier_rejected:
        return "connection refused: client identifier rejected";
      case client_errc::server_unavailable:
        return "connection refused: server unavailable";
      case client_errc::bad_username_or_password:
        return "connection refused: bad user name or password";
      case client_errc::not_authorized:
        return "connection refused: not authorized";
      case client_errc::subscription_refused:
        return "subscription refused";
      case client_errc::protocol_violation:
        return "the server broke the MQTT protocol";
    }
    return "unknown MQTT client error";
  }
};

}  // namespace

const boost::system::error_category& client_category() noexcept {
  static const category instance;
  return instance;
}

}  // namespace tether::mqtt
