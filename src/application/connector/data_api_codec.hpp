#pragma once
// The Data API codec of one connector (message_renderer.hpp): events out as Data API JSON on the
// expanded topic_up, and downlink_response / downlink_claim in from topic_down.
//
// A downlink_response that answers a live downlink_request of this connector, in time, goes to the
// network core bound to that uplink's receive windows (network::window_binding): it is transmitted in
// the first window still ahead or fails by name. One that comes after the last window, answers a
// request rendered from a replay, or names a packet this connector never asked about is refused with
// an `error` message naming the packet (with queue_if_late it is queued for the next window instead).
// A downlink_claim is answered with a downlink_request at once; its response is queued (a Class C
// device gets it at once, a Class A device after its next uplink). Every message refused on
// topic_down — not JSON, not a Data API object, unsupported — is counted by reason, logged (at most
// once a second per connector, with the count) and answered with an `error` message.

#include "application/connector/connector_config.hpp"
#include "application/connector/message_renderer.hpp"
#include "core/eui64.hpp"
#include "network/downlinks.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace tether::application::connector {

// What the codec needs from the rest of Tether (main wires the bus and the registry in).
struct codec_services {
  // Hands downlinks to the network core (application::bus::push_downlinks); false: none takes them.
  std::function<bool(network::downlink_request)> push_downlinks;
  // The device ID of a DevEUI in an application (a downlink_claim names the device by DevEUI).
  std::function<std::optional<std::string>(std::string_view application_id, const core::eui64& dev_eui)>
      find_device;
  std::function<network::time_point()> now = [] { return std::chrono::system_clock::now(); };
};

// What a connector's downstream side did, for logs and /metrics.
struct downstream_counters {
  std::atomic<std::uint64_t> received{0};
  std::atomic<std::uint64_t> responses_bound{0};   // sent to the network for their uplink's windows
  std::atomic<std::uint64_t> responses_queued{0};  // queue_if_late, or the answer to a claim
  std::atomic<std::uint64_t> claims{0};
  std::atomic<std::uint64_t> refused_invalid{0};      // not JSON, not a Data API message, bad field
  std::atomic<std::uint64_t> refused_late{0};         // after the last window, or to a replayed request
  std::atomic<std::uint64_t> refused_unknown{0};      // a packet_hash or device this connector does not know
  std::atomic<std::uint64_t> refused_unsupported{0};  // status_request, join_response, encrypted_payload
  std::atomic<std::uint64_t> refused_internal{0};     // handling failed (a registry lookup threw)
  std::atomic<std::uint64_t> answers_dropped{0};      // error answers the outbox had no room for
};

// The codec factory the serve module gives each link; one codec per connector configuration. Every
// codec it makes counts into `counters` (one set for all connectors, for /metrics) when given.
codec_factory make_data_api_codec_factory(codec_services services,
                                          std::shared_ptr<downstream_counters> counters = nullptr);

// The same for one configuration, with its counters (tests).
connector_codec make_data_api_codec(const connector_config& config, codec_services services,
                                    std::shared_ptr<downstream_counters> counters = nullptr);

}  // namespace tether::application::connector
