#include "gateway/radio_json.hpp"

#include "core/protojson.hpp"

namespace tether::gateway {

using core::json_writer;
using namespace core::protojson;

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

void write_data_rate(json_writer& w, const network::data_rate& rate) {
  w.begin_object();
  if (const auto* lora = std::get_if<network::lora_data_rate>(&rate)) {
    w.key("lora").begin_object();
    put(w, "bandwidth", lora->bandwidth);
    put(w, "spreading_factor", lora->spreading_factor);
    put(w, "coding_rate", lora->coding_rate);
  } else if (const auto* fsk = std::get_if<network::fsk_data_rate>(&rate)) {
    w.key("fsk").begin_object();
    put(w, "bit_rate", fsk->bit_rate);
  } else {
    const auto& lr = std::get<network::lrfhss_data_rate>(rate);
    w.key("lrfhss").begin_object();
    put(w, "modulation_type", lr.modulation_type);
    put(w, "operating_channel_width", lr.operating_channel_width);
    put(w, "coding_rate", lr.coding_rate);
  }
  w.end_object().end_object();  // the modulation, then the DataRate
}

void write_tx_settings(json_writer& w, const network::tx_settings& s) {
  w.begin_object();
  w.key("data_rate");
  write_data_rate(w, s.data_rate);
  put_quoted(w, "frequency", s.frequency);
  put(w, "enable_crc", s.enable_crc);
  put(w, "timestamp", s.timestamp);
  if (s.time) put_time(w, "time", *s.time);
  // TxSettings.Downlink: all zero on an uplink, so it never appears there.
  if (s.antenna_index != 0 || s.tx_power != 0 || s.invert_polarization) {
    w.key("downlink").begin_object();
    put(w, "antenna_index", s.antenna_index);
    put_float(w, "tx_power", s.tx_power);
    put(w, "invert_polarization", s.invert_polarization);
    w.end_object();
  }
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
  if (md.signal_rssi) w.key("signal_rssi").number(*md.signal_rssi);  // a FloatValue: present even at 0
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

void write_gateway_uplink(json_writer& w, const network::gateway_uplink& up) {
  w.begin_object();
  put_bytes(w, "raw_payload", up.raw_payload);
  w.key("settings");
  write_tx_settings(w, up.settings);
  if (!up.rx_metadata.empty()) {
    w.key("rx_metadata").begin_array();
    for (const auto& md : up.rx_metadata) write_rx_metadata(w, md);
    w.end_array();
  }
  put_time(w, "received_at", up.received_at);
  put_strings(w, "correlation_ids", up.correlation_ids);
  w.end_object();
}

void write_gateway_status(json_writer& w, const network::gateway_status& s) {
  w.begin_object();
  if (s.time) put_time(w, "time", *s.time);
  if (s.boot_time) put_time(w, "boot_time", *s.boot_time);
  if (!s.versions.empty()) {
    w.key("versions").begin_object();
    for (const auto& [name, version] : s.versions) w.key(name).string(version);
    w.end_object();
  }
  if (!s.antenna_locations.empty()) {
    w.key("antenna_locations").begin_array();
    for (const auto& l : s.antenna_locations) write_location(w, l);
    w.end_array();
  }
  put_strings(w, "ip", s.ips);
  if (!s.metrics.empty()) {
    w.key("metrics").begin_object();
    for (const auto& [name, value] : s.metrics) w.key(name).number(value);
    w.end_object();
  }
  put_time(w, "received_at", s.received_at);
  w.end_object();
}

}  // namespace tether::gateway
