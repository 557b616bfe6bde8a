#pragma once
// What every protobuf gateway codec (gateway/ttsv3, gateway/ttnv2) needs to decode and encode without
// the heap: a per-thread arena, emptied on each call, whose first block is reused, and parse/make/
// serialize on it. A message made from it is valid until the next call on the same thread, which is
// enough because every codec turns its messages into the neutral radio structs before it returns.

#include <google/protobuf/arena.h>

#include <climits>
#include <cstdint>
#include <span>
#include <string>

namespace tether::gateway::protobuf_arena {

// The thread's arena, emptied.
google::protobuf::Arena& fresh();

// Parses `payload` as M on the thread's fresh arena; nullptr when it is not a valid M.
template <class M>
M* parse(std::span<const std::uint8_t> payload) {
  if (payload.size() > static_cast<std::size_t>(INT_MAX)) return nullptr;
  auto* msg = google::protobuf::Arena::CreateMessage<M>(&fresh());
  if (!msg->ParseFromArray(payload.data(), static_cast<int>(payload.size()))) return nullptr;
  return msg;
}

// A message created on the thread's fresh arena, for encoding.
template <class M>
M* make() {
  return google::protobuf::Arena::CreateMessage<M>(&fresh());
}

template <class M>
std::string serialize(const M& msg) {
  std::string out;
  msg.SerializeToString(&out);
  return out;
}

}  // namespace tether::gateway::protobuf_arena
