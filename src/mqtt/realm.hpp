#pragma once
// The engine's only extension point. A realm is one protocol personality (plain broker, gateway
// API, application API, IoT platform) with its own topic namespace: it decides who may connect,
// publish and subscribe, and may consume a publish instead of routing it. The engine never knows
// which realm it serves.

#include "mqtt/codec/packet.hpp"
#include "mqtt/message.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace tether::mqtt {

// Who a connected client is, as its realm sees it. Realms derive from it to keep their own facts
// (gateway ID, application rights, ...).
struct principal {
  virtual ~principal() = default;
  // Set when the realm's decisions depend on it. A realm may leave it empty and give one principal
  // to several connections (the plain realm without an ACL); the engine knows each connection's
  // client ID from its session.
  std::string client_id;
  std::string username;  // empty when the client sent none
  // When set, the engine keys the session by this instead of the client ID: e.g. one session per
  // gateway, so that a second connection of the same gateway takes over whatever its client ID.
  std::string session_id;
  // The realm keeps no session state: CleanSession is treated as set whatever the client asked
  // (a gateway must never receive downlinks queued while it was away: their time has passed).
  bool ephemeral = false;
  // The revocable credential the client logged in with (an API key ID), empty if none: the owner
  // closes the connection when that credential is revoked (broker::disconnect_if).
  std::string credential_id;
};

using principal_ptr = std::shared_ptr<const principal>;

struct connect_request {
  codec::protocol_version version = codec::protocol_version::v3_1_1;
  std::string_view client_id;
  std::optional<std::string_view> username;
  std::optional<std::string_view> password;
  std::string_view remote_address;
  bool secure = false;  // arrived over TLS
};

// Either a principal (accepted) or the CONNACK code that refuses the client.
struct auth_result {
  principal_ptr who;
  codec::connack_code refusal = codec::connack_code::not_authorized;
  std::string reason;  // logged when refused
};

struct subscribe_decision {
  bool allowed = false;
  std::string filter;        // the filter to install; a realm may rewrite it into the principal's space
  std::uint8_t max_qos = 2;  // granted QoS is capped here
};

enum class publish_action {
  route,    // deliver to subscribers as usual
  consume,  // the realm handled it (e.g. a gateway uplink); do not route
};

// How a realm publishes into its own namespace. Publishes are queued and delivered after the
// current handler returns, so hooks never re-enter the broker.
class realm_publisher {
 public:
  virtual ~realm_publisher() = default;
  virtual void publish(message_ptr msg) = 0;
  // From a handler running on worker `worker`'s thread outside any realm hook (an application event
  // the bus delivers there): the engine may route it at once on that worker.
  virtual void publish_on(message_ptr msg, std::size_t /*worker*/) { publish(std::move(msg)); }
};

class realm {
 public:
  virtual ~realm() = default;

  virtual std::string_view name() const = 0;
  virtual auth_result authenticate(const connect_request& request) = 0;
  virtual bool authorize_publish(const principal& who, std::string_view topic) = 0;
  virtual subscribe_decision authorize_subscribe(const principal& who, std::string_view filter) = 0;

  // Checked again at delivery time when `checks_reads()` is true (e.g. an ACL with patterns).
  virtual bool checks_reads() const { return false; }
  virtual bool authorize_read(const principal& /*who*/, std::string_view /*topic*/) { return true; }

  virtual publish_action on_publish(const principal& /*who*/, const message& /*msg*/) {
    return publish_action::route;
  }
  virtual void on_connect(const principal& /*who*/) {}
  virtual void on_disconnect(const principal& /*who*/, bool /*clean*/) {}

  // Called once by the engine before the first client connects.
  virtual void attach(realm_publisher& publisher) { publisher_ = &publisher; }

 protected:
  realm_publisher* publisher_ = nullptr;
};

}  // namespace tether::mqtt
