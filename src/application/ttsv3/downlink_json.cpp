#include "application/ttsv3/downlink_json.hpp"

#include "core/base64.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>

namespace tether::application::ttsv3 {
namespace {

using nlohmann::json;
constexpr std::size_t max_correlation_id = 100;

constexpr std::array<std::string_view, 7> priority_names{"LOWEST",       "LOW",  "BELOW_NORMAL", "NORMAL",
                                                         "ABOVE_NORMAL", "HIGH", "HIGHEST"};

// Standard or URL-safe alphabet, padded or not (protojson accepts all four).
std::optional<network::bytes> decode_base64(std::string text) {
  std::replace(text.begin(), text.end(), '-', '+');
  std::replace(text.begin(), text.end(), '_', '/');
  while (text.size() % 4 != 0) text += '=';
  auto raw = core::from_base64(text);
  if (!raw) return std::nullopt;
  return network::bytes(raw->begin(), raw->end());
}

const json* field(const json& item, const char* snake, const char* camel) {
  if (auto it = item.find(snake); it != item.end()) return &*it;
  if (auto it = item.find(camel); it != item.end()) return &*it;
  return nullptr;
}

// One item: the downlink as far as it could be read, and why it cannot be queued (if so).
std::pair<network::application_downlink, std::optional<network::downlink_error>> parse_item(
    const json& item) {
  network::application_downlink d;
  auto fail = [&](std::string name, std::string message) {
    return std::pair{d, std::optional<network::downlink_error>{
                            network::downlink_error{std::move(name), std::move(message)}}};
  };
  if (!item.is_object()) return fail("invalid_downlink", "a downlink must be a JSON object");
  if (const auto* ids = field(item, "correlation_ids", "correlationIds")) {
    if (!ids->is_array()) return fail("invalid_correlation_ids", "correlation_ids must be a list of strings");
    for (const auto& id : *ids) {
      if (!id.is_string() || id.get_ref<const std::string&>().size() > max_correlation_id)
        return fail("invalid_correlation_ids",
                    "each correlation ID must be a string of at most 100 characters");
      d.correlation_ids.push_back(id.get<std::string>());
    }
  }
  if (const auto* confirmed = field(item, "confirmed", "confirmed")) {
    if (!confirmed->is_boolean()) return fail("invalid_confirmed", "confirmed must be true or false");
    d.confirmed = confirmed->get<bool>();
  }
  if (const auto* priority = field(item, "priority", "priority")) {
    if (priority->is_string()) {
      const auto it = std::find(priority_names.begin(), priority_names.end(), priority->get<std::string>());
      if (it == priority_names.end()) return fail("invalid_priority", "priority must be LOWEST ... HIGHEST");
      d.priority = static_cast<network::downlink_priority>(it - priority_names.begin());
    } else if (priority->is_number_unsigned() && priority->get<unsigned>() < priority_names.size()) {
      d.priority = static_cast<network::downlink_priority>(priority->get<unsigned>());
    } else {
      return fail("invalid_priority", "priority must be LOWEST ... HIGHEST or 0 ... 6");
    }
  }
  const auto* port = field(item, "f_port", "fPort");
  if (port && !port->is_number_unsigned())
    return fail("invalid_f_port", "f_port must be a number from 1 to 223");
  const unsigned f_port = port ? port->get<unsigned>() : 0;
  if (f_port == 0)
    return fail("no_f_port", "f_port is missing or 0: application downlinks use FPort 1 to 223");
  if (f_port > 223)
    return fail("invalid_f_port", "f_port must be from 1 to 223 (224 and above are reserved)");
  d.f_port = static_cast<std::uint8_t>(f_port);
  const auto* payload = field(item, "frm_payload", "frmPayload");
  if (!payload) return fail("no_payload", "frm_payload is missing");
  if (!payload->is_string()) return fail("invalid_frm_payload", "frm_payload must be base64");
  auto bytes = decode_base64(payload->get<std::string>());
  if (!bytes) return fail("invalid_frm_payload", "frm_payload is not valid base64");
  d.frm_payload = std::move(*bytes);
  return {d, std::nullopt};
}

}  // namespace

boost::system::result<parsed_downlinks, std::string> parse_downlinks(std::string_view body) {
  const auto doc = json::parse(body, nullptr, false);
  if (doc.is_discarded()) return std::string("the body is not JSON");
  if (!doc.is_object()) return std::string("the body must be a JSON object with a \"downlinks\" list");
  const auto it = doc.find("downlinks");
  if (it == doc.end() || !it->is_array()) return std::string("the body has no \"downlinks\" list");
  parsed_downlinks out;
  for (const auto& item : *it) {
    auto [downlink, error] = parse_item(item);
    if (error) {
      out.rejected.emplace_back(std::move(downlink), std::move(*error));
    } else {
      out.valid.push_back(std::move(downlink));
    }
  }
  return out;
}

}  // namespace tether::application::ttsv3
