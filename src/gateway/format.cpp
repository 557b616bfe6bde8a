// The defaults of gateway::format: a message kind the format never classifies is refused, so a
// format without status, TxAck or session messages only implements what it has.

#include "gateway/format.hpp"

#include <fmt/format.h>
#include <boost/system/errc.hpp>

namespace tether::gateway {
namespace {

boost::system::error_code unsupported() { return make_error_code(boost::system::errc::not_supported); }

}  // namespace

credentials_result refuse_login(mqtt::codec::connack_code code, std::string reason) {
  return {std::nullopt, code, std::move(reason)};
}

std::optional<std::string_view> topic_suffix(std::string_view prefix, std::string_view gateway_id,
                                             std::string_view topic) {
  if (!topic.starts_with(prefix)) return std::nullopt;
  topic.remove_prefix(prefix.size());
  if (!topic.starts_with(gateway_id) || topic.substr(gateway_id.size()).substr(0, 1) != "/")
    return std::nullopt;
  return topic.substr(gateway_id.size() + 1);
}

gateway_topics topics_under(std::string_view prefix, std::string_view gateway_id) {
  return {fmt::format("{}{}/down", prefix, gateway_id), fmt::format("{}{}/errors", prefix, gateway_id),
          fmt::format("{}{}/+", prefix, gateway_id)};
}

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
