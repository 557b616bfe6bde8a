#pragma once
// The Things Stack's application MQTT API (spec/tts-v3.md §3): applications log in with username =
// application ID (`app@tenant` accepted) and password = an API key with at least one right on it.
// Reading events needs RIGHT_APPLICATION_TRAFFIC_READ; pushing downlinks needs ..._DOWN_WRITE.
// Every filter is rewritten into the application's own space (`#` → `v3/{app}/#`), so wildcards never
// reach other applications. Beyond the original: QoS 1/2 honoured and persistent sessions kept.

#include "application/bus.hpp"
#include "mqtt/realm.hpp"
#include "registry/key_authenticator.hpp"

#include <atomic>
#include <cstdint>
#include <string>

namespace tether::application::ttsv3 {

struct application_principal : mqtt::principal {
  std::string application_id;
  registry::rights rights;
};

class application_realm : public mqtt::realm, public frontend {
 public:
  application_realm(registry::key_authenticator& keys, application::bus& bus);

  // mqtt::realm
  std::string_view name() const override { return "application"; }
  mqtt::auth_result authenticate(const mqtt::connect_request& request) override;
  bool authorize_publish(const mqtt::principal& who, std::string_view topic) override;
  mqtt::subscribe_decision authorize_subscribe(const mqtt::principal& who, std::string_view filter) override;
  bool checks_reads() const override { return true; }
  bool authorize_read(const mqtt::principal& who, std::string_view topic) override;
  mqtt::publish_action on_publish(const mqtt::principal& who, const mqtt::message& msg) override;

  // application::frontend: events become messages in the application's namespace.
  void on_join(const network::join_event& event, const event_context& context) override;
  void on_uplink(const network::uplink_event& event, const event_context& context) override;
  void on_downlink(const network::downlink_event& event, const event_context& context) override;

  std::uint64_t events_published() const noexcept { return events_.load(std::memory_order_relaxed); }

 private:
  void publish_event(const network::device_ids& ids, std::string_view suffix, std::string payload,
                     const event_context& context);
  void publish_error(const std::string& application_id, const std::string& topic, std::string_view reason);
  void handle_downlinks(const application_principal& app, const mqtt::message& msg);

  registry::key_authenticator& keys_;
  application::bus& bus_;
  std::atomic<std::uint64_t> events_{0};
};

}  // namespace tether::application::ttsv3
