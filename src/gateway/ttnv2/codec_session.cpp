// `connect` and `disconnect`: types.ConnectMessage / DisconnectMessage (spec/ttn-v2.md §2.1-§2.3). Real
// gateways send {id, key} after CONNACK, before a graceful DISCONNECT and as their will. The realm has
// already authenticated the connection, so a message is only checked: it must name the connection's
// gateway (compared lower-cased, as the bridge does) and carry the key it logged in with. A message that
// does not changes nothing; the realm reports it on the errors topic.

#include "gateway/ttnv2/codec.hpp"
#include "gateway/ttnv2/codec_pb.hpp"

#include <algorithm>
#include <cctype>

namespace tether::gateway::ttnv2 {
namespace {

using namespace detail;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

result<session_message> decode_session_message(std::span<const std::uint8_t> payload) {
  // ConnectMessage and DisconnectMessage have the same fields.
  const auto* msg = parse<v2::types::ConnectMessage>(payload);
  if (msg == nullptr) return codec_error::not_protobuf;
  return session_message{msg->id(), msg->key()};
}

boost::system::error_code check_session_message(std::string_view topic, std::span<const std::uint8_t> payload,
                                                std::string_view gateway_id, std::string_view key) {
  if (topic != "connect" && topic != "disconnect") return codec_error::not_a_session_topic;
  auto msg = decode_session_message(payload);
  if (!msg) return msg.error();
  if (lower(msg->id) != gateway_id) return codec_error::other_gateway;
  if (msg->key != key) return codec_error::wrong_key;
  return {};
}

std::string encode_session_message(const session_message& m) {
  auto* msg = make<v2::types::ConnectMessage>();
  msg->set_id(m.id);
  msg->set_key(m.key);
  return serialize(*msg);
}

}  // namespace tether::gateway::ttnv2
