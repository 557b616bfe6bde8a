#include "network/mac_state.hpp"

#include "lorawan/mac/mac_codec.hpp"

#include <algorithm>
#include <span>

namespace tether::network {
namespace {

constexpr std::uint8_t format_version = 1;

std::uint8_t cid_of(const lorawan::mac::downlink_command& c) {
  return std::visit(
      [](const auto& v) -> std::uint8_t {
        if constexpr (std::is_same_v<std::decay_t<decltype(v)>, lorawan::mac::proprietary>) {
          return v.cid;
        } else {
          return std::decay_t<decltype(v)>::cid;
        }
      },
      c);
}

std::size_t encoded_size(const std::vector<lorawan::mac::downlink_command>& commands) {
  auto out = lorawan::mac::encode_all(commands);
  return out ? out->size() : 0;
}

void append_block(std::vector<std::uint8_t>& out, const std::vector<std::uint8_t>& block) {
  out.push_back(static_cast<std::uint8_t>(block.size()));
  out.insert(out.end(), block.begin(), block.end());
}

}  // namespace

void queue_answer(mac_state& state, lorawan::mac::downlink_command answer) {
  const auto cid = cid_of(answer);
  std::erase_if(state.pending_answers, [cid](const auto& c) { return cid_of(c) == cid; });
  state.pending_answers.push_back(std::move(answer));
  while (state.pending_answers.size() > 1 && encoded_size(state.pending_answers) > max_pending_answer_bytes) {
    state.pending_answers.erase(state.pending_answers.begin());
  }
}

void record_received(mac_state& state, lorawan::mac::uplink_command command) {
  state.received.push_back(std::move(command));
  if (state.received.size() > max_received_commands) {
    state.received.erase(
        state.received.begin(),
        state.received.begin() + static_cast<std::ptrdiff_t>(state.received.size() - max_received_commands));
  }
}

// version | rx1_delay | rx1_dr_offset | rx2_data_rate | rx2_frequency (4, LE) | len | answers | len |
// received
std::vector<std::uint8_t> encode_mac_state(const mac_state& state) {
  std::vector<std::uint8_t> out{format_version, state.rx1_delay, state.rx1_dr_offset, state.rx2_data_rate};
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(state.rx2_frequency >> (8 * i)));
  auto answers = lorawan::mac::encode_all(state.pending_answers);
  append_block(out, answers ? *answers : std::vector<std::uint8_t>{});
  auto received = lorawan::mac::encode_all(state.received);
  // The received list is bounded to 16 commands of at most 5 bytes; a proprietary one could be
  // longer, so an oversized block is dropped rather than truncated mid-command.
  append_block(out, received && received->size() <= 255 ? *received : std::vector<std::uint8_t>{});
  return out;
}

mac_state decode_mac_state(const std::vector<std::uint8_t>& blob) {
  mac_state state;
  if (blob.size() < 10 || blob[0] != format_version) return state;
  state.rx1_delay = blob[1];
  state.rx1_dr_offset = blob[2];
  state.rx2_data_rate = blob[3];
  for (int i = 0; i < 4; ++i) state.rx2_frequency |= static_cast<std::uint32_t>(blob[4 + i]) << (8 * i);
  std::size_t at = 8;
  const std::size_t answers_len = blob[at++];
  if (at + answers_len > blob.size()) return state;
  std::span<const std::uint8_t> answers(blob.data() + at, answers_len);
  state.pending_answers = lorawan::mac::decode_downlink(answers).commands;
  at += answers_len;
  if (at >= blob.size()) return state;
  const std::size_t received_len = blob[at++];
  if (at + received_len > blob.size()) return state;
  state.received = lorawan::mac::decode_uplink({blob.data() + at, received_len}).commands;
  return state;
}

}  // namespace tether::network
