#include "application/connector/data_api_json.hpp"

#include "application/connector/downlink_binding.hpp"
#include "application/connector/drop_notice.hpp"
#include "core/base64.hpp"
#include "core/hex.hpp"
#include "core/json_writer.hpp"
#include "lorawan/band/band.hpp"

#include <fmt/format.h>
#include <openssl/sha.h>

#include <array>

namespace tether::application::connector {
namespace {

using core::json_writer;

constexpr std::array<std::string_view, 9> type_names{
    "uplink", "join_request", "downlink", "downlink_request", "status_response",
    "error",  "warning",      "info",     "location"};

std::string_view as_view(const network::bytes& b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

std::string lower_hex(std::string_view raw) { return core::to_hex(raw); }

template <class Fixed>
std::string lower_hex(const Fixed& f) {
  return core::to_hex(f.view());
}

std::string net_id_hex(std::uint32_t net_id) { return fmt::format("{:06x}", net_id & 0xffffff); }

void write_meta(json_writer& w, const data_api_meta& m) {
  w.key("meta").begin_object();
  auto text = [&](const char* key, const std::optional<std::string>& v) {
    if (v) w.key(key).string(*v);
  };
  text("network", m.network);
  text("packet_hash", m.packet_hash);
  text("application", m.application);
  text("device_addr", m.device_addr);
  if (m.time) w.key("time").number(*m.time);
  text("device", m.device);
  text("packet_id", m.packet_id);
  text("gateway", m.gateway);
  if (m.history) w.key("history").boolean(true);
  w.end_object();
}

// Starts {"type":..,"meta":{..},"params":{ ; the caller writes the params and closes both.
void open_message(json_writer& w, message_type type, const data_api_meta& meta) {
  w.begin_object().key("type").string(type_name(type));
  write_meta(w, meta);
  w.key("params").begin_object();
}

void finish(json_writer& w) { w.end_object().end_object(); }

data_api_meta with_ids(data_api_meta meta, message_type type, const render_input& in,
                       network::time_point at) {
  meta.packet_id = hash_hex(fmt::format("{}|{}|{}", type_name(type), meta.packet_hash.value_or(""), in.seq));
  meta.time = unix_seconds(at);
  meta.history = in.history;
  return meta;
}

std::string gateway_name(const network::rx_metadata& m) {
  return m.gateway_eui ? lower_hex(*m.gateway_eui) : m.gateway_id;
}

void write_modulation(json_writer& w, const network::data_rate& dr) {
  w.key("modulation").begin_object();
  if (const auto* lora = std::get_if<network::lora_data_rate>(&dr)) {
    w.key("type").string("LORA");
    w.key("bandwidth").number(lora->bandwidth);
    w.key("spreading").number(lora->spreading_factor);
    w.key("coderate").string(lora->coding_rate);
  } else if (const auto* fsk = std::get_if<network::fsk_data_rate>(&dr)) {
    w.key("type").string("FSK");
    w.key("bitrate").number(fsk->bit_rate);
  } else if (const auto* hss = std::get_if<network::lrfhss_data_rate>(&dr)) {
    w.key("type").string("LR-FHSS");
    w.key("bandwidth").number(hss->operating_channel_width);
    w.key("coderate").string(hss->coding_rate);
  }
  w.end_object();
}

// params.radio of an uplink: the best gateway's reception.
void write_radio(json_writer& w, const network::uplink_event& e) {
  w.key("radio").begin_object();
  w.key("freq").number(static_cast<double>(e.settings.frequency) / 1e6);
  w.key("datarate").number(e.data_rate_index);
  write_modulation(w, e.settings.data_rate);
  if (e.rx_metadata.empty()) {
    w.end_object();
    return;
  }
  const auto& best = e.rx_metadata.front();
  if (best.time) w.key("time").number(unix_seconds(*best.time));
  w.key("hardware").begin_object();
  w.key("tmst").number(best.timestamp);
  w.key("channel").number(best.channel_index);
  w.key("chain").number(best.antenna_index);
  w.key("status").number(1);  // the core only takes frames whose CRC was good
  w.key("rssi").number(best.rssi);
  w.key("snr").number(best.snr);
  if (best.location) {
    w.key("gps").begin_object();
    w.key("lat").number(best.location->latitude);
    w.key("lng").number(best.location->longitude);
    w.key("alt").number(best.location->altitude);
    w.end_object();
  }
  w.end_object();
  w.key("gateways").begin_array();
  for (const auto& m : e.rx_metadata) {
    w.begin_object().key("gateway").string(gateway_name(m));
    w.key("rssi").number(m.rssi).key("snr").number(m.snr).key("tmst").number(m.timestamp);
    w.key("chain").number(m.antenna_index).key("channel").number(m.channel_index);
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

void write_downlink_request_params(json_writer& w, double tx_time, std::optional<std::uint32_t> counter_down,
                                   std::optional<std::size_t> max_size) {
  w.key("tx_time").number(tx_time);
  if (counter_down) w.key("counter_down").number(*counter_down);
  if (max_size) w.key("max_size").number(static_cast<std::uint64_t>(*max_size));
}

}  // namespace

std::string_view type_name(message_type type) { return type_names.at(static_cast<std::size_t>(type)); }

std::optional<message_type> parse_type_name(std::string_view name) {
  for (std::size_t i = 0; i < type_names.size(); ++i) {
    if (type_names[i] == name) return static_cast<message_type>(i);
  }
  return std::nullopt;
}

std::string hash_hex(std::string_view what) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(what.data()), what.size(), digest.data());
  return core::to_hex(std::string_view(reinterpret_cast<const char*>(digest.data()), 16));
}

std::string uplink_packet_hash(const network::uplink_event& e) {
  return hash_hex(fmt::format("uplink|{}|{}|{}|{}", e.ids.application_id, e.ids.device_id,
                              lower_hex(as_view(e.session_key_id)), e.f_cnt));
}

double unix_seconds(network::time_point t) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  return static_cast<double>(us) / 1e6;
}

data_api_meta device_meta(const network::device_ids& ids, std::uint32_t net_id) {
  data_api_meta m;
  if (net_id != 0) m.network = net_id_hex(net_id);
  if (ids.join_eui) m.application = lower_hex(*ids.join_eui);
  m.device_addr = lower_hex(ids.dev_addr);
  if (ids.dev_eui) m.device = lower_hex(*ids.dev_eui);
  return m;
}

std::optional<std::size_t> rx1_max_size(const network::uplink_event& e) {
  if (!e.windows) return std::nullopt;
  const auto band = lorawan::band::find_band(e.band_id);
  if (!band) return std::nullopt;
  const auto size = lorawan::band::max_app_payload(**band, e.windows->rx1_data_rate_index);
  if (!size) return std::nullopt;
  return *size;
}

void render_join(const network::join_event& e, const render_input& in, std::vector<data_api_message>& out) {
  data_api_message msg{message_type::join_request, device_meta(e.ids, e.net_id), {}};
  msg.meta.device_addr.reset();  // not in the Data API's join_request meta: it is params.dev_addr
  msg.meta.packet_hash = hash_hex(fmt::format("join|{}|{}|{}", e.ids.application_id, e.ids.device_id,
                                              lower_hex(as_view(e.session_key_id))));
  msg.meta = with_ids(std::move(msg.meta), msg.type, in, e.received_at);
  json_writer w(msg.json);
  open_message(w, msg.type, msg.meta);
  w.key("net_id").string(net_id_hex(e.net_id));
  if (e.ids.dev_eui) w.key("dev_eui").string(lower_hex(*e.ids.dev_eui));
  w.key("dev_addr").string(lower_hex(e.ids.dev_addr));
  finish(w);
  out.push_back(std::move(msg));
}

void render_uplink(const network::uplink_event& e, const render_input& in,
                   std::vector<data_api_message>& out) {
  auto meta = device_meta(e.ids, e.net_id);
  meta.packet_hash = uplink_packet_hash(e);
  if (!e.rx_metadata.empty()) meta.gateway = gateway_name(e.rx_metadata.front());
  data_api_message up{message_type::uplink, with_ids(meta, message_type::uplink, in, e.received_at), {}};
  {
    json_writer w(up.json);
    open_message(w, up.type, up.meta);
    const auto rx_time =
        !e.rx_metadata.empty() && e.rx_metadata.front().time ? *e.rx_metadata.front().time : e.received_at;
    w.key("rx_time").number(unix_seconds(rx_time));
    w.key("counter_up").number(e.f_cnt);
    w.key("port").number(e.f_port);
    w.key("payload").string(core::to_base64(as_view(e.frm_payload)));
    if (!e.encrypted_frm_payload.empty() || e.frm_payload.empty())
      w.key("encrypted_payload").string(core::to_base64(as_view(e.encrypted_frm_payload)));
    w.key("duplicate").boolean(false);  // the core merged every gateway's copy into this one
    if (e.confirmed) w.key("confirmed").boolean(true);
    write_radio(w, e);
    finish(w);
  }
  out.push_back(std::move(up));
  if (!e.windows) return;
  data_api_message req{
      message_type::downlink_request, with_ids(meta, message_type::downlink_request, in, e.received_at), {}};
  json_writer w(req.json);
  open_message(w, req.type, req.meta);
  write_downlink_request_params(w, unix_seconds(e.windows->rx1), e.windows->f_cnt_down, rx1_max_size(e));
  finish(w);
  out.push_back(std::move(req));
}

void render_downlink(const network::downlink_event& e, const render_input& in,
                     std::vector<data_api_message>& out) {
  const auto& d = e.downlink;
  auto meta = device_meta(e.ids, 0);
  // A downlink that answered a downlink_response names that request's packet.
  meta.packet_hash = packet_hash_of(d.correlation_ids);
  if (!meta.packet_hash) {
    meta.packet_hash =
        hash_hex(fmt::format("downlink|{}|{}|{}|{}|{}", e.ids.application_id, e.ids.device_id,
                             lower_hex(as_view(d.session_key_id)), d.f_cnt, static_cast<int>(e.outcome)));
  }
  switch (e.outcome) {
    case network::downlink_outcome::sent: {
      data_api_message msg{message_type::downlink, with_ids(meta, message_type::downlink, in, e.at), {}};
      json_writer w(msg.json);
      open_message(w, msg.type, msg.meta);
      w.key("counter_down").number(d.f_cnt);
      w.key("port").number(d.f_port);
      w.key("payload").string(core::to_base64(as_view(d.frm_payload)));
      w.key("duplicate").boolean(false);
      if (d.confirmed) w.key("confirmed").boolean(true);
      finish(w);
      out.push_back(std::move(msg));
      return;
    }
    case network::downlink_outcome::queued:
      out.push_back(
          render_notice(message_type::info, with_ids(meta, message_type::info, in, e.at),
                        fmt::format("downlink queued (port {}, {} bytes)", d.f_port, d.frm_payload.size()),
                        "downlink_queued"));
      return;
    case network::downlink_outcome::ack:
      out.push_back(render_notice(message_type::info, with_ids(meta, message_type::info, in, e.at),
                                  fmt::format("confirmed downlink {} acknowledged by the device", d.f_cnt),
                                  "downlink_ack"));
      return;
    case network::downlink_outcome::nack:
      out.push_back(render_notice(
          message_type::warning, with_ids(meta, message_type::warning, in, e.at),
          fmt::format("confirmed downlink {} not acknowledged: sending it again", d.f_cnt), "downlink_nack"));
      return;
    case network::downlink_outcome::failed: {
      const auto name = e.error ? e.error->name : std::string("downlink_failed");
      const auto text = e.error ? e.error->message : std::string("the downlink failed");
      out.push_back(
          render_notice(message_type::error, with_ids(meta, message_type::error, in, e.at),
                        "downlink for packet " + meta.packet_hash.value_or("?") + " failed: " + text, name));
      return;
    }
  }
}

void render_drop(const network::drop_event& e, const render_input& in, std::vector<data_api_message>& out) {
  auto meta = device_meta(e.ids, 0);
  meta.packet_hash = hash_hex(fmt::format("drop|{}|{}|{}|{}|{}", e.ids.application_id, e.ids.device_id,
                                          e.reason, e.f_cnt, e.at.time_since_epoch().count()));
  const auto notice = describe_drop(e.reason, e.detail, e.f_cnt);
  out.push_back(render_notice(notice.type, with_ids(meta, notice.type, in, e.at), notice.message, e.reason));
}

data_api_message render_notice(message_type type, data_api_meta meta, std::string_view message,
                               std::string_view code) {
  data_api_message msg{type, std::move(meta), {}};
  json_writer w(msg.json);
  open_message(w, type, msg.meta);
  w.key("message").string(message);
  if (!code.empty()) w.key("code").string(code);
  finish(w);
  return msg;
}

data_api_message render_downlink_request(data_api_meta meta, double tx_time,
                                         std::optional<std::uint32_t> counter_down,
                                         std::optional<std::size_t> max_size) {
  data_api_message msg{message_type::downlink_request, std::move(meta), {}};
  json_writer w(msg.json);
  open_message(w, msg.type, msg.meta);
  write_downlink_request_params(w, tx_time, counter_down, max_size);
  finish(w);
  return msg;
}

}  // namespace tether::application::connector
