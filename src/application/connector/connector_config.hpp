#pragma once
// Shared with condata (the Data API half of issue 17): change it only together, see
// /work/notes/connector-seam.md.
//
// One outbound MQTT connector as the rest of Tether sees it: which application's events go where.
// The URI is parsed once, where it is given (CLI, config file: application/connector/uri.*), into
// broker_uri; the link (link.*) only connects to what it finds here. A connector is named by
// (application_id, name); two configs that compare equal need no reconnect.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tether::application::connector {

enum class uri_scheme : std::uint8_t { mqtt, mqtts, ws, wss };

struct broker_uri {
  uri_scheme scheme = uri_scheme::mqtt;
  std::string host;                     // a name or an address, without brackets
  std::uint16_t port = 1883;            // the scheme's default when the URI has none (1883/8883/80/443)
  std::string path = "/mqtt";           // WebSocket only: the request target, query included
  std::optional<std::string> username;  // URL-decoded; a query string in it kept as given
  std::optional<std::string> password;  // URL-decoded
  bool tls() const noexcept { return scheme == uri_scheme::mqtts || scheme == uri_scheme::wss; }
  bool websocket() const noexcept { return scheme == uri_scheme::ws || scheme == uri_scheme::wss; }
  friend bool operator==(const broker_uri&, const broker_uri&) = default;
};

// The Data API message types a connector may publish (B2: NS→AS).
enum class message_type : std::uint8_t {
  uplink,
  join_request,
  downlink,
  downlink_request,
  status_response,
  error,
  warning,
  info,
  location,
};

// A set of message_type, one bit each.
class type_set {
 public:
  constexpr type_set() = default;
  static constexpr type_set of(std::initializer_list<message_type> types) {
    type_set s;
    for (auto t : types) s.add(t);
    return s;
  }
  // The Data API's default filter: every NS→AS type except error, warning, info and location.
  static constexpr type_set defaults() {
    return of({message_type::uplink, message_type::join_request, message_type::downlink,
               message_type::downlink_request, message_type::status_response});
  }
  constexpr void add(message_type t) { bits_ |= bit(t); }
  constexpr bool contains(message_type t) const { return (bits_ & bit(t)) != 0; }
  constexpr std::uint32_t bits() const { return bits_; }
  friend bool operator==(const type_set&, const type_set&) = default;

 private:
  static constexpr std::uint32_t bit(message_type t) { return 1u << static_cast<unsigned>(t); }
  std::uint32_t bits_ = 0;
};

struct connector_config {
  std::string application_id;
  std::string name;
  std::string uri;  // as given, for show/list (secrets masked there, not here)
  broker_uri broker;
  std::string ca_file;     // PEM CA bundle that verifies the broker; empty: the system's CAs
  std::string client_id;   // empty: the link uses "tether-" + application_id + "-" + name
  std::string topic_up;    // a template: {type} {device} {device_addr} {application} {gateway} {network}
  std::string topic_down;  // empty: subscribe to nothing
  type_set types = type_set::defaults();
  friend bool operator==(const connector_config&, const connector_config&) = default;
};

// Where the serve module finds the connectors to run. It calls list() about once a second and
// starts, restarts (config changed) or stops links to match, so CLI changes reach a running server
// without a restart. Called from one thread; may throw storage errors (the module logs and retries).
class connector_directory {
 public:
  virtual ~connector_directory() = default;
  virtual std::vector<connector_config> list() = 0;
};

}  // namespace tether::application::connector
