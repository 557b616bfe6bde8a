#pragma once
// The Data API messages an application sends to Tether on a connector's topic_down (spec/everynet.md
// B2), parsed into plain structs: downlink_response (answers a downlink_request by its packet_hash),
// downlink_claim (asks for a downlink_request now: Class C), status_request and join_response (read,
// so that they can be refused by name: Tether runs joins and DevStatusReq itself). Lenient where the
// Data API's own examples are: a payload that is not padded base64 but is hex ("220de733f4") is taken
// as hex; `status` is the older spelling of status_request. Unknown keys are ignored. Anything else —
// not JSON, not an object, no or an unknown type, a field of the wrong type — is an error with the
// reason, never an exception.

#include "application/connector/data_api_meta.hpp"
#include "network/radio.hpp"

#include <boost/system/result.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace tether::application::connector {

struct downlink_response {
  data_api_meta meta;  // packet_hash always set
  bool pending = false;
  bool confirmed = false;
  std::optional<std::uint32_t> counter_down;
  std::uint8_t port = 1;
  std::optional<network::bytes> payload;            // plaintext
  std::optional<network::bytes> encrypted_payload;  // already encrypted by the application
  bool queue_if_late = false;
};

struct downlink_claim {
  data_api_meta meta;  // device always set
};

struct status_request {
  data_api_meta meta;
};

struct join_response {
  data_api_meta meta;
};

using downstream_message = std::variant<downlink_response, downlink_claim, status_request, join_response>;

// Why a message was refused, and what it said of itself (for the error answer's meta).
struct downstream_error {
  std::string reason;  // one sentence
  std::string code;    // "invalid_json", "invalid_message", "unknown_type", "invalid_payload", ...
  data_api_meta meta;  // as far as it could be read
};

using downstream_result = boost::system::result<downstream_message, downstream_error>;

downstream_result parse_downstream(std::string_view payload);

// Padded base64 (standard or URL-safe alphabet), else hex; nullopt when it is neither.
std::optional<network::bytes> decode_payload(std::string_view text);

}  // namespace tether::application::connector
