#include "application/ttsv3/event_json.hpp"

#include "core/base64.hpp"
#include "core/rfc3339.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <charconv>
#include <string_view>

namespace tether::application::ttsv3 {
namespace {

using nlohmann::json;

std::string b64(const network::bytes& b) {
  return core::to_base64({reinterpret_cast<const char*>(b.data()), b.size()});
}

// float32 fields as Go prints them: the shortest decimal that reads back as the same float
// (-42.3, not -42.299999237060547).
double shortest(float f) {
  char text[32];
  const auto end = std::to_chars(text, text + sizeof text, f).ptr;
  double d = 0;
  std::from_chars(text, end, d);
  return d;
}

// Zero values are omitted, as protojson with EmitUnpopulated=false does.
template <class T>
void put(json& j, const char* key, const T& value) {
  if (value != T{}) j[key] = value;
}
void put_float(json& j, const char* key, float value) {
  if (value != 0) j[key] = shortest(value);
}
void put_time(json& j, const char* key, network::time_point t) {
  if (t != network::time_point{}) j[key] = core::to_rfc3339(t);
}
void put_bytes(json& j, const char* key, const network::bytes& b) {
  if (!b.empty()) j[key] = b64(b);
}

std::string_view location_source_name(network::location_source s) {
  switch (s) {
    case network::location_source::unknown:
      return "SOURCE_UNKNOWN";
    case network::location_source::gps:
      return "SOURCE_GPS";
    case network::location_source::registry:
      return "SOURCE_REGISTRY";
    case network::location_source::ip_geolocation:
      return "SOURCE_IP_GEOLOCATION";
    case network::location_source::wifi_rssi_geolocation:
      return "SOURCE_WIFI_RSSI_GEOLOCATION";
    case network::location_source::bt_rssi_geolocation:
      return "SOURCE_BT_RSSI_GEOLOCATION";
    case network::location_source::lora_rssi_geolocation:
      return "SOURCE_LORA_RSSI_GEOLOCATION";
    case network::location_source::lora_tdoa_geolocation:
      return "SOURCE_LORA_TDOA_GEOLOCATION";
    case network::location_source::combined_geolocation:
      return "SOURCE_COMBINED_GEOLOCATION";
  }
  return "SOURCE_UNKNOWN";
}

json location_json(const network::location& l) {
  json j = json::object();
  put(j, "latitude", l.latitude);
  put(j, "longitude", l.longitude);
  put(j, "altitude", l.altitude);
  put(j, "accuracy", l.accuracy);
  if (l.source != network::location_source::unknown) j["source"] = location_source_name(l.source);
  return j;
}

json end_device_ids_json(const network::device_ids& ids) {
  json j{{"device_id", ids.device_id}, {"application_ids", {{"application_id", ids.application_id}}}};
  if (ids.dev_eui) j["dev_eui"] = ids.dev_eui->to_hex();
  if (ids.join_eui) j["join_eui"] = ids.join_eui->to_hex();
  if (ids.dev_addr != core::dev_addr{}) j["dev_addr"] = ids.dev_addr.to_hex();
  return j;
}

json data_rate_json(const network::data_rate& rate) {
  if (const auto* lora = std::get_if<network::lora_data_rate>(&rate)) {
    json j = json::object();
    put(j, "bandwidth", lora->bandwidth);
    put(j, "spreading_factor", lora->spreading_factor);
    put(j, "coding_rate", lora->coding_rate);
    return {{"lora", j}};
  }
  if (const auto* fsk = std::get_if<network::fsk_data_rate>(&rate)) {
    json j = json::object();
    put(j, "bit_rate", fsk->bit_rate);
    return {{"fsk", j}};
  }
  const auto& lr = std::get<network::lrfhss_data_rate>(rate);
  json j = json::object();
  put(j, "modulation_type", lr.modulation_type);
  put(j, "operating_channel_width", lr.operating_channel_width);
  put(j, "coding_rate", lr.coding_rate);
  return {{"lrfhss", j}};
}

json settings_json(const network::tx_settings& s) {
  json j{{"data_rate", data_rate_json(s.data_rate)}};
  if (s.frequency) j["frequency"] = std::to_string(s.frequency);
  put(j, "enable_crc", s.enable_crc);
  put(j, "timestamp", s.timestamp);
  if (s.time) put_time(j, "time", *s.time);
  return j;
}

json rx_metadata_json(const network::rx_metadata& md) {
  json ids{{"gateway_id", md.gateway_id}};
  if (md.gateway_eui) ids["eui"] = md.gateway_eui->to_hex();
  json j{{"gateway_ids", ids}};
  put(j, "antenna_index", md.antenna_index);
  if (md.time) put_time(j, "time", *md.time);
  put(j, "timestamp", md.timestamp);
  if (md.fine_timestamp) j["fine_timestamp"] = std::to_string(md.fine_timestamp);
  put_float(j, "rssi", md.rssi);
  if (md.signal_rssi) j["signal_rssi"] = shortest(*md.signal_rssi);
  put_float(j, "channel_rssi", md.channel_rssi);
  put_float(j, "rssi_standard_deviation", md.rssi_standard_deviation);
  put_float(j, "snr", md.snr);
  if (md.frequency_offset) j["frequency_offset"] = std::to_string(md.frequency_offset);
  if (md.location) j["location"] = location_json(*md.location);
  put_bytes(j, "uplink_token", md.uplink_token);
  put(j, "channel_index", md.channel_index);
  if (md.gps_time) put_time(j, "gps_time", *md.gps_time);
  put_time(j, "received_at", md.received_at);
  return j;
}

json envelope(const network::device_ids& ids, const std::vector<std::string>& correlation_ids,
              network::time_point received_at) {
  json j{{"end_device_ids", end_device_ids_json(ids)}};
  if (!correlation_ids.empty()) j["correlation_ids"] = correlation_ids;
  put_time(j, "received_at", received_at);
  return j;
}

std::string_view priority_name(network::downlink_priority p) {
  switch (p) {
    case network::downlink_priority::lowest:
      return "LOWEST";
    case network::downlink_priority::low:
      return "LOW";
    case network::downlink_priority::below_normal:
      return "BELOW_NORMAL";
    case network::downlink_priority::normal:
      return "NORMAL";
    case network::downlink_priority::above_normal:
      return "ABOVE_NORMAL";
    case network::downlink_priority::high:
      return "HIGH";
    case network::downlink_priority::highest:
      return "HIGHEST";
  }
  return "LOWEST";
}

json application_downlink_json(const network::application_downlink& d) {
  json j = json::object();
  put_bytes(j, "session_key_id", d.session_key_id);
  put(j, "f_port", d.f_port);
  put(j, "f_cnt", d.f_cnt);
  put_bytes(j, "frm_payload", d.frm_payload);
  put(j, "confirmed", d.confirmed);
  if (d.priority != network::downlink_priority::lowest) j["priority"] = priority_name(d.priority);
  if (!d.correlation_ids.empty()) j["correlation_ids"] = d.correlation_ids;
  return j;
}

}  // namespace

std::string_view downlink_event_suffix(network::downlink_outcome outcome) {
  switch (outcome) {
    case network::downlink_outcome::queued:
      return "down/queued";
    case network::downlink_outcome::sent:
      return "down/sent";
    case network::downlink_outcome::ack:
      return "down/ack";
    case network::downlink_outcome::nack:
      return "down/nack";
    case network::downlink_outcome::failed:
      return "down/failed";
  }
  return "down/failed";
}

std::string render_downlink_event(const network::downlink_event& event) {
  auto j = envelope(event.ids, event.downlink.correlation_ids, event.at);
  auto downlink = application_downlink_json(event.downlink);
  switch (event.outcome) {
    case network::downlink_outcome::queued:
      j["downlink_queued"] = downlink;
      break;
    case network::downlink_outcome::sent:
      j["downlink_sent"] = downlink;
      break;
    case network::downlink_outcome::ack:
      j["downlink_ack"] = downlink;
      break;
    case network::downlink_outcome::nack:
      j["downlink_nack"] = downlink;
      break;
    case network::downlink_outcome::failed: {
      json error{{"namespace", "pkg/networkserver"}};
      if (event.error) {
        error["name"] = event.error->name;
        error["message_format"] = event.error->message;
      }
      j["downlink_failed"] = {{"downlink", downlink}, {"error", error}};
      break;
    }
  }
  return j.dump();
}

std::string render_join(const network::join_event& event) {
  auto j = envelope(event.ids, event.correlation_ids, event.received_at);
  json accept = json::object();
  put_bytes(accept, "session_key_id", event.session_key_id);
  put_time(accept, "received_at", event.received_at);
  j["join_accept"] = accept;
  return j.dump();
}

std::string render_uplink(const network::uplink_event& event) {
  auto j = envelope(event.ids, event.correlation_ids, event.received_at);
  json up = json::object();
  put_bytes(up, "session_key_id", event.session_key_id);
  put(up, "f_port", event.f_port);
  put(up, "f_cnt", event.f_cnt);
  put_bytes(up, "frm_payload", event.frm_payload);
  json metadata = json::array();
  for (const auto& md : event.rx_metadata) metadata.push_back(rx_metadata_json(md));
  if (!metadata.empty()) up["rx_metadata"] = metadata;
  up["settings"] = settings_json(event.settings);
  put_time(up, "received_at", event.received_at);
  put(up, "confirmed", event.confirmed);
  if (event.consumed_airtime.count())
    up["consumed_airtime"] = core::to_duration_seconds(event.consumed_airtime);
  if (!event.band_id.empty()) up["version_ids"] = {{"band_id", event.band_id}};
  up["network_ids"] = {{"net_id", fmt::format("{:06X}", event.net_id)}};
  j["uplink_message"] = up;
  return j.dump();
}

}  // namespace tether::application::ttsv3
