#pragma once
// Internal to the codec's .cpp files: conversions between the generated protobuf classes and the
// neutral radio structs, shared by the uplink, status, TxAck and downlink codecs. Nothing outside
// src/gateway/ttsv3/codec_*.cpp may include this header.

#include "gateway/protobuf_arena.hpp"
#include "gateway/ttsv3/codec_error.hpp"
#include "network/radio.hpp"

#include "ttn/lorawan/v3/gateway.pb.h"
#include "ttn/lorawan/v3/lorawan.pb.h"
#include "ttn/lorawan/v3/messages.pb.h"
#include "ttn/lorawan/v3/metadata.pb.h"

#include <google/protobuf/timestamp.pb.h>

#include <climits>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace tether::gateway::ttsv3::detail {

namespace pb = ::ttn::lorawan::v3;

inline constexpr std::uint64_t min_frequency = 100'000;  // Hz, as The Things Stack validates

// Decoding and encoding on the thread's reused arena (gateway/protobuf_arena.hpp).
using protobuf_arena::make;
using protobuf_arena::parse;
using protobuf_arena::serialize;

// Timestamps outside what a nanosecond system_clock holds (years 1678..2261) are refused.
result<network::time_point> from_pb(const google::protobuf::Timestamp& ts);
void to_pb(network::time_point tp, google::protobuf::Timestamp* out);

// Requires one modulation (missing_data_rate) and a frequency of at least 100 kHz.
result<network::tx_settings> from_pb(const pb::TxSettings& s);
void to_pb(const network::tx_settings& s, pb::TxSettings* out, bool downlink);

network::location from_pb(const pb::Location& l);
void to_pb(const network::location& l, pb::Location* out);

// Every correlation ID at most 100 characters.
template <class Repeated>
bool valid_correlation_ids(const Repeated& ids) {
  for (const auto& id : ids) {
    if (id.size() > 100) return false;
  }
  return true;
}

}  // namespace tether::gateway::ttsv3::detail
