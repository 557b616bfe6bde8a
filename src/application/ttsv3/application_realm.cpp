#include "application/ttsv3/application_realm.hpp"

#include "application/ttsv3/downlink_json.hpp"
#include "application/ttsv3/event_json.hpp"
#include "core/log_context.hpp"
#include "registry/ids.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

namespace tether::application::ttsv3 {
namespace {

const application_principal& as_application(const mqtt::principal& who) {
  return static_cast<const application_principal&>(who);  // this realm only ever sees its own principals
}

mqtt::auth_result refuse(std::string reason) {
  mqtt::auth_result r;
  r.refusal = mqtt::codec::connack_code::not_authorized;  // The Things Stack answers 5 to every failure
  r.reason = std::move(reason);
  return r;
}

// The filter rewritten into `v3/{app}/...`, or "" when it cannot name the application's topics.
std::string rewrite_filter(std::string_view app, std::string_view filter) {
  if (filter == "#" || filter == "v3/#") return fmt::format("v3/{}/#", app);
  if (!filter.starts_with("v3/")) return {};
  auto rest = filter.substr(3);
  const auto slash = rest.find('/');
  auto first = rest.substr(0, slash);
  const auto tail = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
  if (first != "+") {
    first = first.substr(0, first.find('@'));  // `app@tenant` names the same application
    if (first != app) return {};
  }
  return fmt::format("v3/{}{}", app, tail);
}

bool in_namespace(std::string_view app, std::string_view topic) {
  return topic.size() > app.size() + 4 && topic.starts_with("v3/") && topic.substr(3, app.size()) == app &&
         topic[3 + app.size()] == '/';
}

}  // namespace

application_realm::application_realm(registry::key_authenticator& keys, application::bus& bus)
    : keys_(keys), bus_(bus) {}

mqtt::auth_result application_realm::authenticate(const mqtt::connect_request& request) {
  if (!request.username) return refuse("no username: it must be the application ID");
  std::string_view id = *request.username;
  id = id.substr(0, id.find('@'));
  if (!registry::is_valid_id(id))
    return refuse(fmt::format("username '{}' is not an application ID", *request.username));
  if (!request.password) return refuse(fmt::format("application {}: no API key", id));
  auto key = keys_.authenticate({registry::entity_kind::application, std::string(id)}, *request.password);
  if (!key) return refuse(fmt::format("application {}: API key not valid for it", id));
  if (key->rights.empty())
    return refuse(fmt::format("application {}: API key {} has no rights", id, key->key_id));
  auto who = std::make_shared<application_principal>();
  who->client_id = std::string(request.client_id);
  who->username = std::string(*request.username);
  who->application_id = std::string(id);
  who->credential_id = key->key_id;
  who->rights = key->rights;
  mqtt::auth_result r;
  r.who = std::move(who);
  return r;
}

bool application_realm::authorize_publish(const mqtt::principal& who, std::string_view topic) {
  const auto& app = as_application(who);
  if (!app.rights.contains(registry::right::application_traffic_down_write)) return false;
  if (!in_namespace(app.application_id, topic)) return false;
  return topic.ends_with("/down/push") || topic.ends_with("/down/replace");
}

mqtt::subscribe_decision application_realm::authorize_subscribe(const mqtt::principal& who,
                                                                std::string_view filter) {
  mqtt::subscribe_decision d;
  d.filter = rewrite_filter(as_application(who).application_id, filter);
  d.allowed = !d.filter.empty();
  return d;
}

bool application_realm::authorize_read(const mqtt::principal& who, std::string_view topic) {
  const auto& app = as_application(who);
  // Without the read right a subscription succeeds but delivers nothing, as in The Things Stack.
  return app.rights.contains(registry::right::application_traffic_read) &&
         in_namespace(app.application_id, topic);
}

mqtt::publish_action application_realm::on_publish(const mqtt::principal& who, const mqtt::message& msg) {
  handle_downlinks(as_application(who), msg);
  return mqtt::publish_action::consume;  // applications talk to the server, never to each other
}

void application_realm::handle_downlinks(const application_principal& app, const mqtt::message& msg) {
  // authorize_publish let through only v3/{app}/.../down/push and .../down/replace.
  constexpr std::string_view devices = "devices/";
  const auto rest = std::string_view(msg.topic).substr(4 + app.application_id.size());
  const bool replace = rest.ends_with("/down/replace");
  const auto device_id = rest.starts_with(devices)
                             ? rest.substr(devices.size(), rest.rfind("/down/") - devices.size())
                             : std::string_view{};
  if (!registry::is_valid_id(device_id)) {
    return publish_error(app.application_id, msg.topic,
                         "the topic must be v3/{application}/devices/{device}/down/push or /down/replace");
  }
  auto parsed = parse_downlinks(msg.payload);
  if (!parsed) return publish_error(app.application_id, msg.topic, parsed.error());

  network::device_ids ids;
  ids.application_id = app.application_id;
  ids.device_id = std::string(device_id);
  auto fail = [&](network::application_downlink downlink, network::downlink_error error) {
    network::downlink_event event;
    event.ids = ids;
    event.outcome = network::downlink_outcome::failed;
    event.downlink = std::move(downlink);
    event.error = std::move(error);
    event.at = std::chrono::system_clock::now();
    bus_.report_downlink(event);  // into the event log, then to every frontend (this one too)
  };
  for (auto& [downlink, error] : parsed->rejected) fail(std::move(downlink), std::move(error));
  if (parsed->valid.empty() && !replace) return;

  network::downlink_request request{ids.application_id, ids.device_id, replace, parsed->valid};
  if (!bus_.push_downlinks(std::move(request))) {
    for (auto& downlink : parsed->valid)
      fail(downlink, {"no_network_server", "no network server takes downlinks"});
  }
}

void application_realm::publish_error(const std::string& application_id, const std::string& topic,
                                      std::string_view reason) {
  const core::log_scope scope{{"application_id", application_id}};
  spdlog::warn("[application] {}: message on {} not used: {}", application_id, topic, reason);
  const nlohmann::json error = {{"topic", topic}, {"reason", reason}};
  if (publisher_) {
    publisher_->publish(
        mqtt::make_message(fmt::format("v3/{}/errors", application_id), error.dump(), 0, false));
  }
}

void application_realm::publish_event(const network::device_ids& ids, std::string_view suffix,
                                      std::string payload, const event_context& context) {
  if (!publisher_) return;
  events_.fetch_add(1, std::memory_order_relaxed);
  // QoS 2 so that each subscriber gets the QoS it asked for (delivery takes the lower of the two).
  auto msg = mqtt::make_message(fmt::format("v3/{}/devices/{}/{}", ids.application_id, ids.device_id, suffix),
                                std::move(payload), 2, false);
  // The bus delivers on the worker the event came from: route there, not all on the system worker.
  if (context.worker != event_context::any_worker)
    return publisher_->publish_on(std::move(msg), context.worker);
  publisher_->publish(std::move(msg));
}

void application_realm::on_join(const network::join_event& event, const event_context& context) {
  publish_event(event.ids, "join", render_join(event), context);
}

void application_realm::on_uplink(const network::uplink_event& event, const event_context& context) {
  publish_event(event.ids, "up", render_uplink(event), context);
}

void application_realm::on_downlink(const network::downlink_event& event, const event_context& context) {
  publish_event(event.ids, downlink_event_suffix(event.outcome), render_downlink_event(event), context);
}

}  // namespace tether::application::ttsv3
