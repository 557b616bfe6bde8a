#pragma once
// The JSON of the Device Management Protocol (spec A3), both ways, as pure functions fuzzed by
// tests/fuzz/iotp_dm_fuzz.cpp: the envelope of every request ({"d": {...}, "reqId": "..."}), the `d` of
// each device request, a device's response to a server request, and what the server sends. A request
// that breaks the format yields rc 400 and the reason; one that claims support for an invalid action set
// yields 403 (A3). Numbers: rc is an integer (a string rc, seen in one sample, is read as one).

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tether::iotp {

namespace dm_rc {
inline constexpr int ok = 200;
inline constexpr int accepted = 202;
inline constexpr int changed = 204;
inline constexpr int bad_request = 400;
inline constexpr int forbidden = 403;
inline constexpr int not_found = 404;
inline constexpr int conflict = 409;
inline constexpr int internal = 500;
inline constexpr int not_implemented = 501;
}  // namespace dm_rc

// What a device publishes under iotdevice-1/ (the part after `type/T/id/D/` for a gateway).
enum class dm_operation : std::uint8_t {
  manage,
  unmanage,
  location,
  add_error_code,
  clear_error_codes,
  add_log,
  clear_logs,
  notify,
  response,  // the device's answer to a server request
  unknown,
};
dm_operation operation_of(std::string_view rest) noexcept;

// A refused request: the rc to answer with and why.
struct dm_refusal {
  int rc = dm_rc::bad_request;
  std::string message;
};

struct dm_envelope {
  std::optional<std::string> req_id;
  nlohmann::json d = nlohmann::json::object();  // an object (empty when the request had none)
};
// Not JSON, not an object, a `d` that is not an object or a reqId that is not a string: 400.
std::optional<dm_envelope> parse_envelope(std::string_view payload, dm_refusal& why);

struct manage_request {
  std::optional<nlohmann::json> metadata;     // replaces the stored one when given
  std::optional<nlohmann::json> device_info;  // the same
  std::int64_t lifetime = 0;                  // 0: never dormant
  bool device_actions = false;
  bool firmware_actions = false;
  std::vector<std::string> bundles;  // custom action bundles declared `true`
};
// `min_lifetime`: the shortest lifetime other than 0 (3,600 s on the platform).
std::optional<manage_request> parse_manage(const nlohmann::json& d, std::int64_t min_lifetime,
                                           dm_refusal& why);

// The complete location to store (A3: each update replaces the whole set); `now` stamps
// measuredDateTime and updatedDateTime when the device sent none.
std::optional<nlohmann::json> parse_location(const nlohmann::json& d,
                                             std::chrono::system_clock::time_point now, dm_refusal& why);

std::optional<std::int64_t> parse_error_code(const nlohmann::json& d, dm_refusal& why);

struct log_entry {
  std::string message;
  std::string timestamp;  // ISO 8601; the server's time of receipt when none was sent
  std::string data;       // base64 as sent, may be empty
  int severity = 0;       // 0 info, 1 warning, 2 error
};
std::optional<log_entry> parse_log(const nlohmann::json& d, std::chrono::system_clock::time_point now,
                                   dm_refusal& why);

// One {field, value} of a notify (or of an observe's answer).
struct dm_field {
  std::string field;  // location, metadata, deviceInfo, mgmt.firmware
  nlohmann::json value;
};
// `fields` must be a non-empty array of objects naming a known attribute, each with a value.
std::optional<std::vector<dm_field>> parse_notify(const nlohmann::json& d, dm_refusal& why);
bool known_attribute(std::string_view field) noexcept;

// A device's answer on iotdevice-1/response.
struct dm_device_response {
  int rc = 0;
  std::string req_id;
  std::string message;
  nlohmann::json d;  // null when absent
};
std::optional<dm_device_response> parse_device_response(std::string_view payload);

// The server's answer on iotdm-1/response: always with an integer rc (IBM's gateway client dies
// without one); the message only when rc is not 200; the reqId when the request had one.
std::string render_response(int rc, std::string_view message, const std::optional<std::string>& req_id);
// A server request: {"reqId": ..., "d": ...} (d left out when null).
std::string render_request(std::string_view req_id, const nlohmann::json& d);

}  // namespace tether::iotp
