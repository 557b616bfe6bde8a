// Fuzzes the TTN v2 gateway codec: every decoder (uplink, status, connect/disconnect, and the gateway
// side's downlink decoder) either refuses the input with a code or returns a struct that encodes to bytes
// the same decoder accepts again, with the same result where the struct holds no floats (NaN never
// equals itself); a downlink of at most 255 bytes always encodes under the 512 bytes a v2 gateway reads.

#include "gateway/ttnv2/codec.hpp"
#include "gateway/uplink_token.hpp"

#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>

namespace {

using namespace tether;
using namespace tether::gateway::ttnv2;

std::span<const std::uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

const network::time_point now{std::chrono::seconds{1'700'000'000}};

void check_uplink(std::span<const std::uint8_t> data) {
  auto up = decode_uplink(data, "gw1", now);
  if (!up) return;
  if (up->rx_metadata.empty() || up->rx_metadata.size() > max_antennas) std::abort();
  auto again = decode_uplink(bytes_of(encode_uplink(*up)), "gw1", now);
  if (!again || again->raw_payload != up->raw_payload ||
      again->rx_metadata.size() != up->rx_metadata.size() ||
      again->settings.data_rate != up->settings.data_rate ||
      again->settings.frequency != up->settings.frequency ||
      again->settings.timestamp != up->settings.timestamp || again->settings.time != up->settings.time) {
    std::abort();
  }
  gateway::stamp_uplink_tokens(*again, "gw1");  // as the realm does
  for (std::size_t i = 0; i < again->rx_metadata.size(); ++i) {
    const auto& md = again->rx_metadata[i];
    const auto& was = up->rx_metadata[i];
    if (md.gateway_id != "gw1" || md.received_at != now || md.antenna_index != was.antenna_index ||
        md.channel_index != was.channel_index || md.timestamp != was.timestamp ||
        md.fine_timestamp != was.fine_timestamp || md.frequency_offset != was.frequency_offset ||
        md.location.has_value() != was.location.has_value()) {
      std::abort();
    }
  }
}

void check_status(std::span<const std::uint8_t> data) {
  auto status = decode_status(data, "gw1", now);
  if (!status) return;
  auto again = decode_status(bytes_of(encode_status(*status)), "gw1", now);
  if (!again || again->versions != status->versions || again->ips != status->ips ||
      again->time != status->time || again->boot_time != status->boot_time ||
      again->antenna_locations.size() != status->antenna_locations.size()) {
    std::abort();
  }
  for (const auto& [name, value] : status->metrics) {
    if (!again->metrics.contains(name)) std::abort();
  }
}

void check_session(std::span<const std::uint8_t> data) {
  auto msg = decode_session_message(data);
  if (!msg) return;
  auto again = decode_session_message(bytes_of(encode_session_message(*msg)));
  if (!again || *again != *msg) std::abort();
  // A message always passes the check of the connection it names (lower-case IDs, as Tether's are).
  if (msg->id.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") == std::string::npos &&
      check_session_message("connect", data, msg->id, msg->key)) {
    std::abort();
  }
}

void check_downlink(std::span<const std::uint8_t> data) {
  auto tx = decode_downlink(data);
  if (!tx) return;
  bool sane_coding_rate = true;
  if (auto* lora = std::get_if<network::lora_data_rate>(&tx->scheduled.data_rate)) {
    if (lora->coding_rate.empty()) lora->coding_rate = "4/5";  // what encode_downlink sends for none
    sane_coding_rate = lora->coding_rate.size() <= 8;
  }
  const auto wire = encode_downlink(*tx);
  auto again = decode_downlink(bytes_of(wire));
  if (!again || again->raw_payload != tx->raw_payload ||
      again->scheduled.data_rate != tx->scheduled.data_rate ||
      again->scheduled.frequency != tx->scheduled.frequency ||
      again->scheduled.timestamp != tx->scheduled.timestamp ||
      again->scheduled.invert_polarization != tx->scheduled.invert_polarization) {
    std::abort();
  }
  // Topic "{36-char ID}/down" + 5 bytes of MQTT header: a LoRaWAN-sized frame always fits 511 bytes.
  if (tx->raw_payload.size() <= 255 && sane_coding_rate && wire.size() + 41 + 2 + 5 > 511) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input{data, size};
  check_uplink(input);
  check_status(input);
  check_session(input);
  check_downlink(input);
  return 0;
}
