#pragma once
// The one routine that puts a frame on air, for Class A answers, Class C transmissions and
// join-accepts alike: given candidate windows (best first) and a frame builder, try each window in
// turn — too late? does a frame fit? is the gateway's transmitter free and its duty cycle left? does
// the gateway take it? — and stop at the first that passes every step. The caller then commits what
// the frame carried (counter, queue item, MAC state).
//
// The builder is asked once per window for the frame that window can carry (it may answer with none:
// nothing fits, skip the window); it should build and encrypt each distinct frame once and hand back
// the same bytes for every window that carries it. A gateway that is connected but can never transmit
// a frame (larger than a TTN v2 gateway can read, ...) refuses it with a reason: the next window is
// tried, and the refusals come back so the caller can fail what the frame that went (if any) does not
// carry (down/failed with the gateway's reason) rather than offer it to that gateway again. Used on the
// shard's strand only.

#include "lorawan/band/band.hpp"
#include "network/candidate_window.hpp"
#include "network/gateway_scheduler.hpp"
#include "network/radio.hpp"
#include "network/shard_state.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace tether::network {

constexpr std::chrono::milliseconds schedule_margin{130};  // TTS: 100 ms + 30 ms queue delay

// A frame as built for a window: the PHYPayload and the correlation IDs of what it carries.
struct built_frame {
  bytes wire;
  std::vector<std::string> correlation_ids;  // the transmission's ID is added when it goes
};
// The frame a window can carry, or null to skip the window. It must outlive the routine.
using frame_builder = std::function<const built_frame*(const candidate_window&)>;

struct sent_window {
  std::size_t index = 0;                   // into the candidates
  downlink_tx tx;                          // as handed to the gateway (timestamp moved by a Class C wait)
  send_result result = send_result::sent;  // awaiting_tx_ack or sent
};

struct window_attempt {
  const lorawan::band::band* band = nullptr;
  std::span<const candidate_window> windows;
  frame_builder build;
  std::string id_prefix = "ns:downlink:";  // how that ID is named
  std::string_view application_id;         // whose frame, for logs
  std::string_view device_id;
};

// A frame a gateway refused for good, and why.
struct refused_frame {
  const built_frame* frame = nullptr;  // as the builder handed it out
  std::string gateway_id;
  send_refusal why;
};

struct windows_outcome {
  std::optional<sent_window> sent;     // none when no window took the frame
  std::vector<refused_frame> refused;  // at most one per window, in the windows' order
};

// Tries the windows in order and stops at the first that takes the frame (every skip counted).
windows_outcome try_windows(shard_state& shard, const window_attempt& attempt);

}  // namespace tether::network
