#include "application/ttsv3/event_json.hpp"

#include "core/json_writer.hpp"
#include "core/protojson.hpp"
#include "core/rfc3339.hpp"
#include "gateway/radio_json.hpp"

#include <string_view>

namespace tether::application::ttsv3 {
namespace {

using core::json_writer;
using namespace core::protojson;

void write_end_device_ids(json_writer& w, const network::device_ids& ids) {
  w.begin_object();
  w.key("device_id").string(ids.device_id);
  w.key("application_ids").begin_object().key("application_id").string(ids.application_id).end_object();
  if (ids.dev_eui) w.key("dev_eui").string(ids.dev_eui->to_hex());
  if (ids.join_eui) w.key("join_eui").string(ids.join_eui->to_hex());
  if (ids.dev_addr != core::dev_addr{}) w.key("dev_addr").string(ids.dev_addr.to_hex());
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
    for (const auto& md : event.rx_metadata) gateway::write_rx_metadata(w, md);
    w.end_array();
  }
  w.key("settings");
  gateway::write_tx_settings(w, event.settings);
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

std::string render_drop(const network::drop_event& event) {
  std::string out;
  json_writer w(out);
  begin_envelope(w, event.ids, event.correlation_ids, event.at);
  w.key("drop").begin_object();
  put(w, "reason", std::string_view(event.reason));
  put(w, "detail", std::string_view(event.detail));
  put(w, "f_cnt", event.f_cnt);
  if (!event.rx_metadata.empty()) {
    w.key("rx_metadata").begin_array();
    for (const auto& md : event.rx_metadata) gateway::write_rx_metadata(w, md);
    w.end_array();
  }
  w.end_object().end_object();
  return out;
}

}  // namespace tether::application::ttsv3
