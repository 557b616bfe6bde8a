#pragma once
// The Data API's JSON (spec/everynet.md B2) for what Tether tells an application, rendered from the
// network core's neutral events as the event stream replays them:
//   join_event          -> join_request
//   uplink_event        -> uplink, then downlink_request (its receive windows: tx_time, counter_down,
//                          max_size for RX1's data rate)
//   downlink_event      -> downlink (sent: the report of a transmitted downlink), info (queued, ack),
//                          warning (nack) or error (failed)
//   drop_event          -> error or warning, by the drop reason (drop_notice.hpp)
// and the notices a connector sends of its own (error, warning, info). Every message is
// {"type":..., "meta":{...}, "params":{...}} with keys in the Data API's order. meta.packet_hash is
// derived from the event (an uplink and its downlink_request share it; a replay gives the same hash),
// meta.packet_id from the message (type, hash, stream number). EUIs and addresses are lower-case hex,
// times Unix seconds with microseconds, payloads base64.

#include "application/connector/connector_config.hpp"
#include "application/connector/data_api_meta.hpp"
#include "network/downlinks.hpp"
#include "network/events.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tether::application::connector {

struct data_api_message {
  message_type type = message_type::uplink;
  data_api_meta meta;
  std::string json;
};

// What every rendered message of one event shares.
struct render_input {
  std::uint64_t seq = 0;  // the event's number in its stream (packet_id)
  bool history = false;   // meta.history
};

// "uplink", "downlink_request", ...
std::string_view type_name(message_type type);
// The type named `name` among those a connector may publish; nullopt otherwise (also for AS→NS types).
std::optional<message_type> parse_type_name(std::string_view name);

// 32 lower-case hex digits: the first 16 bytes of SHA-256 over `what`.
std::string hash_hex(std::string_view what);
// The packet_hash of an uplink: the same for its downlink_request, and for every replay of it.
std::string uplink_packet_hash(const network::uplink_event& event);

// The payload limit of the RX1 window the uplink opened (none: unknown band or data rate).
std::optional<std::size_t> rx1_max_size(const network::uplink_event& event);

void render_join(const network::join_event& event, const render_input& in,
                 std::vector<data_api_message>& out);
// uplink, then downlink_request when the uplink opened windows the application may answer in.
void render_uplink(const network::uplink_event& event, const render_input& in,
                   std::vector<data_api_message>& out);
void render_downlink(const network::downlink_event& event, const render_input& in,
                     std::vector<data_api_message>& out);
// A frame of the device the network core dropped (MIC, counter replay, ...): an `error` or `warning`
// (drop_notice.hpp) whose code is the drop reason.
void render_drop(const network::drop_event& event, const render_input& in,
                 std::vector<data_api_message>& out);

// An error, warning or info message: params {message, code (when given)}.
data_api_message render_notice(message_type type, data_api_meta meta, std::string_view message,
                               std::string_view code = {});
// A downlink_request outside the stream (the answer to a downlink_claim).
data_api_message render_downlink_request(data_api_meta meta, double tx_time,
                                         std::optional<std::uint32_t> counter_down,
                                         std::optional<std::size_t> max_size);

// Unix seconds with microseconds.
double unix_seconds(network::time_point t);
// The meta of a device's message: network, application, device_addr, device (no hash, id or time).
data_api_meta device_meta(const network::device_ids& ids, std::uint32_t net_id);

}  // namespace tether::application::connector
