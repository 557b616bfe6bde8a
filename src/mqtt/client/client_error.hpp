#pragma once
// Why the MQTT client gave up: the server refused CONNECT (one value per CONNACK return code of
// MQTT 3.1.1), refused a subscription, or answered with a packet the protocol does not allow.

#include <boost/system/error_code.hpp>

#include <type_traits>

namespace tether::mqtt {

enum class client_errc {
  ok = 0,
  unacceptable_protocol_version = 1,  // CONNACK return codes 1..5 keep their values
  identifier_rejected = 2,
  server_unavailable = 3,
  bad_username_or_password = 4,
  not_authorized = 5,
  subscription_refused = 0x80,  // SUBACK return code 0x80
  protocol_violation,           // an acknowledgement for nothing, a packet a server must not send
};

const boost::system::error_category& client_category() noexcept;

inline boost::system::error_code make_error_code(client_errc e) noexcept {
  return {static_cast<int>(e), client_category()};
}

}  // namespace tether::mqtt

template <>
struct boost::system::is_error_code_enum<tether::mqtt::client_errc> : std::true_type {};
