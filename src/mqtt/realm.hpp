#pragma once
// The engine's only extension point. A realm is one protocol personality (plain broker, gateway
// API, application API, IoT platform) with its own topic namespace: it decides who may connect,
// publish and subscribe, and may consume a publish instead of routing it. The engine never knows
// which realm it serves.

#include "mqtt/codec/packet.hpp"
#include "mqtt/message.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tether::mqtt {

struct topic_mapping {
  std::string client;  // the prefix as the client spells it
  std::string broker;  // the same prefix inside the broker's namespace
};

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
  // When set, the client's topics are not the broker's: the first entry whose `client` prefix starts
  // a topic or filter the client sends (publish, subscribe, will) has it replaced by `broker`, and a
  // topic delivered to the client that starts with an entry's `broker` prefix gets `client` back.
  // {"", "tenant/"} is Mosquitto's mount_point; a realm that hosts several tenants in one broker keeps
  // them apart this way, and a device's short topics can map onto its full name.
  std::vector<topic_mapping> topic_map;
};

// Maps a topic or filter between the client's and the broker's namespace (principal::topic_map).
std::string to_broker_topic(const principal& who, std::string topic);
// The topic as `who` sees it; `scratch` holds it when it had to be rebuilt.
std::string_view to_client_topic(const principal& who, std::string_view topic, std::string& scratch);

using principal_ptr = std::shared_ptr<const principal>;

struct connect_request {
  codec::protocol_version version = codec::protocol_version::v3_1_1;
  std::string_view client_id;
  std::optional<std::string_view> username;
  std::optional<std::string_view> password;
  std::string_view remote_address;
  bool secure = false;  // arrived over TLS
  bool websocket = false;
  bool clean_session = true;
  std::uint16_t local_port = 0;  // the listener's port
};

// Why a connection ended, as the engine saw it; a realm maps it onto its own vocabulary.
enum class disconnect_reason : std::uint8_t {
  client_disconnect,   // the client sent DISCONNECT
  connection_lost,     // closed by the client without DISCONNECT, or a socket error
  keep_alive_timeout,  // silent for 1.5 keep-alive periods
  protocol_error,      // a malformed or forbidden packet
  packet_too_large,    // over broker_options::max_packet_size or max_payload_size
  taken_over,          // a newer connection took the session over
  revoked,             // the owner closed it (broker::disconnect_if: a deleted or revoked credential)
  refused_by_realm,    // a publish or subscribe the realm refused with refusal_action::disconnect
};

// What a realm learns when a connection it accepted ends.
struct disconnect_info {
  disconnect_reason reason = disconnect_reason::connection_lost;
  std::string_view detail;  // the text the engine logs
  // Traffic of this connection, counted when the realm asks for it (realm::counts_traffic): bytes on
  // the wire and PUBLISH packets in each direction.
  std::uint64_t bytes_read = 0;
  std::uint64_t messages_read = 0;
  std::uint64_t bytes_written = 0;
  std::uint64_t messages_written = 0;
};

// What the engine does with a publish or subscribe the realm refused.
enum class refusal_action {
  drop,        // PUBLISH: acknowledged and dropped; SUBSCRIBE: SUBACK 0x80
  disconnect,  // close the connection (disconnect_reason::refused_by_realm)
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
  // Non-empty: a shared subscription. Sessions that install one filter with one group share it, and
  // each matching message goes to one of them (round-robin), as MQTT 5's $share/{group}/{filter}.
  std::string share_group;
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
  // What the engine calls when a connection ends; by default on_disconnect (clean: DISCONNECT sent).
  virtual void on_closed(const principal& who, const disconnect_info& info) {
    on_disconnect(who, info.reason == disconnect_reason::client_disconnect);
  }

  // Optional behaviours, all off by default.
  // Accepts MQTT 5.0 clients; otherwise a 5.0 CONNECT gets CONNACK 0x84 (unsupported protocol version).
  virtual bool speaks_v5() const { return false; }
  // Count each connection's traffic for disconnect_info.
  virtual bool counts_traffic() const { return false; }
  // False: the retain flag of every client PUBLISH (and will) is cleared, and nothing a client
  // sends is stored as retained; what the realm publishes itself may still be retained.
  virtual bool keeps_retain_flag() const { return true; }
  // After authorize_publish or authorize_subscribe refused `who`.
  virtual refusal_action on_refused(const principal& /*who*/) { return refusal_action::drop; }

  // Back-pressure from whatever consumes this realm's publishes (a gateway realm's network core).
  // Asked after each publish on_publish consumed: while true, the connection reads no further (what
  // it already read waits, unparsed; TCP slows the client down) and asks when_room, which calls
  // `resume` once, from any thread, when reading may go on (at once if it may already).
  virtual bool congested(const principal& /*who*/) { return false; }
  virtual void when_room(const principal& /*who*/, std::function<void()> resume) { resume(); }

  // Called once by the engine before the first client connects.
  virtual void attach(realm_publisher& publisher) { publisher_ = &publisher; }

 protected:
  realm_publisher* publisher_ = nullptr;
};

}  // namespace tether::mqtt
