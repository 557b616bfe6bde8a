// Fuzzes the The Things Stack v3 gateway codec: every decoder either refuses the input with a code or
// returns a struct that encodes to bytes the same decoder accepts again, with the same result where
// the struct holds no floats (NaN never equals itself).

#include "gateway/ttsv3/codec.hpp"
#include "gateway/uplink_token.hpp"

#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>

namespace {

using namespace tether;
using namespace tether::gateway::ttsv3;
using tether::gateway::decode_uplink_token;
using tether::gateway::encode_uplink_token;

std::span<const std::uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

const network::time_point now{std::chrono::seconds{1'700'000'000}};

void check_uplink(std::span<const std::uint8_t> data) {
  auto up = decode_uplink(data, "gw1", now);
  if (!up) return;
  const auto once = encode_uplink(*up);
  auto again = decode_uplink(bytes_of(once), "gw1", now);
  if (again) gateway::stamp_uplink_tokens(*again, "gw1");  // as the realm does
  if (!again || again->raw_payload != up->raw_payload ||
      again->rx_metadata.size() != up->rx_metadata.size() || again->correlation_ids != up->correlation_ids ||
      again->settings.data_rate != up->settings.data_rate) {
    std::abort();
  }
  for (const auto& md : again->rx_metadata) {
    if (md.gateway_id != "gw1" || md.received_at != now ||
        md.uplink_token.empty() != (md.antenna_index != 0)) {
      std::abort();
    }
    if (!md.uplink_token.empty()) {
      auto token = decode_uplink_token(md.uplink_token);
      if (!token || token->gateway_id != "gw1" || token->timestamp != md.timestamp) std::abort();
    }
  }
}

void check_status(std::span<const std::uint8_t> data) {
  auto status = decode_status(data, "gw1", now);
  if (!status) return;
  auto again = decode_status(bytes_of(encode_status(*status)), "gw1", now);
  if (!again || again->versions != status->versions || again->ips != status->ips ||
      again->metrics.size() != status->metrics.size() || again->time != status->time) {
    std::abort();
  }
}

void check_tx_ack(std::span<const std::uint8_t> data) {
  auto ack = decode_tx_ack(data, "gw1", now);
  if (!ack) return;
  auto again = decode_tx_ack(bytes_of(encode_tx_ack(*ack)), "gw1", now);
  if (!again || *again != *ack) std::abort();
}

void check_gateway_down(std::span<const std::uint8_t> data) {
  auto tx = decode_gateway_down(data);
  if (!tx) return;
  auto again = decode_gateway_down(bytes_of(encode_gateway_down(*tx)));
  if (!again || again->raw_payload != tx->raw_payload ||
      again->scheduled.data_rate != tx->scheduled.data_rate || again->scheduled.time != tx->scheduled.time ||
      again->correlation_ids != tx->correlation_ids) {
    std::abort();
  }
}

void check_token(std::span<const std::uint8_t> data) {
  auto token = decode_uplink_token(data);
  if (!token) return;
  auto again = decode_uplink_token(encode_uplink_token(*token));
  if (!again || *again != *token) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input{data, size};
  check_uplink(input);
  check_status(input);
  check_tx_ack(input);
  check_gateway_down(input);
  check_token(input);
  return 0;
}
