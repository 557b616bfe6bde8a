#pragma once
// Internal to the codec's .cpp files: conversions between the generated protobuf classes and the
// neutral radio structs, shared by the uplink, status, TxAck and downlink codecs. Nothing outside
// src/gateway/ttsv3/codec_*.cpp may include this header.

#include "gateway/ttsv3/codec_error.hpp"
#include "network/radio.hpp"

#include "ttn/lorawan/v3/gateway.pb.h"
#include "ttn/lorawan/v3/lorawan.pb.h"
#include "ttn/lorawan/v3/messages.pb.h"
#include "ttn/lorawan/v3/metadata.pb.h"

#include <google/protobuf/arena.h>
#include <google/protobuf/timestamp.pb.h>

#include <climits>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace tether::gateway::ttsv3::detail {

namespace pb = ::ttn::lorawan::v3;

inline constexpr std::uint64_t min_frequency = 100'000;  // Hz, as The Things Stack validates

// A per-thread arena, emptied on each call: decoding allocates from a block that is reused instead
// of from the heap. A message created from it is valid until the next call on the same thread.
google::protobuf::Arena& fresh_arena();

// Parses `payload` as M on the thread's fresh arena; nullptr when it is not a valid M.
template <class M>
M* parse(std::span<const std::uint8_t> payload) {
  if (payload.size() > static_cast<std::size_t>(INT_MAX)) return nullptr;
  auto* msg = google::protobuf::Arena::CreateMessage<M>(&fresh_arena());
  if (!msg->ParseFromArray(payload.data(), static_cast<int>(payload.size()))) return nullptr;
  return msg;
}

// A message created on the thread's fresh arena, for encoding.
template <class M>
M* make() {
  return google::protobuf::Arena::CreateMessage<M>(&fresh_arena());
}

template <class M>
std::string serialize(const M& msg) {
  std::string out;
  msg.SerializeToString(&out);
  return out;
}

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
