#pragma once
// The Things Stack v3 gateway API (spec/tts-v3.md §2): gateways log in with username = gateway ID
// (`id@tenant` accepted, tenant ignored) and password = an API key of that gateway with
// RIGHT_GATEWAY_LINK; they publish protobuf UplinkMessage, GatewayStatus and TxAcknowledgment to
// v3/{id}/up, /status and /down/ack (write-only) and receive GatewayDown on v3/{id}/down. Beyond the
// original: a message the realm cannot use is answered on v3/{id}/errors (JSON topic + reason) when
// the gateway subscribed there, and QoS 1/2 uplinks are acknowledged only once handed to the hub.

#include "gateway/hub.hpp"
#include "mqtt/realm.hpp"
#include "registry/key_authenticator.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace tether::gateway::ttsv3 {

struct gateway_principal : mqtt::principal {
  std::string gateway_id;
  std::string remote_address;
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
  gateway_realm(registry::key_authenticator& keys, gateway::hub& hub);

  // mqtt::realm
  std::string_view name() const override { return "gateway-v3"; }
  mqtt::auth_result authenticate(const mqtt::connect_request& request) override;
  bool authorize_publish(const mqtt::principal& who, std::string_view topic) override;
  mqtt::subscribe_decision authorize_subscribe(const mqtt::principal& who, std::string_view filter) override;
  bool checks_reads() const override { return true; }
  bool authorize_read(const mqtt::principal& who, std::string_view topic) override;
  mqtt::publish_action on_publish(const mqtt::principal& who, const mqtt::message& msg) override;
  void on_connect(const mqtt::principal& who) override;
  void on_disconnect(const mqtt::principal& who, bool clean) override;

  // gateway::frontend
  std::string_view protocol() const override { return "ttsv3"; }
  bool transmit(const network::downlink_tx& tx) override;

  const realm_stats& stats() const noexcept { return stats_; }

 private:
  // The last downlinks sent to one gateway, found again by the `gs:down:token:<n>` correlation ID
  // its TxAck echoes (The Things Stack keeps 16 too).
  struct sent_downlinks {
    static constexpr std::size_t size = 16;
    std::uint16_t next_token = 0;
    std::array<std::uint64_t, size> downlink_ids{};
    std::array<std::uint16_t, size> tokens{};
  };

  void handle_uplink(const gateway_principal& gw, const mqtt::message& msg);
  void handle_status(const gateway_principal& gw, const mqtt::message& msg);
  void handle_tx_ack(const gateway_principal& gw, const mqtt::message& msg);
  void reject(const gateway_principal& gw, const std::string& topic, std::string_view reason);
  std::uint64_t match_tx_ack(const std::string& gateway_id, const std::vector<std::string>& correlation_ids);

  registry::key_authenticator& keys_;
  gateway::hub& hub_;
  realm_stats stats_;
  std::mutex sent_mutex_;
  std::unordered_map<std::string, sent_downlinks> sent_;
  std::unordered_map<std::string, std::size_t> connections_;  // per gateway: sent_ lives while > 0
};

}  // namespace tether::gateway::ttsv3
