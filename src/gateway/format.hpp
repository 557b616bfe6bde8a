#pragma once
// What distinguishes one MQTT gateway protocol from another once the shared gateway_realm has done
// what they all need (API-key auth, the per-gateway ACL, takeover, the errors topic, counters,
// downlink delivery): names, how the CONNECT carries credentials, the topic layout, the codec between
// payload bytes and the neutral radio structs of network/radio.hpp, and whether the protocol
// acknowledges transmissions. As The Things Stack splits its MQTT frontend (io/mqtt + a Format).
//
// Examples: TTS v3 (gateway/ttsv3/) publishes v3/{id}/up, /status, /down/ack and reads v3/{id}/down;
// TTN v2 would publish {id}/up, {id}/status plus the shared `connect`/`disconnect` announcements
// (session messages whose payloads it checks), read {id}/down, log in with username = gateway ID and
// password = key or with username = key alone, and never acknowledge a transmission.
// Implementations are stateless and called from every worker thread at once.

#include "mqtt/codec/packet.hpp"
#include "mqtt/realm.hpp"
#include "network/radio.hpp"

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace tether::gateway {

template <class T>
using result = boost::system::result<T>;

// What a topic a gateway may publish to carries.
enum class gateway_message {
  uplink,   // -> decode_uplink -> hub
  status,   // -> decode_status -> hub
  tx_ack,   // -> decode_tx_ack -> hub (only in protocols that acknowledge transmissions)
  session,  // a connect/disconnect announcement: check_session_message, then consumed
};

// Who a CONNECT says it is: the gateway and the API key to check for it.
struct gateway_credentials {
  std::string gateway_id;
  std::string key;
};

// Either credentials (then the realm checks the key) or why the CONNECT is refused at once.
struct credentials_result {
  std::optional<gateway_credentials> credentials;
  mqtt::codec::connack_code refusal = mqtt::codec::connack_code::not_authorized;
  std::string reason;  // logged when refused
};

// The topics the realm publishes to one gateway. Computed once per connection.
struct gateway_topics {
  std::string downlink;
  std::string errors;  // JSON {topic, reason} for each message the realm could not use
  // A filter that matches both topics above and no other topic the realm publishes: installed when a
  // subscription asks for both (reads are checked again at delivery).
  std::string both;
};

// Helpers for formats whose gateways live under "{prefix}{id}/" (v3: prefix "v3/", v2: none).
credentials_result refuse_login(mqtt::codec::connack_code code, std::string reason);
// The part of `topic` after "{prefix}{id}/", without building the string; nullopt when not under it.
std::optional<std::string_view> topic_suffix(std::string_view prefix, std::string_view gateway_id,
                                             std::string_view topic);
// {prefix}{id}/down and /errors, and {prefix}{id}/+ for both: the realm publishes nothing else there.
gateway_topics topics_under(std::string_view prefix, std::string_view gateway_id);

class format {
 public:
  virtual ~format() = default;

  virtual std::string_view realm_name() const = 0;  // the realm's and its listeners' label: "gateway-v3"
  virtual std::string_view protocol() const = 0;    // what `tether gateway show` reports: "ttsv3"
  virtual bool acknowledges_transmissions() const = 0;
  // The QoS downlinks are published at (each gateway gets them at most at the QoS it subscribed with).
  virtual std::uint8_t downlink_qos() const { return 2; }
  // The largest MQTT packet (fixed header, topic and payload) a gateway of this protocol can read; the
  // realm refuses a downlink that would be larger (gateway_packet_too_large) and shortens error reports
  // to fit. 0: no limit. TTN v2 gateways read into 512-byte buffers without checking.
  virtual std::size_t max_packet_size() const { return 0; }

  virtual credentials_result read_credentials(const mqtt::connect_request& request) const = 0;

  // What a publish of `gateway_id` on `topic` carries; nullopt when the gateway may not publish there.
  virtual std::optional<gateway_message> classify(std::string_view gateway_id,
                                                  std::string_view topic) const = 0;
  virtual gateway_topics topics(std::string_view gateway_id) const = 0;

  // The codec. `gateway_id` is the authenticated connection's gateway, `received_at` the server time the
  // PUBLISH arrived (it overwrites whatever the gateway claims). Uplink tokens are the realm's business.
  virtual result<network::gateway_uplink> decode_uplink(std::span<const std::uint8_t> payload,
                                                        std::string_view gateway_id,
                                                        network::time_point received_at) const = 0;
  virtual result<network::gateway_status> decode_status(std::span<const std::uint8_t> payload,
                                                        std::string_view gateway_id,
                                                        network::time_point received_at) const;
  virtual result<network::tx_ack> decode_tx_ack(std::span<const std::uint8_t> payload,
                                                std::string_view gateway_id,
                                                network::time_point received_at) const;
  // Whether a session message (connect/disconnect announcement) on `topic` is acceptable for the
  // connection of `gateway_id` that logged in with `key`.
  virtual boost::system::error_code check_session_message(std::string_view topic,
                                                          std::span<const std::uint8_t> payload,
                                                          std::string_view gateway_id,
                                                          std::string_view key) const;
  virtual std::string encode_downlink(const network::downlink_tx& tx) const = 0;
};

}  // namespace tether::gateway
