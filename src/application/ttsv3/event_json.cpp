#include "application/ttsv3/event_json.hpp"

#include "core/base64.hpp"
#include "core/json_writer.hpp"
#include "core/rfc3339.hpp"

#include <charconv>
#include <string_view>

namespace tether::application::ttsv3 {
namespace {

using core::json_writer;

// Zero values are omitted, as protojson with EmitUnpopulated=false does.
template <class T>
requires std::is_integral_v<T>
void put(json_writer& w, std::string_view key, T value) {
  if (value == T{}) return;
  if constexpr (std::is_same_v<T, bool>) {
    w.key(key).boolean(value);
  } else {
    w.key(key).number(value);
  }
}
void put(json_writer& w, std::string_view key, std::string_view value) {
  if (!value.empty()) w.key(key).string(value);
}
// float32 fields as Go prints them: the shortest decimal that reads back as the same float.
void put_float(json_writer& w, std::string_view key, float value) {
  if (value != 0) w.key(key).number(value);
}
void put_double(json_writer& w, std::string_view key, double value) {
  if (value != 0) w.key(key).number(value);
}
void put_time(json_writer& w, std::string_view key, network::time_point t) {
  if (t == network::time_point{}) return;
  auto& out = w.key(key).value_slot();
  out += '"';
  core::append_rfc3339(out, t);
  out += '"';
}
void put_bytes(json_writer& w, std::string_view key, const network::bytes& b) {
  if (b.empty()) return;
  auto& out = w.key(key).value_slot();
  out += '"';
  core::append_base64(out, {reinterpret_cast<const char*>(b.data()), b.size()});
  out += '"';
}
// 64-bit integers are quoted in protojson.
template <class T>
void put_quoted(json_writer& w, std::string_view key, T value) {
  if (value == T{}) return;
  char text[24];
  const auto end = std::to_chars(text, text + sizeof text, value).ptr;
  w.key(key).string({text, static_cast<std::size_t>(end - text)});
}
void put_strings(json_writer& w, std::string_view key, const std::vector<std::string>& values) {
  if (values.empty()) return;
  w.key(key).begin_array();
  for (const auto& v : values) w.string(v);
  w.end_array();
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

void write_location(json_writer& w, const network::location& l) {
  w.begin_object();
  put_double(w, "latitude", l.latitude);
  put_double(w, "longitude", l.longitude);
  put(w, "altitude", l.altitude);
  put(w, "accuracy", l.accuracy);
  if (l.source != network::location_source::unknown) w.key("source").string(location_source_name(l.source));
  w.end_object();
}

void write_end_device_ids(json_writer& w, const network::device_ids& ids) {
  w.begin_object();
  w.key("device_id").string(ids.device_id);
  w.key("application_ids").begin_object().key("application_id").string(ids.application_id).end_object();
  if (ids.dev_eui) w.key("dev_eui").string(ids.dev_eui->to_hex());
  if (ids.join_eui) w.key("join_eui").string(ids.join_eui->to_hex());
  if (ids.dev_addr != core::dev_addr{}) w.key("dev_addr").string(ids.dev_addr.to_hex());
  w.end_object();
}

void write_data_rate(json_writer& w, const network::data_rate& rate) {
  w.begin_object();
  if (const auto* lora = std::get_if<network::lora_data_rate>(&rate)) {
    w.key("lora").begin_object();
    put(w, "bandwidth", lora->bandwidth);
    put(w, "spreading_factor", lora->spreading_factor);
    put(w, "coding_rate", lora->coding_rate);
    w.end_object();
  } else if (const auto* fsk = std::get_if<network::fsk_data_rate>(&rate)) {
    w.key("fsk").begin_object();
    put(w, "bit_rate", fsk->bit_rate);
    w.end_object();
  } else {
    const auto& lr = std::get<network::lrfhss_data_rate>(rate);
    w.key("lrfhss").begin_object();
    put(w, "modulation_type", lr.modulation_type);
    put(w, "operating_channel_width", lr.operating_channel_width);
    put(w, "coding_rate", lr.coding_rate);
    w.end_object();
  }
  w.end_object();
}

void write_settings(json_writer& w, const network::tx_settings& s) {
  w.begin_object();
  w.key("data_rate");
  write_data_rate(w, s.data_rate);
  put_quoted(w, "frequency", s.frequency);
  put(w, "enable_crc", s.enable_crc);
  put(w, "timestamp", s.timestamp);
  if (s.time) put_time(w, "time", *s.time);
  w.end_object();
}

void write_rx_metadata(json_writer& w, const network::rx_metadata& md) {
  w.begin_object();
  w.key("gateway_ids").begin_object().key("gateway_id").string(md.gateway_id);
  if (md.gateway_eui) w.key("eui").string(md.gateway_eui->to_hex());
  w.end_object();
  put(w, "antenna_index", md.antenna_index);
  if (md.time) put_time(w, "time", *md.time);
  put(w, "timestamp", md.timestamp);
  put_quoted(w, "fine_timestamp", md.fine_timestamp);
  put_float(w, "rssi", md.rssi);
  if (md.signal_rssi) w.key("signal_rssi").number(*md.signal_rssi);
  put_float(w, "channel_rssi", md.channel_rssi);
  put_float(w, "rssi_standard_deviation", md.rssi_standard_deviation);
  put_float(w, "snr", md.snr);
  put_quoted(w, "frequency_offset", md.frequency_offset);
  if (md.location) {
    w.key("location");
    write_location(w, *md.location);
  }
  put_bytes(w, "uplink_token", md.uplink_token);
  put(w, "channel_index", md.channel_index);
  if (md.gps_time) put_time(w, "gps_time", *md.gps_time);
  put_time(w, "received_at", md.received_at);
  w.end_object();
}

// Opens the event object with the members every event starts with; the caller adds its own and closes.
void begin_envelope(json_writer& w, const network::device_ids& ids,
                    const std::vector<std::string>& correlation_ids, network::time_point received_at) {
  w.begin_object();
  w.key("end_device_ids");
  write_end_device_ids(w, ids);
  put_strings(w, "correlation_ids", correlation_ids);
  put_time(w, "received_at", received_at);
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

void write_application_downlink(json_writer& w, const network::application_downlink& d) {
  w.begin_object();
  put_bytes(w, "session_key_id", d.session_key_id);
  put(w, "f_port", d.f_port);
  put(w, "f_cnt", d.f_cnt);
  put_bytes(w, "frm_payload", d.frm_payload);
  put(w, "confirmed", d.confirmed);
  if (d.priority != network::downlink_priority::lowest) w.key("priority").string(priority_name(d.priority));
  put_strings(w, "correlation_ids", d.correlation_ids);
  w.end_object();
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
  std::string out;
  json_writer w(out);
  begin_envelope(w, event.ids, event.downlink.correlation_ids, event.at);
  switch (event.outcome) {
    case network::downlink_outcome::queued:
      w.key("downlink_queued");
      break;
    case network::downlink_outcome::sent:
      w.key("downlink_sent");
      break;
    case network::downlink_outcome::ack:
      w.key("downlink_ack");
      break;
    case network::downlink_outcome::nack:
      w.key("downlink_nack");
      break;
    case network::downlink_outcome::failed:
      w.key("downlink_failed").begin_object().key("downlink");
      write_application_downlink(w, event.downlink);
      w.key("error").begin_object().key("namespace").string("pkg/networkserver");
      if (event.error) {
        w.key("name").string(event.error->name);
        w.key("message_format").string(event.error->message);
      }
      w.end_object().end_object().end_object();
      return out;
  }
  write_application_downlink(w, event.downlink);
  w.end_object();
  return out;
}

std::string render_join(const network::join_event& event) {
  std::string out;
  json_writer w(out);
  begin_envelope(w, event.ids, event.correlation_ids, event.received_at);
  w.key("join_accept").begin_object();
  put_bytes(w, "session_key_id", event.session_key_id);
  put_time(w, "received_at", event.received_at);
  w.end_object().end_object();
  return out;
}

std::string render_uplink(const network::uplink_event& event) {
  std::string out;
  out.reserve(512 + 384 * event.rx_metadata.size() + 2 * event.frm_payload.size());
  json_writer w(out);
  begin_envelope(w, event.ids, event.correlation_ids, event.received_at);
  w.key("uplink_message").begin_object();
  put_bytes(w, "session_key_id", event.session_key_id);
  put(w, "f_port", event.f_port);
  put(w, "f_cnt", event.f_cnt);
  put_bytes(w, "frm_payload", event.frm_payload);
  if (!event.rx_metadata.empty()) {
    w.key("rx_metadata").begin_array();
    for (const auto& md : event.rx_metadata) write_rx_metadata(w, md);
    w.end_array();
  }
  w.key("settings");
  write_settings(w, event.settings);
  put_time(w, "received_at", event.received_at);
  put(w, "confirmed", event.confirmed);
  if (event.consumed_airtime.count()) {
    auto& slot = w.key("consumed_airtime").value_slot();
    slot += '"';
    core::append_duration_seconds(slot, event.consumed_airtime);
    slot += '"';
  }
  if (!event.band_id.empty())
    w.key("version_ids").begin_object().key("band_id").string(event.band_id).end_object();
  char net_id[8];
  static constexpr char hex[] = "0123456789ABCDEF";
  for (int i = 0; i < 6; ++i) net_id[i] = hex[(event.net_id >> (4 * (5 - i))) & 0xF];
  w.key("network_ids").begin_object().key("net_id").string({net_id, 6}).end_object();
  w.end_object().end_object();
  return out;
}

}  // namespace tether::application::ttsv3
