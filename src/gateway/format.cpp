// The defaults of gateway::format: a message kind the format never classifies is refused, so a
// format without status, TxAck or session messages only implements what it has.

#include "gateway/format.hpp"

#include <boost/system/errc.hpp>

namespace tether::gateway {
namespace {

boost::system::error_code unsupported() { return make_error_code(boost::system::errc::not_supported); }

}  // namespace

result<network::gateway_status> format::decode_status(std::span<const std::uint8_t>, std::string_view,
                                                      network::time_point) const {
  return unsupported();
}

result<network::tx_ack> format::decode_tx_ack(std::span<const std::uint8_t>, std::string_view,
                                              network::time_point) const {
  return unsupported();
}

boost::system::error_code format::check_session_message(std::string_view, std::span<const std::uint8_t>,
                                                        std::string_view, std::string_view) const {
  return unsupported();
}

}  // namespace tether::gateway
