#pragma once
// How a Data API downlink_response finds its way back to the receive windows of the uplink whose
// downlink_request it answers. The renderer remembers each live downlink_request it published
// (packet_hash -> device, uplink frame counter, deadline); the downstream handler looks the hash up
// and pushes the downlink bound to that uplink's windows (network::window_binding), with the
// correlation ID "data-api:packet:<hash>" so that what becomes of it (sent, failed) names the packet.
//
// Bounded: at most `capacity` requests are remembered; the oldest is forgotten first (a response to
// it is then refused as unknown, which it would be anyway: its windows are long gone). Requests
// rendered from a replay are remembered as such, so that a response to one is refused by name.
// Thread-safe.

#include "network/radio.hpp"

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tether::application::connector {

inline constexpr std::string_view packet_correlation_prefix = "data-api:packet:";

// "data-api:packet:<hash>"
std::string packet_correlation_id(std::string_view packet_hash);
// The hash of the first such correlation ID, if any.
std::optional<std::string> packet_hash_of(const std::vector<std::string>& correlation_ids);

struct pending_request {
  std::string application_id;
  std::string device_id;
  std::uint32_t uplink_f_cnt = 0;
  network::time_point deadline{};  // the last moment a response can still make a window (RX2)
  bool history = false;            // rendered from a replay: cannot be answered
  bool claim = false;              // answers a downlink_claim: the response is queued, not bound
};

class pending_requests {
 public:
  explicit pending_requests(std::size_t capacity = 4096) : capacity_(capacity) {}

  void remember(const std::string& packet_hash, pending_request request);
  std::optional<pending_request> find(std::string_view packet_hash) const;
  // Forgets it (a request is answered once).
  void forget(std::string_view packet_hash);
  std::size_t size() const;

 private:
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, pending_request> requests_;
  std::deque<std::string> order_;  // oldest first; may hold hashes already forgotten
};

}  // namespace tether::application::connector
