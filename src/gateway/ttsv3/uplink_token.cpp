// The uplink token as The Things Stack's UplinkToken message (spec §1.6).

#include "gateway/ttsv3/uplink_token.hpp"

#include "gateway/ttsv3/codec_pb.hpp"
#include "registry/ids.hpp"

#include <chrono>

namespace tether::gateway::ttsv3 {
namespace {

// Written by hand because decode_uplink calls this for every uplink while its message lives on the
// thread's arena; the bytes equal what protobuf would serialize (the unit tests compare them).
void put_varint(network::bytes& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<std::uint8_t>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(v));
}

std::size_t varint_size(std::uint64_t v) {
  std::size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

void put_tag(network::bytes& out, std::uint32_t field, std::uint32_t wire_type) {
  put_varint(out, (field << 3) | wire_type);
}

constexpr std::uint32_t varint_type = 0;
constexpr std::uint32_t length_type = 2;

}  // namespace

network::bytes encode_uplink_token(const uplink_token& t) {
  const auto ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(t.server_time.time_since_epoch()).count();
  std::int64_t seconds = ns / 1'000'000'000;
  std::int64_t nanos = ns % 1'000'000'000;
  if (nanos < 0) {
    nanos += 1'000'000'000;
    --seconds;
  }
  // GatewayAntennaIdentifiers{gateway_ids=1{gateway_id=1}, antenna_index=2}
  const std::size_t gateway_ids_size =
      t.gateway_id.empty() ? 0 : 1 + varint_size(t.gateway_id.size()) + t.gateway_id.size();
  const std::size_t ids_size = 1 + varint_size(gateway_ids_size) + gateway_ids_size +
                               (t.antenna_index != 0 ? 1 + varint_size(t.antenna_index) : 0);
  // Timestamp{seconds=1, nanos=2}; int64 and int32 varints sign-extend to 64 bits.
  const auto seconds_bits = static_cast<std::uint64_t>(seconds);
  const auto nanos_bits = static_cast<std::uint64_t>(nanos);
  const std::size_t time_size =
      (seconds != 0 ? 1 + varint_size(seconds_bits) : 0) + (nanos != 0 ? 1 + varint_size(nanos_bits) : 0);

  network::bytes out;
  out.reserve(2 + ids_size + 6 + 2 + time_size + 4);
  put_tag(out, 1, length_type);
  put_varint(out, ids_size);
  put_tag(out, 1, length_type);
  put_varint(out, gateway_ids_size);
  if (!t.gateway_id.empty()) {
    put_tag(out, 1, length_type);
    put_varint(out, t.gateway_id.size());
    out.insert(out.end(), t.gateway_id.begin(), t.gateway_id.end());
  }
  if (t.antenna_index != 0) {
    put_tag(out, 2, varint_type);
    put_varint(out, t.antenna_index);
  }
  if (t.timestamp != 0) {
    put_tag(out, 2, varint_type);
    put_varint(out, t.timestamp);
  }
  put_tag(out, 3, length_type);
  put_varint(out, time_size);
  if (seconds != 0) {
    put_tag(out, 1, varint_type);
    put_varint(out, seconds_bits);
  }
  if (nanos != 0) {
    put_tag(out, 2, varint_type);
    put_varint(out, nanos_bits);
  }
  return out;
}

result<uplink_token> decode_uplink_token(std::span<const std::uint8_t> bytes) {
  using namespace detail;
  const auto* msg = parse<pb::UplinkToken>(bytes);
  // A token comes back from the core, so anything but what encode_uplink_token wrote is a bug or forgery.
  if (msg == nullptr || !msg->has_ids() || !msg->has_server_time()) return codec_error::invalid_uplink_token;
  const auto& gateway_id = msg->ids().gateway_ids().gateway_id();
  if (!registry::is_valid_id(gateway_id)) return codec_error::invalid_uplink_token;
  auto server_time = detail::from_pb(msg->server_time());
  if (!server_time) return codec_error::invalid_uplink_token;
  return uplink_token{gateway_id, msg->ids().antenna_index(), msg->timestamp(), *server_time};
}

}  // namespace tether::gateway::ttsv3
