#include "application/connector/data_api_parse.hpp"

#include "core/base64.hpp"
#include "core/hex.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>

namespace tether::application::connector {
namespace {

using nlohmann::json;

constexpr std::size_t max_payload = 256;  // above any LoRaWAN frame

downstream_error error(std::string reason, std::string code, data_api_meta meta = {}) {
  return {std::move(reason), std::move(code), std::move(meta)};
}

bool is_hex_id(const std::string& s, std::size_t min, std::size_t max) {
  return s.size() >= min && s.size() <= max &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isxdigit(c); });
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// meta: every field optional, each checked for its type. Empty: fine; else the reason.
std::string read_meta(const json& msg, data_api_meta& meta) {
  const auto it = msg.find("meta");
  if (it == msg.end()) return {};
  if (!it->is_object()) return "meta must be an object";
  const json& m = *it;
  auto text = [&](const char* key, std::optional<std::string>& out) -> std::string {
    const auto f = m.find(key);
    if (f == m.end() || f->is_null()) return {};
    if (!f->is_string()) return std::string("meta.") + key + " must be a string";
    out = f->get<std::string>();
    return {};
  };
  using text_field = std::pair<const char*, std::optional<std::string>*>;
  const std::array<text_field, 7> fields{{{"network", &meta.network},
                                          {"packet_hash", &meta.packet_hash},
                                          {"application", &meta.application},
                                          {"device_addr", &meta.device_addr},
                                          {"device", &meta.device},
                                          {"packet_id", &meta.packet_id},
                                          {"gateway", &meta.gateway}}};
  for (auto [key, field] : fields) {
    if (auto bad = text(key, *field); !bad.empty()) return bad;
  }
  if (const auto t = m.find("time"); t != m.end() && !t->is_null()) {
    if (!t->is_number()) return "meta.time must be a number";
    meta.time = t->get<double>();
  }
  if (const auto h = m.find("history"); h != m.end() && h->is_boolean()) meta.history = h->get<bool>();
  if (meta.device) {
    if (!is_hex_id(*meta.device, 16, 16)) return "meta.device must be a DevEUI: 16 hex digits";
    meta.device = lower(*meta.device);
  }
  if (meta.packet_hash) meta.packet_hash = lower(*meta.packet_hash);
  return {};
}

// A boolean, number or payload param: the value, the default when absent, or the reason.
std::string read_bool(const json& params, const char* key, bool& out) {
  const auto it = params.find(key);
  if (it == params.end() || it->is_null()) return {};
  if (!it->is_boolean()) return std::string("params.") + key + " must be true or false";
  out = it->get<bool>();
  return {};
}

std::string read_payload(const json& params, const char* key, std::optional<network::bytes>& out) {
  const auto it = params.find(key);
  if (it == params.end() || it->is_null()) return {};
  if (!it->is_string()) return std::string("params.") + key + " must be a base64 (or hex) string";
  auto raw = decode_payload(it->get_ref<const std::string&>());
  if (!raw) return std::string("params.") + key + " is neither base64 nor hex";
  if (raw->size() > max_payload) return std::string("params.") + key + " is longer than 256 bytes";
  out = std::move(*raw);
  return {};
}

downstream_result read_response(const json& msg, data_api_meta meta) {
  if (!meta.packet_hash || meta.packet_hash->empty())
    return error("a downlink_response needs meta.packet_hash: that of the downlink_request it answers",
                 "invalid_message", meta);
  downlink_response r;
  const auto p = msg.find("params");
  if (p != msg.end() && !p->is_null()) {
    if (!p->is_object()) return error("params must be an object", "invalid_message", meta);
    std::string bad;
    if (bad.empty()) bad = read_bool(*p, "pending", r.pending);
    if (bad.empty()) bad = read_bool(*p, "confirmed", r.confirmed);
    if (bad.empty()) bad = read_bool(*p, "queue_if_late", r.queue_if_late);
    if (!bad.empty()) return error(bad, "invalid_message", meta);
    if (const auto port = p->find("port"); port != p->end() && !port->is_null()) {
      if (!port->is_number_unsigned() || port->get<std::uint64_t>() == 0 || port->get<std::uint64_t>() > 223)
        return error("params.port must be a number from 1 to 223", "invalid_port", meta);
      r.port = static_cast<std::uint8_t>(port->get<std::uint64_t>());
    }
    if (const auto c = p->find("counter_down"); c != p->end() && !c->is_null()) {
      if (!c->is_number_unsigned() || c->get<std::uint64_t>() > 0xffffffffu)
        return error("params.counter_down must be a number from 0 to 4294967295", "invalid_message", meta);
      r.counter_down = static_cast<std::uint32_t>(c->get<std::uint64_t>());
    }
    if (bad = read_payload(*p, "payload", r.payload); !bad.empty())
      return error(bad, "invalid_payload", meta);
    if (bad = read_payload(*p, "encrypted_payload", r.encrypted_payload); !bad.empty())
      return error(bad, "invalid_payload", meta);
  }
  r.meta = std::move(meta);
  return downstream_message{std::move(r)};
}

}  // namespace

std::optional<network::bytes> decode_payload(std::string_view text) {
  if (text.size() % 4 == 0) {
    std::string standard(text);
    std::replace(standard.begin(), standard.end(), '-', '+');
    std::replace(standard.begin(), standard.end(), '_', '/');
    if (auto raw = core::from_base64(standard)) return network::bytes(raw->begin(), raw->end());
  }
  if (text.find(' ') != std::string_view::npos) return std::nullopt;  // from_hex would skip spaces
  if (auto raw = core::from_hex(text)) return network::bytes(raw->begin(), raw->end());
  return std::nullopt;
}

downstream_result parse_downstream(std::string_view payload) {
  auto msg = json::parse(payload.begin(), payload.end(), nullptr, false);
  if (msg.is_discarded()) return error("not JSON", "invalid_json");
  if (!msg.is_object()) return error("a Data API message must be a JSON object", "invalid_message");
  data_api_meta meta;
  if (auto bad = read_meta(msg, meta); !bad.empty()) return error(bad, "invalid_message");
  const auto type = msg.find("type");
  if (type == msg.end() || !type->is_string())
    return error("the message has no \"type\" string", "invalid_message", meta);
  const auto& name = type->get_ref<const std::string&>();
  if (name == "downlink_response") return read_response(msg, std::move(meta));
  if (name == "downlink_claim") {
    if (!meta.device)
      return error("a downlink_claim needs meta.device (the DevEUI)", "invalid_message", meta);
    return downstream_message{downlink_claim{std::move(meta)}};
  }
  if (name == "status_request" || name == "status")
    return downstream_message{status_request{std::move(meta)}};
  if (name == "join_response") return downstream_message{join_response{std::move(meta)}};
  return error("type '" + name.substr(0, 64) +
                   "' cannot be sent to the network: use downlink_response or downlink_claim",
               "unknown_type", meta);
}

}  // namespace tether::application::connector
