#include "iotp/iot_realm.hpp"

#include "iotp/status_messages.hpp"
#include "mqtt/broker.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <array>

namespace tether::iotp {
namespace {

using mqtt::codec::connack_code;

constexpr std::string_view token_user = "use-token-auth";

const iot_principal& as_iot(const mqtt::principal& who) { return static_cast<const iot_principal&>(who); }

std::string device_base(std::string_view type, std::string_view id) {
  return fmt::format("iot-2/type/{}/id/{}/", type, id);
}

// The client's IP address from "address:port".
std::string address_only(std::string_view remote) {
  auto colon = remote.rfind(':');
  return std::string(colon == std::string_view::npos ? remote : remote.substr(0, colon));
}

// A level that may name a topic even though the client ID breaks the rules (for the 166 status).
bool topic_safe(std::string_view s) { return !s.empty() && s.find_first_of("/+#") == std::string_view::npos; }

// Where the FailedConnect of a malformed client ID goes, if it names an org and a device or app.
std::string loose_mon_topic(std::string_view client_id) {
  std::array<std::string_view, 4> parts;
  std::size_t n = 0;
  while (n < parts.size()) {
    auto colon = client_id.find(':');
    parts[n++] = client_id.substr(0, colon);
    if (colon == std::string_view::npos) break;
    client_id.remove_prefix(colon + 1);
    if (n == parts.size()) return {};  // more parts than any form
  }
  if (n < 3 || !valid_org_id(parts[1])) return {};
  const std::string org(parts[1]);
  if ((parts[0] == "d" || parts[0] == "g") && n == 4 && topic_safe(parts[2]) && topic_safe(parts[3]))
    return org + "/" + device_base(parts[2], parts[3]) + "mon";
  if ((parts[0] == "a" || parts[0] == "A") && topic_safe(parts[2]))
    return fmt::format("{}/iot-2/app/{}/mon", org, parts[2]);
  return {};
}

int close_code_of(const iot_principal& who, const mqtt::disconnect_info& info) {
  using enum mqtt::disconnect_reason;
  switch (info.reason) {
    case client_disconnect:
      return close_code::normal;
    case connection_lost:
      return close_code::socket_closed;
    case keep_alive_timeout:
      return close_code::keep_alive;
    case protocol_error:
      return close_code::invalid_data;
    case packet_too_large:
      return close_code::too_large;
    case taken_over:
      return close_code::client_id_reused;
    case revoked:
      return close_code::admin_closed;
    case refused_by_realm: {
      const int code = who.refusal_code.load(std::memory_order_relaxed);
      return code != 0 ? code : close_code::not_authorized;
    }
  }
  return close_code::socket_closed;
}

}  // namespace

iot_realm::iot_realm(directory& dir, realm_options options)
    : dir_(dir),
      options_(options),
      service_work_(service_.get_executor()),
      poll_timer_(service_),
      registrar_(dir, service_.get_executor(), options.registration,
                 [this](const device_ref& device, const std::string& gateway, registration_result result,
                        std::vector<mqtt::message_ptr> held) {
                   registration_done(device, gateway, result, std::move(held));
                 }),
      muted_log_(std::chrono::seconds(10)) {}

iot_realm::~iot_realm() { stop(); }

void iot_realm::start(mqtt::broker& target) {
  if (service_thread_.joinable()) return;
  boost::asio::post(service_, [this, &target] { poll(target); });
  service_thread_ = std::thread([this] { service_.run(); });
}

void iot_realm::stop() {
  boost::asio::post(service_, [this] { poll_timer_.cancel(); });
  service_work_.reset();
  if (service_thread_.joinable()) {
    service_thread_.join();
  } else {
    service_.stop();
  }
}

void iot_realm::poll(mqtt::broker& target) {
  try {
    const auto version = dir_.refresh();
    if (version != seen_version_) {
      const bool first = seen_version_ < 0;
      seen_version_ = version;
      if (!first) {
        const auto closed = target.disconnect_if(
            [this](const mqtt::principal& who) {
              const auto& p = as_iot(who);
              return p.is_application() ? !dir_.is_key_active(p.api_key) : !dir_.is_active(p.ref());
            },
            "deleted or revoked in the registry");
        if (closed) spdlog::info("[iot] registry changed: disconnecting {} client(s)", closed);
      }
    }
  } catch (const std::exception& e) {
    spdlog::warn("[iot] registry changes not read (retrying): {}", e.what());
  }
  poll_timer_.expires_after(options_.poll_interval);
  poll_timer_.async_wait([this, &target](boost::system::error_code ec) {
    if (!ec) poll(target);
  });
}

// --- connect -------------------------------------------------------------------------------------

mqtt::auth_result iot_realm::refuse(const mqtt::connect_request& request, const client_identity* id,
                                    connack_code code, std::string reason) {
  stats_.failed_connects.fetch_add(1, std::memory_order_relaxed);
  std::string topic;
  if (id) {
    topic = id->org + "/" +
            (id->kind == client_class::device || id->kind == client_class::gateway
                 ? device_base(id->type, id->id) + "mon"
                 : fmt::format("iot-2/app/{}/mon", id->id));
  } else {
    topic = loose_mon_topic(request.client_id);
  }
  if (!topic.empty() && publisher_) {
    mon_status s;
    s.action = "FailedConnect";
    s.time = std::chrono::system_clock::now();
    const auto addr = address_only(request.remote_address);
    s.client_addr = addr;
    s.client_id = request.client_id;
    s.port = request.local_port;
    s.secure = request.secure;
    s.protocol = protocol_name(static_cast<int>(request.version), request.websocket);
    if (request.username) s.user = *request.username;
    s.close_code = id ? close_code::not_authorized : close_code::invalid_client_id;
    s.reason = reason;
    publisher_->publish(mqtt::make_message(std::move(topic), render_mon(s), 0, false));
  }
  return {nullptr, code, std::move(reason)};
}

std::shared_ptr<iot_principal> iot_realm::make_principal(const mqtt::connect_request& request,
                                                         client_identity id) {
  auto p = std::make_shared<iot_principal>();
  p->client_id = std::string(request.client_id);
  if (request.username) p->username = std::string(*request.username);
  p->org_prefix = id.org + "/";
  p->client_addr = address_only(request.remote_address);
  p->port = request.local_port;
  p->secure = request.secure;
  p->protocol = std::string(protocol_name(static_cast<int>(request.version), request.websocket));
  p->connected_at = std::chrono::system_clock::now();
  if (id.kind == client_class::device) {
    // The device's short topics are its full-form topics in the org's namespace.
    const std::string self = fmt::format("type/{}/id/{}/", id.type, id.id);
    p->topic_map = {{"iot-2/", p->org_prefix + "iot-2/" + self},
                    {"iotdm-1/", p->org_prefix + "iotdm-1/" + self},
                    {"iotdevice-1/", p->org_prefix + "iotdevice-1/" + self},
                    {"", p->org_prefix}};
  } else {
    p->topic_map = {{"", p->org_prefix}};
  }
  if (id.kind == client_class::device || id.kind == client_class::gateway) {
    p->mon_topic = p->org_prefix + device_base(id.type, id.id) + "mon";
  } else {
    p->mon_topic = fmt::format("{}iot-2/app/{}/mon", p->org_prefix, id.id);
  }
  if (id.kind == client_class::shared_application && id.instance.empty()) {
    // Every instance uses the same client ID: each gets a session of its own (no takeover), and
    // the shared subscriptions balance messages across them.
    p->session_id = fmt::format("{}#{}", request.client_id, next_shared_.fetch_add(1));
    p->ephemeral = true;
  }
  p->identity = std::move(id);
  return p;
}

mqtt::auth_result iot_realm::authenticate(const mqtt::connect_request& request) {
  auto id = parse_client_id(request.client_id);
  if (!id) {
    return refuse(request, nullptr, connack_code::identifier_rejected,
                  "client ID is none of d:org:type:id, g:org:type:id, a:org:app, A:org:app[:instance]");
  }
  if (!request.username || !request.password) {
    return refuse(request, &*id, connack_code::bad_username_or_password, "no username or password");
  }
  if (id->kind == client_class::device || id->kind == client_class::gateway) {
    if (*request.username != token_user) {
      return refuse(request, &*id, connack_code::bad_username_or_password,
                    "devices and gateways log in as use-token-auth with their token");
    }
    auto record = dir_.authenticate_device({id->org, id->type, id->id}, *request.password);
    if (!record)
      return refuse(request, &*id, connack_code::bad_username_or_password, "unknown device or wrong token");
    const auto expected = id->kind == client_class::gateway ? type_class::gateway : type_class::device;
    if (record->kind != expected) {
      return refuse(request, &*id, connack_code::not_authorized,
                    expected == type_class::gateway ? "not a gateway" : "a gateway must connect as g:");
    }
    auto p = make_principal(request, std::move(*id));
    p->record = std::move(record);
    stats_.connects.fetch_add(1, std::memory_order_relaxed);
    return {std::move(p)};
  }
  const std::string_view key = *request.username;
  if (!key.starts_with("a-" + id->org + "-")) {
    return refuse(request, &*id, connack_code::not_authorized, "the API key is not of this org");
  }
  auto api_key = dir_.authenticate_key(id->org, key, *request.password);
  if (!api_key)
    return refuse(request, &*id, connack_code::bad_username_or_password, "unknown API key or wrong token");
  auto p = make_principal(request, std::move(*id));
  p->api_key = api_key->key;
  p->credential_id = api_key->key;
  stats_.connects.fetch_add(1, std::memory_order_relaxed);
  return {std::move(p)};
}

void iot_realm::publish_status(const iot_principal& who, std::string_view action, bool retained, int code,
                               std::string_view reason, const mqtt::disconnect_info* info) {
  mon_status s;
  s.action = action;
  s.time = std::chrono::system_clock::now();
  s.client_addr = who.client_addr;
  s.client_id = who.client_id;
  s.port = who.port;
  s.secure = who.secure;
  s.protocol = who.protocol;
  s.user = who.username;
  s.close_code = code;
  s.reason = reason;
  if (info) {
    s.connect_time = who.connected_at;
    s.read_bytes = info->bytes_read;
    s.read_msg = info->messages_read;
    s.write_bytes = info->bytes_written;
    s.write_msg = info->messages_written;
  }
  publisher_->publish(mqtt::make_message(who.mon_topic, render_mon(s), 0, retained));
}

void iot_realm::on_connect(const mqtt::principal& who) {
  const auto& p = as_iot(who);
  publish_status(p, "Connect", true, 0, {}, nullptr);
  if (!p.is_application()) dir_.record_connection(p.ref(), true, p.connected_at);
}

void iot_realm::on_closed(const mqtt::principal& who, const mqtt::disconnect_info& info) {
  const auto& p = as_iot(who);
  const int code = close_code_of(p, info);
  const bool reused = code == close_code::client_id_reused;
  const std::string reason =
      code == close_code::normal ? "The client disconnected" : std::string(info.detail);
  if (p.is_application()) {
    // An application's Disconnect is not retained and clears its retained Connect.
    if (!reused) publisher_->publish(mqtt::make_message(p.mon_topic, {}, 0, true));
    publish_status(p, "Disconnect", false, code, reason, &info);
    return;
  }
  // A taken-over client is connected again: its Disconnect must not replace the retained Connect.
  publish_status(p, "Disconnect", !reused, code, reason, &info);
  if (!reused) dir_.record_connection(p.ref(), false, std::chrono::system_clock::now());
}

mqtt::refusal_action iot_realm::on_refused(const mqtt::principal& who) {
  // Gateways get a notify and carry on; devices and applications that break the rules are closed.
  return as_iot(who).is_gateway() ? mqtt::refusal_action::drop : mqtt::refusal_action::disconnect;
}

// --- topics --------------------------------------------------------------------------------------

void iot_realm::notify(const iot_principal& gateway, std::string_view request, std::string_view topic,
                       const topic_parts* parts, int rc, std::string_view message) {
  stats_.notifies.fetch_add(1, std::memory_order_relaxed);
  notify_message n;
  n.request = request;
  n.time = std::chrono::system_clock::now();
  n.topic = topic;
  if (parts) {
    n.type = parts->type;
    n.id = parts->id;
  }
  n.client = gateway.client_id;
  n.rc = rc;
  n.message = message;
  auto where = gateway.org_prefix + device_base(gateway.identity.type, gateway.identity.id) + "notify";
  publisher_->publish(mqtt::make_message(std::move(where), render_notify(n), 0, false));
}

bool iot_realm::may_act_for(const iot_principal& gw, const device_ref& device) {
  if (device.type == gw.identity.type && device.id == gw.identity.id) return true;
  auto record = dir_.find(device);
  if (!record) return false;
  const auto& mine = gw.record->groups;
  if (mine.empty()) return true;  // a gateway without groups may act for any device of its org
  return std::any_of(record->groups.begin(), record->groups.end(), [&](const std::string& g) {
    return std::find(mine.begin(), mine.end(), g) != mine.end();
  });
}

bool iot_realm::gateway_may_use(const iot_principal& gw, std::string_view request, std::string_view topic,
                                const topic_decision& d) {
  const auto& parts = d.parts;
  if (parts.type == "+" || parts.id == "+") return true;  // each delivery is checked (authorize_read)
  const device_ref device{gw.identity.org, std::string(parts.type), std::string(parts.id)};
  if (device.type == gw.identity.type && device.id == gw.identity.id) return true;
  if (dir_.find(device)) {
    if (may_act_for(gw, device)) return true;
    notify(gw, request, topic, &parts, notify_rc::not_allowed,
           "the device is not in the gateway's resource groups");
    return false;
  }
  if (registrar_.drop_if_muted(device)) {
    log_muted_drop(device);
    return false;
  }
  if (gw.record->role != gateway_role::privileged) {
    notify(gw, request, topic, &parts, notify_rc::unknown_device,
           "the device is not registered and a standard gateway may not register it");
    return false;
  }
  if (request == "subscribe") {
    const auto admitted = registrar_.admit(device, *gw.record, gw.client_id, nullptr);
    if (admitted == registrar::admission::queue_full) {
      notify(gw, request, topic, &parts, notify_rc::limit_reached,
             "too many devices waiting for registration");
      return false;
    }
    if (admitted == registrar::admission::muted) {
      log_muted_drop(device);
      return false;
    }
  }
  return true;  // a publish registers in on_publish, where the message is held
}

bool iot_realm::authorize_publish(const mqtt::principal& who, std::string_view topic) {
  const auto& p = as_iot(who);
  const auto d = decide_publish(p.identity, topic);
  if (d.verdict == topic_verdict::allowed && (!d.names_device || gateway_may_use(p, "publish", topic, d)))
    return true;
  stats_.refused_publishes.fetch_add(1, std::memory_order_relaxed);
  if (d.verdict == topic_verdict::allowed) return false;  // notified or muted already
  const bool invalid = d.verdict == topic_verdict::invalid_topic;
  if (p.is_gateway()) {
    notify(
        p, "publish", topic, invalid ? nullptr : &d.parts,
        invalid ? notify_rc::invalid_topic : notify_rc::not_allowed,
        invalid ? "the topic matches no topic of the platform" : "a gateway may not publish to this topic");
  } else {
    p.refusal_code.store(invalid ? close_code::invalid_topic : close_code::not_authorized,
                         std::memory_order_relaxed);
  }
  return false;
}

mqtt::subscribe_decision iot_realm::authorize_subscribe(const mqtt::principal& who, std::string_view filter) {
  const auto& p = as_iot(who);
  const auto d = decide_subscribe(p.identity, filter);
  if (d.verdict == topic_verdict::allowed &&
      (!d.names_device || gateway_may_use(p, "subscribe", filter, d))) {
    mqtt::subscribe_decision out{true, std::string(filter), 2, {}};
    if (p.identity.kind == client_class::shared_application) {
      out.share_group = (p.identity.instance.empty() ? "A-" : "Ai-") + p.identity.id;
    }
    return out;
  }
  stats_.refused_subscribes.fetch_add(1, std::memory_order_relaxed);
  if (d.verdict != topic_verdict::allowed) {
    const bool invalid = d.verdict == topic_verdict::invalid_topic;
    if (p.is_gateway()) {
      notify(p, "subscribe", filter, invalid ? nullptr : &d.parts,
             invalid ? notify_rc::invalid_topic : notify_rc::not_allowed,
             invalid ? "the filter matches no topic of the platform"
                     : "a gateway may not subscribe to this topic");
    } else {
      p.refusal_code.store(invalid ? close_code::invalid_topic : close_code::not_authorized,
                           std::memory_order_relaxed);
    }
  }
  return {};
}

bool iot_realm::authorize_read(const mqtt::principal& who, std::string_view topic) {
  const auto& p = as_iot(who);
  if (!p.is_gateway() || p.record->groups.empty()) return true;
  if (!topic.starts_with(p.org_prefix)) return false;
  const auto parts = parse_topic(topic.substr(p.org_prefix.size()), false);
  if (!parts || parts->kind == topic_kind::notify) return true;
  return may_act_for(p, {p.identity.org, std::string(parts->type), std::string(parts->id)});
}

mqtt::publish_action iot_realm::on_publish(const mqtt::principal& who, const mqtt::message& msg) {
  const auto& p = as_iot(who);
  if (!p.is_gateway()) return mqtt::publish_action::route;
  const std::string_view topic = std::string_view(msg.topic).substr(p.org_prefix.size());
  const auto parts = parse_topic(topic, false);
  if (!parts) return mqtt::publish_action::route;
  const device_ref device{p.identity.org, std::string(parts->type), std::string(parts->id)};
  if (device.type == p.identity.type && device.id == p.identity.id) return mqtt::publish_action::route;
  if (!registrar_.pending(device) && dir_.find(device)) return mqtt::publish_action::route;
  switch (registrar_.admit(device, *p.record, p.client_id, std::make_shared<const mqtt::message>(msg))) {
    case registrar::admission::held:
      break;
    case registrar::admission::muted:
      log_muted_drop(device);
      break;
    case registrar::admission::queue_full:
      notify(p, "publish", topic, &*parts, notify_rc::limit_reached,
             "too many devices waiting for registration");
      break;
    case registrar::admission::held_full:
      notify(p, "publish", topic, &*parts, notify_rc::limit_reached,
             "too many messages held for devices being registered: dropped");
      break;
  }
  return mqtt::publish_action::consume;
}

// --- registration --------------------------------------------------------------------------------

void iot_realm::registration_done(const device_ref& device, const std::string& gateway_client,
                                  registration_result result, std::vector<mqtt::message_ptr> held) {
  if (result == registration_result::registered || result == registration_result::already_exists) {
    spdlog::info("[iot] {} registered {}:{}:{} ({} held message(s) released)", gateway_client, device.org,
                 device.type, device.id, held.size());
    for (auto& msg : held) publisher_->publish(std::move(msg));
    return;
  }
  int rc = notify_rc::registration_failed;
  std::string_view why = "device creation failed";
  if (result == registration_result::invalid_type) {
    rc = notify_rc::invalid_device;
    why = "invalid device type";
  } else if (result == registration_result::invalid_id) {
    rc = notify_rc::invalid_device;
    why = "invalid device ID";
  } else if (result == registration_result::limit_reached) {
    rc = notify_rc::limit_reached;
    why = "device limit reached";
  }
  spdlog::warn("[iot] {} could not register {}:{}:{}: {}; muted for {}s, {} held message(s) dropped",
               gateway_client, device.org, device.type, device.id, why,
               std::chrono::duration_cast<std::chrono::seconds>(options_.registration.mute).count(),
               held.size());
  auto id = parse_client_id(gateway_client);
  if (!id) return;
  iot_principal gw;
  gw.client_id = gateway_client;
  gw.org_prefix = id->org + "/";
  gw.identity = std::move(*id);
  const std::string topic = device_base(device.type, device.id) + (held.empty() ? "cmd" : "evt");
  topic_parts parts;
  parts.type = device.type;
  parts.id = device.id;
  notify(gw, held.empty() ? "subscribe" : "publish", topic, &parts, rc,
         fmt::format("{}: the device is muted for {}s", why,
                     std::chrono::duration_cast<std::chrono::seconds>(options_.registration.mute).count()));
}

void iot_realm::log_muted_drop(const device_ref& device) {
  std::lock_guard lock(log_mutex_);
  if (auto n = muted_log_.due()) {
    spdlog::warn("[iot] dropped a message or subscription for muted device {}:{}:{} ({} in all){}",
                 device.org, device.type, device.id, registrar_.stats().muted_drops.load(),
                 core::repeat_note(*n));
  }
}

}  // namespace tether::iotp
