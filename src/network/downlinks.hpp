#pragma once
// Application downlinks as the network core takes them (push/replace a device's queue) and tells what
// became of each (queued, sent, acked, nacked, failed). Plain structs: the application frontends
// translate their formats (TTS JSON, connector JSON) to and from these.

#include "network/events.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tether::network {

// The Things Stack's TxSchedulePriority; the queue is ordered by it (highest first), then by arrival.
enum class downlink_priority : std::uint8_t {
  lowest = 0,
  low = 1,
  below_normal = 2,
  normal = 3,
  above_normal = 4,
  high = 5,
  highest = 6,
};

// A downlink that answers one uplink in the receive windows it opened (the Data API's
// downlink_response): it never enters the durable queue; it goes in the first of that uplink's windows
// still ahead, or fails with `window_missed` (the windows passed, the device sent another uplink
// meanwhile, or no gateway could take it).
struct window_binding {
  std::uint32_t uplink_f_cnt = 0;  // the uplink's full frame counter
  time_point deadline{};           // after this, do not even try
  friend bool operator==(const window_binding&, const window_binding&) = default;
};

struct application_downlink {
  std::uint8_t f_port = 0;
  bytes frm_payload;  // in clear; the core encrypts it with the session's AppSKey
  downlink_priority priority = downlink_priority::lowest;
  bool confirmed = false;
  std::vector<std::string> correlation_ids;
  std::optional<window_binding> answers;  // none: an ordinary queued downlink
  // Set by the core once queued.
  std::uint32_t f_cnt = 0;
  bytes session_key_id;
  friend bool operator==(const application_downlink&, const application_downlink&) = default;
};

struct downlink_request {
  std::string application_id;
  std::string device_id;
  bool replace = false;  // replace the queue (an empty list clears it) instead of appending
  std::vector<application_downlink> downlinks;
};

enum class downlink_outcome : std::uint8_t { queued, sent, ack, nack, failed };

// Why a downlink failed, with The Things Stack's error names where one exists
// (no_f_port, application_downlink_too_long, unknown_session, downlink_queue_capacity, transmission, ...).
struct downlink_error {
  std::string name;
  std::string message;
  friend bool operator==(const downlink_error&, const downlink_error&) = default;
};

struct downlink_event {
  device_ids ids;
  downlink_outcome outcome = downlink_outcome::queued;
  application_downlink downlink;
  std::optional<downlink_error> error;  // failed only
  time_point at{};
  friend bool operator==(const downlink_event&, const downlink_event&) = default;
};

// Where applications hand downlinks to the core (implemented by network::server). Every item of the
// request ends in exactly one downlink_event (queued or failed) through the event_sink.
class downlink_handler {
 public:
  virtual ~downlink_handler() = default;
  virtual void push_downlinks(downlink_request request) = 0;
};

}  // namespace tether::network
