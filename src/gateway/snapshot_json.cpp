#include "gateway/snapshot_json.hpp"

#include "core/base64.hpp"
#include "core/rfc3339.hpp"

#include <nlohmann/json.hpp>

namespace tether::gateway {
namespace {

using nlohmann::json;

std::string b64(const network::bytes& b) {
  return core::to_base64({reinterpret_cast<const char*>(b.data()), b.size()});
}

json time_json(network::time_point t) {
  return t == network::time_point{} ? json(nullptr) : json(core::to_rfc3339(t));
}

json location_json(const network::location& l) {
  return {{"latitude", l.latitude},
          {"longitude", l.longitude},
          {"altitude", l.altitude},
          {"accuracy", l.accuracy},
          {"source", static_cast<int>(l.source)}};
}

json data_rate_json(const network::data_rate& rate) {
  if (const auto* lora = std::get_if<network::lora_data_rate>(&rate)) {
    return {{"lora",
             {{"bandwidth", lora->bandwidth},
              {"spreading_factor", lora->spreading_factor},
              {"coding_rate", lora->coding_rate}}}};
  }
  if (const auto* fsk = std::get_if<network::fsk_data_rate>(&rate))
    return {{"fsk", {{"bit_rate", fsk->bit_rate}}}};
  const auto& lr = std::get<network::lrfhss_data_rate>(rate);
  return {{"lrfhss",
           {{"modulation_type", lr.modulation_type},
            {"operating_channel_width", lr.operating_channel_width},
            {"coding_rate", lr.coding_rate}}}};
}

json rx_metadata_json(const network::rx_metadata& md) {
  json out{{"gateway_ids", {{"gateway_id", md.gateway_id}}},
           {"antenna_index", md.antenna_index},
           {"timestamp", md.timestamp},
           {"fine_timestamp", std::to_string(md.fine_timestamp)},
           {"rssi", md.rssi},
           {"channel_rssi", md.channel_rssi},
           {"rssi_standard_deviation", md.rssi_standard_deviation},
           {"snr", md.snr},
           {"frequency_offset", std::to_string(md.frequency_offset)},
           {"channel_index", md.channel_index},
           {"received_at", time_json(md.received_at)},
           {"uplink_token", b64(md.uplink_token)}};
  if (md.gateway_eui) out["gateway_ids"]["eui"] = md.gateway_eui->to_hex();
  if (md.time) out["time"] = time_json(*md.time);
  if (md.gps_time) out["gps_time"] = time_json(*md.gps_time);
  if (md.signal_rssi) out["signal_rssi"] = *md.signal_rssi;
  if (md.location) out["location"] = location_json(*md.location);
  return out;
}

json uplink_json(const network::gateway_uplink& up) {
  json metadata = json::array();
  for (const auto& md : up.rx_metadata) metadata.push_back(rx_metadata_json(md));
  json settings{{"data_rate", data_rate_json(up.settings.data_rate)},
                {"frequency", std::to_string(up.settings.frequency)},
                {"enable_crc", up.settings.enable_crc},
                {"timestamp", up.settings.timestamp}};
  if (up.settings.time) settings["time"] = time_json(*up.settings.time);
  return {{"raw_payload", b64(up.raw_payload)},
          {"settings", settings},
          {"rx_metadata", metadata},
          {"received_at", time_json(up.received_at)},
          {"correlation_ids", up.correlation_ids}};
}

json status_json(const network::gateway_status& s) {
  json locations = json::array();
  for (const auto& l : s.antenna_locations) locations.push_back(location_json(l));
  json out{{"versions", s.versions},
           {"antenna_locations", locations},
           {"ip", s.ips},
           {"metrics", s.metrics},
           {"received_at", time_json(s.received_at)}};
  if (s.time) out["time"] = time_json(*s.time);
  if (s.boot_time) out["boot_time"] = time_json(*s.boot_time);
  return out;
}

}  // namespace

std::string to_json(const gateway_snapshot& s) {
  json out{{"connected", s.connected},
           {"protocol", s.protocol},
           {"remote_address", s.remote_address},
           {"connected_at", time_json(s.connected_at)},
           {"disconnected_at", time_json(s.disconnected_at)},
           {"last_seen", time_json(s.last_seen)},
           {"uplinks", s.uplinks},
           {"statuses", s.statuses},
           {"downlinks", s.downlinks},
           {"tx_acks", s.tx_acks},
           {"dropped", s.dropped}};
  if (s.last_status) out["last_status"] = status_json(*s.last_status);
  if (s.last_uplink) out["last_uplink"] = uplink_json(*s.last_uplink);
  return out.dump();
}

}  // namespace tether::gateway
