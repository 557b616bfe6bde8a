#include "application/connector/basic_renderer.hpp"

#include "core/base64.hpp"
#include "core/hex.hpp"
#include "core/json_writer.hpp"

#include <cctype>
#include <variant>

namespace tether::application::connector {
namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

void replace_all(std::string& s, std::string_view what, std::string_view with) {
  for (auto pos = s.find(what); pos != std::string::npos; pos = s.find(what, pos + with.size()))
    s.replace(pos, what.size(), with);
}

double unix_seconds(network::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

struct fields {
  const char* type = nullptr;
  message_type kind = message_type::uplink;
  network::time_point time{};
};

}  // namespace

void basic_renderer::render(const stream_event& event, const render_context& context,
                            std::vector<rendered_message>& out) {
  const auto* ids = ids_of(event.event);
  if (ids == nullptr) return;  // a gateway event: not the application's to see
  fields f;
  if (const auto* u = std::get_if<network::uplink_event>(&event.event)) {
    f = {"uplink", message_type::uplink, u->received_at};
  } else if (const auto* j = std::get_if<network::join_event>(&event.event)) {
    f = {"join_request", message_type::join_request, j->received_at};
  } else if (const auto* d = std::get_if<network::downlink_event>(&event.event)) {
    if (d->outcome != network::downlink_outcome::sent) return;
    f = {"downlink", message_type::downlink, d->at};
  } else {
    return;  // a drop: the basic format has no message for it
  }
  const auto device = ids->dev_eui ? lower(ids->dev_eui->to_hex()) : ids->device_id;
  const auto device_addr = lower(ids->dev_addr.to_hex());
  rendered_message m;
  m.type = f.kind;
  core::json_writer w(m.payload);
  w.begin_object().key("type").string(f.type).key("meta").begin_object();
  w.key("application").string(ids->application_id).key("device").string(device);
  w.key("device_addr").string(device_addr).key("packet_id").number(event.seq);
  w.key("time").number(unix_seconds(f.time)).key("history").boolean(context.history).end_object();
  w.key("params").begin_object();
  if (const auto* u = std::get_if<network::uplink_event>(&event.event)) {
    std::string payload(u->frm_payload.begin(), u->frm_payload.end());
    w.key("counter_up").number(u->f_cnt).key("port").number(u->f_port);
    w.key("payload").string(core::to_base64(payload));
  }
  w.end_object().end_object();
  m.topic = topic_up_;
  replace_all(m.topic, "{type}", f.type);
  replace_all(m.topic, "{device}", device);
  replace_all(m.topic, "{device_addr}", device_addr);
  replace_all(m.topic, "{application}", ids->application_id);
  out.push_back(std::move(m));
}

codec_factory make_basic_codec_factory() {
  return [](const connector_config& config) {
    connector_codec codec;
    codec.renderer = std::make_unique<basic_renderer>(config.topic_up);
    return codec;
  };
}

}  // namespace tether::application::connector
