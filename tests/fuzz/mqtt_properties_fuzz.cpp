// libFuzzer target for MQTT 5 property lists and AUTH. The input becomes the tail of a body behind fixed,
// valid heads (AUTH, DISCONNECT, PUBACK, PUBLISH, CONNECT, SUBSCRIBE, CONNACK, SUBACK, UNSUBACK), so that
// the fuzzer spends its time in the property parser instead of in the fixed headers. Every packet that
// decodes is encoded again and must decode to the same value.

#include "mqtt/codec/decoder.hpp"
#include "mqtt/codec/encoder.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

namespace {

using namespace tether::mqtt::codec;

constexpr auto v5 = protocol_version::v5;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "mqtt_properties_fuzz: %s\n", what);
  std::abort();
}

struct head {
  std::uint8_t first_byte;
  std::vector<std::uint8_t> prefix;
  bool from_server;
};

const std::array<head, 9>& heads() {
  static const std::array<head, 9> all{{
      {0xF0, {}, false},                                                        // AUTH: reason, properties
      {0xE0, {}, false},                                                        // DISCONNECT
      {0x40, {0x00, 0x01}, false},                                              // PUBACK id 1
      {0x32, {0x00, 0x01, 't', 0x00, 0x01}, false},                             // PUBLISH QoS 1 "t" id 1
      {0x10, {0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0xC6, 0x00, 0x0A}, false},  // CONNECT 5, will+user+pass
      {0x82, {0x00, 0x01}, false},                                              // SUBSCRIBE id 1
      {0x20, {0x00, 0x00}, true},                                               // CONNACK success
      {0x90, {0x00, 0x01}, true},                                               // SUBACK id 1
      {0xB0, {0x00, 0x01}, true},                                               // UNSUBACK id 1
  }};
  return all;
}

void check(const head& h, std::span<const std::uint8_t> tail) {
  std::vector<std::uint8_t> body(h.prefix);
  body.insert(body.end(), tail.begin(), tail.end());
  const auto decode = h.from_server ? &decode_server_packet : &decode_client_packet;
  const auto p = decode(h.first_byte, body, v5);
  if (!p) return;
  std::string wire;
  encode(*p, v5, wire);
  const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(wire.data()), wire.size());
  const auto f = find_frame(bytes, 1 << 20);
  if (f.status != frame_status::complete || f.value.total_size() != wire.size()) fail("re-encoded frame");
  const auto again = decode(f.value.first_byte, bytes.subspan(f.value.header_size), v5);
  if (!again) fail("re-encoded packet does not decode");
  if (!(*again == *p)) fail("round trip changed the packet");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return 0;
  const std::span<const std::uint8_t> in(data, size);
  for (const auto& h : heads()) check(h, in);
  return 0;
}
