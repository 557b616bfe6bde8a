#pragma once
// Internal to the codec's .cpp files: the generated TTN v2 protobuf classes and the conversions the
// uplink, status and downlink codecs share. Nothing outside src/gateway/ttnv2/codec_*.cpp includes it.

#include "gateway/protobuf_arena.hpp"
#include "gateway/ttnv2/codec_error.hpp"
#include "network/radio.hpp"

#include "ttnv2/gateway.pb.h"
#include "ttnv2/lorawan.pb.h"
#include "ttnv2/protocol.pb.h"
#include "ttnv2/router.pb.h"
#include "ttnv2/types.pb.h"

#include <climits>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace tether::gateway::ttnv2::detail {

namespace v2 = ::ttnv2;

inline constexpr std::uint64_t min_frequency = 100'000;  // Hz, as for v3

// Decoding and encoding on the thread's reused arena (gateway/protobuf_arena.hpp).
using protobuf_arena::make;
using protobuf_arena::parse;
using protobuf_arena::serialize;

// Unix ns; 0 means "not set" (proto3 cannot tell), a negative value is refused.
result<std::optional<network::time_point>> from_unix_ns(std::int64_t ns);
std::int64_t to_unix_ns(const std::optional<network::time_point>& t);

// The location the bridge keeps (spec §1.4 Validate): nullopt for a zero or impossible one.
std::optional<network::location> from_pb(const v2::gateway::LocationMetadata& l);
void to_pb(const network::location& l, v2::gateway::LocationMetadata* out);

// Shared by lorawan.Metadata (uplink) and lorawan.TxConfiguration (downlink), which have the same fields.
template <class M>
result<network::data_rate> data_rate_from_pb(const M& m);
template <class M>
void data_rate_to_pb(const network::data_rate& dr, M* out);

}  // namespace tether::gateway::ttnv2::detail
