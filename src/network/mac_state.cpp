#include "network/mac_state.hpp"

#include "lorawan/mac/mac_codec.hpp"

#include <algorithm>
#include <cmath>
#include <span>

namespace tether::network {
namespace {

// Version 1 had no ADR block; it still decodes (with an empty ADR state).
constexpr std::uint8_t format_version = 2;

void put_settings(std::vector<std::uint8_t>& out, const std::optional<adr_settings>& s) {
  const adr_settings v = s.value_or(adr_settings{});
  out.insert(out.end(), {v.data_rate, v.tx_power, v.nb_trans});
}

adr_settings get_settings(std::span<const std::uint8_t> in) { return {in[0], in[1], in[2]}; }

// flags (1: confirmed, 2: requested) | confirmed (3) | requested (3) | unanswered | count |
// count x (f_cnt (4, LE) | SNR in quarter dB (2, LE, signed) | data rate)
void encode_adr(std::vector<std::uint8_t>& out, const adr_state& adr) {
  out.push_back(static_cast<std::uint8_t>((adr.confirmed ? 1 : 0) | (adr.requested ? 2 : 0)));
  put_settings(out, adr.confirmed);
  put_settings(out, adr.requested);
  out.push_back(adr.unanswered);
  const auto count = std::min(adr.history.size(), adr_history_length);
  out.push_back(static_cast<std::uint8_t>(count));
  for (std::size_t i = adr.history.size() - count; i < adr.history.size(); ++i) {
    const auto& u = adr.history[i];
    for (int b = 0; b < 4; ++b) out.push_back(static_cast<std::uint8_t>(u.f_cnt >> (8 * b)));
    const auto quarter_db = static_cast<std::int16_t>(std::lround(std::clamp(u.snr, -8000.0f, 8000.0f) * 4));
    out.push_back(static_cast<std::uint8_t>(static_cast<std::uint16_t>(quarter_db) & 0xff));
    out.push_back(static_cast<std::uint8_t>(static_cast<std::uint16_t>(quarter_db) >> 8));
    out.push_back(u.data_rate);
  }
}

// A truncated block leaves the ADR state empty: it starts learning again.
adr_state decode_adr(std::span<const std::uint8_t> in) {
  adr_state adr;
  if (in.size() < 9) return adr;
  const auto flags = in[0];
  if (flags & 1) adr.confirmed = get_settings(in.subspan(1, 3));
  if (flags & 2) adr.requested = get_settings(in.subspan(4, 3));
  adr.unanswered = in[7];
  const std::size_t count = in[8];
  if (count > adr_history_length || in.size() < 9 + 7 * count) return adr_state{};
  for (std::size_t i = 0; i < count; ++i) {
    const auto e = in.subspan(9 + 7 * i, 7);
    adr_uplink u;
    for (int b = 0; b < 4; ++b) u.f_cnt |= static_cast<std::uint32_t>(e[b]) << (8 * b);
    const auto quarter_db = static_cast<std::int16_t>(static_cast<std::uint16_t>(e[4] | (e[5] << 8)));
    u.snr = static_cast<float>(quarter_db) / 4;
    u.data_rate = e[6];
    adr.history.push_back(u);
  }
  return adr;
}

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
// received | ADR block (encode_adr)
std::vector<std::uint8_t> encode_mac_state(const mac_state& state) {
  std::vector<std::uint8_t> out{format_version, state.rx1_delay, state.rx1_dr_offset, state.rx2_data_rate};
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(state.rx2_frequency >> (8 * i)));
  auto answers = lorawan::mac::encode_all(state.pending_answers);
  append_block(out, answers ? *answers : std::vector<std::uint8_t>{});
  auto received = lorawan::mac::encode_all(state.received);
  // The received list is bounded to 16 commands of at most 5 bytes; a proprietary one could be
  // longer, so an oversized block is dropped rather than truncated mid-command.
  append_block(out, received && received->size() <= 255 ? *received : std::vector<std::uint8_t>{});
  encode_adr(out, state.adr);
  return out;
}

mac_state decode_mac_state(const std::vector<std::uint8_t>& blob) {
  mac_state state;
  if (blob.size() < 10 || (blob[0] != 1 && blob[0] != format_version)) return state;
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
  at += received_len;
  if (blob[0] >= 2) state.adr = decode_adr(std::span<const std::uint8_t>(blob).subspan(at));
  return state;
}

}  // namespace tether::network
