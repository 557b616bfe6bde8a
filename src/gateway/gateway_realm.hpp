#pragma once
// The gateway MQTT realm every MQTT gateway protocol shares, parameterized by a gateway::format.
// Gateways log in with an API key of their own that has RIGHT_GATEWAY_LINK (the format says where in
// the CONNECT the gateway ID and key are); one session per gateway, so a second connection takes over.
// A gateway may publish only on the topics its format classifies for it, and may read only its own
// downlink and errors topics (any filter that matches them is rewritten to them). Uplinks, statuses
// and TxAcks are decoded by the format, stamped with the uplink token (uplinks) and handed to the hub;
// QoS 1/2 publishes are acknowledged only once handed. A message the realm cannot use is dropped,
// counted (per reason, in the hub), logged (warn, at most one line a second) and answered on the
// gateway's errors topic as JSON {topic, reason} when the gateway subscribed there (beyond The Things
// Stack). Downlinks from the hub are encoded by the format and published on the downlink topic; one
// that would exceed the format's max_packet_size() is refused with the reason `gateway_packet_too_large`
// (the hub hands it to the network core, which tries another window or gateway, else fails the downlink
// with that name), counted and logged, and error reports are shortened to fit.

#include "core/log_limiter.hpp"
#include "gateway/format.hpp"
#include "gateway/hub.hpp"
#include "mqtt/realm.hpp"
#include "registry/key_authenticator.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace tether::gateway {

struct gateway_principal : mqtt::principal {
  std::string gateway_id;
  std::string remote_address;
  std::string key;        // the API key it logged in with, for formats that check session messages
  gateway_topics topics;  // what the realm publishes to this gateway
};

struct realm_stats {
  std::atomic<std::uint64_t> uplinks{0};
  std::atomic<std::uint64_t> statuses{0};
  std::atomic<std::uint64_t> tx_acks{0};
  std::atomic<std::uint64_t> downlinks{0};
  std::atomic<std::uint64_t> dropped{0};
};

class gateway_realm : public mqtt::realm, public frontend {
 public:
  gateway_realm(registry::key_authenticator& keys, gateway::hub& hub,
                std::unique_ptr<gateway::format> format);

  // mqtt::realm
  std::string_view name() const override { return format_->realm_name(); }
  mqtt::auth_result authenticate(const mqtt::connect_request& request) override;
  bool authorize_publish(const mqtt::principal& who, std::string_view topic) override;
  mqtt::subscribe_decision authorize_subscribe(const mqtt::principal& who, std::string_view filter) override;
  bool checks_reads() const override { return true; }
  bool authorize_read(const mqtt::principal& who, std::string_view topic) override;
  mqtt::publish_action on_publish(const mqtt::principal& who, const mqtt::message& msg) override;
  void on_connect(const mqtt::principal& who) override;
  void on_disconnect(const mqtt::principal& who, bool clean) override;
  // The network core's back-pressure: a gateway's connection stops reading while the core is behind.
  bool congested(const mqtt::principal&) override { return hub_.congested(); }
  void when_room(const mqtt::principal&, std::function<void()> resume) override {
    hub_.when_room(std::move(resume));
  }

  // gateway::frontend
  std::string_view protocol() const override { return format_->protocol(); }
  network::send_outcome transmit(const network::downlink_tx& tx) override;
  bool acknowledges_transmissions() const override { return format_->acknowledges_transmissions(); }

  const realm_stats& stats() const noexcept { return stats_; }
  const gateway::format& wire_format() const noexcept { return *format_; }

 private:
  void handle_uplink(const gateway_principal& gw, const mqtt::message& msg);
  void handle_status(const gateway_principal& gw, const mqtt::message& msg);
  void handle_tx_ack(const gateway_principal& gw, const mqtt::message& msg);
  void handle_session(const gateway_principal& gw, const mqtt::message& msg);
  // Counts a drop (realm, hub) and says whether its rate-limited warning is due (with how many it stands
  // for).
  std::optional<std::uint64_t> count_drop(const std::string& gateway_id, std::string_view reason);
  void reject(const gateway_principal& gw, const std::string& topic, std::string_view reason);
  network::send_outcome reject_downlink(const network::downlink_tx& tx, std::size_t size, std::size_t limit);

  registry::key_authenticator& keys_;
  gateway::hub& hub_;
  std::unique_ptr<gateway::format> format_;
  realm_stats stats_;
  std::mutex drop_log_mutex_;
  core::log_limiter drop_log_;
  struct connected_gateway {
    std::size_t connections = 0;  // a takeover briefly makes it 2
    std::string downlink_topic;
  };
  std::mutex connections_mutex_;
  std::unordered_map<std::string, connected_gateway> connected_;
};

}  // namespace tether::gateway
