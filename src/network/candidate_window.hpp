#pragma once
// A receive window a frame could go in (Class A RX1/RX2 of one uplink through one gateway, or a Class C
// slot), as try_windows.hpp tries them and downlink_state.hpp keeps an uplink's open ones.

#include "network/radio.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace tether::network {

struct candidate_window {
  const char* name = "";   // RX1, RX2, Class C: for logs
  std::string gateway_id;  // the gateway that would transmit
  bytes uplink_token;      // Class A: the token of the uplink it answers (empty for Class C)
  tx_settings settings;
  std::uint8_t data_rate_index = 0;
  time_point start{};  // server time the window opens
  // Class C: the earliest free slot at most this much after `start` (zero: exactly at `start`).
  std::chrono::microseconds max_wait{0};
};

}  // namespace tether::network
