// libFuzzer target for the MQTT 3.1/3.1.1/5.0 codec. Frames the input packet by packet and decodes each one
// in both directions for both versions; every packet that decodes is encoded again and must decode to the
// same value.

#include "mqtt/codec/decoder.hpp"
#include "mqtt/codec/encoder.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>

namespace {

using namespace tether::mqtt::codec;

constexpr std::size_t max_packet_size = 1 << 20;

using decode_fn = result<packet> (*)(std::uint8_t, std::span<const std::uint8_t>, protocol_version);

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "mqtt_codec_fuzz: %s\n", what);
  std::abort();
}

void check_round_trip(const packet& p, protocol_version version, decode_fn decode) {
  std::string wire;
  encode(p, version, wire);
  const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(wire.data()), wire.size());
  const auto f = find_frame(bytes, max_packet_size);
  if (f.status != frame_status::complete || f.value.total_size() != wire.size()) fail("re-encoded frame");
  const auto again = decode(f.value.first_byte, bytes.subspan(f.value.header_size), version);
  if (!again) fail("re-encoded packet does not decode");
  if (!(*again == p)) fail("round trip changed the packet");
}

void decode_all_ways(const frame& f, std::span<const std::uint8_t> body) {
  for (const auto version : {protocol_version::v3_1, protocol_version::v3_1_1, protocol_version::v5}) {
    for (const decode_fn decode : {&decode_client_packet, &decode_server_packet}) {
      const auto p = decode(f.first_byte, body, version);
      if (p) check_round_trip(*p, version, decode);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::uint8_t> in(data, size);
  while (!in.empty()) {
    const auto f = find_frame(in, max_packet_size);
    if (f.status != frame_status::complete) break;
    decode_all_ways(f.value, in.subspan(f.value.header_size, f.value.body_size));
    in = in.subspan(f.value.total_size());
  }
  return 0;
}
