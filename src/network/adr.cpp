#include "network/adr.hpp"

#include "network/mac_commands.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace tether::network {
namespace {

using lorawan::band::modulation;

// NbTrans from the loss seen in FCnt gaps and the current NbTrans (rows: loss below 5 %, 10 %, 30 %,
// above; columns: NbTrans 1..3). More loss asks for more repetitions, little loss for fewer, one step
// at a time so the rate does not oscillate.
constexpr std::array<std::array<std::uint8_t, 3>, 4> nb_trans_table{
    {{1, 1, 2}, {1, 2, 3}, {2, 3, 3}, {3, 3, 3}}};

std::uint8_t next_nb_trans(const std::vector<adr_uplink>& history, std::uint8_t current) {
  const auto expected = static_cast<double>(history.back().f_cnt - history.front().f_cnt) + 1;
  const double loss = 1.0 - static_cast<double>(history.size()) / expected;
  const std::size_t row = loss < 0.05 ? 0 : loss < 0.10 ? 1 : loss < 0.30 ? 2 : 3;
  const std::size_t column = std::clamp<std::size_t>(current, 1, 3) - 1;
  return nb_trans_table[row][column];
}

bool is_lora(const lorawan::band::band& band, std::uint8_t dr) {
  return dr < band.data_rates.size() && band.data_rates[dr].mod == modulation::lora;
}

std::uint16_t bits_of(const std::array<bool, 72>& enabled, std::size_t first) {
  std::uint16_t mask = 0;
  for (std::size_t i = 0; i < 16 && first + i < enabled.size(); ++i) {
    if (enabled[first + i]) mask = static_cast<std::uint16_t>(mask | (1u << i));
  }
  return mask;
}

// Dynamic bands: the band's default channels are 0..n-1, the plan's extra ones follow in plan order
// (the order the join-accept's CFList gave them).
std::uint16_t dynamic_channel_mask(const lorawan::band::frequency_plan& plan, bool cf_list_channels) {
  const auto& defaults = plan.band->default_channels;
  std::uint16_t mask = 0;
  for (std::size_t i = 0; i < defaults.size() && i < 16; ++i)
    mask = static_cast<std::uint16_t>(mask | (1u << i));
  if (!cf_list_channels) return mask;
  std::size_t next = defaults.size();
  for (const auto& ch : plan.uplink_channels) {
    const bool is_default = std::any_of(defaults.begin(), defaults.end(),
                                        [&](const auto& d) { return d.frequency == ch.frequency; });
    if (is_default) continue;
    if (next < 16) mask = static_cast<std::uint16_t>(mask | (1u << next));
    ++next;
  }
  return mask;
}

}  // namespace

void record_adr_uplink(adr_state& state, const adr_uplink& uplink) {
  if (!state.history.empty() &&
      (state.history.back().data_rate != uplink.data_rate || uplink.f_cnt <= state.history.back().f_cnt)) {
    state.history.clear();
  }
  state.history.push_back(uplink);
  if (state.history.size() > adr_history_length) state.history.erase(state.history.begin());
}

std::optional<adr_settings> adr_decision(const adr_state& state, const lorawan::band::band& band,
                                         float installation_margin_db) {
  if (state.history.size() < adr_history_length) return std::nullopt;
  const auto dr = state.history.back().data_rate;
  if (!is_lora(band, dr)) return std::nullopt;

  adr_settings current{dr, 0, 1};
  if (state.confirmed) {
    current.tx_power = state.confirmed->tx_power;
    current.nb_trans = state.confirmed->nb_trans;
  }
  float best_snr = state.history.front().snr;
  for (const auto& u : state.history) best_snr = std::max(best_snr, u.snr);
  const float margin = best_snr -
                       static_cast<float>(demodulation_floor(band.data_rates[dr].spreading_factor)) -
                       installation_margin_db;
  auto steps = static_cast<int>(std::trunc(margin / 3.0f));

  adr_settings target = current;
  while (steps > 0 && target.data_rate < band.max_adr_data_rate && is_lora(band, target.data_rate + 1)) {
    ++target.data_rate;
    --steps;
  }
  while (steps > 0 && target.tx_power < band.max_tx_power_index) {
    ++target.tx_power;
    --steps;
  }
  while (steps < 0 && target.tx_power > 0) {
    --target.tx_power;
    ++steps;
  }
  target.nb_trans = next_nb_trans(state.history, current.nb_trans);
  if (target == current) return std::nullopt;
  return target;
}

std::vector<lorawan::mac::link_adr_req> link_adr_block(const lorawan::band::frequency_plan& plan,
                                                       const adr_settings& target, bool cf_list_channels) {
  const auto req = [&](std::uint8_t cntl, std::uint16_t mask) {
    return lorawan::mac::link_adr_req{target.data_rate, target.tx_power, mask, cntl, target.nb_trans};
  };
  const auto& band = *plan.band;
  if (band.cf_list == lorawan::band::cf_list_type::frequencies) {
    return {req(0, dynamic_channel_mask(plan, cf_list_channels))};
  }
  const auto all = lorawan::band::uplink_channels(band);
  std::array<bool, 72> enabled{};
  std::size_t narrow_enabled = 0;
  for (std::size_t i = 0; i < all.size() && i < enabled.size(); ++i) {
    enabled[i] = std::find(plan.uplink_channels.begin(), plan.uplink_channels.end(), all[i]) !=
                 plan.uplink_channels.end();
    if (enabled[i] && i < 64) ++narrow_enabled;
  }
  const std::uint16_t wide_mask = bits_of(enabled, 64) & 0xff;
  if (narrow_enabled == 64) return {req(6, wide_mask)};
  std::vector<lorawan::mac::link_adr_req> block{req(7, wide_mask)};
  for (std::uint8_t c = 0; c < 4; ++c) {
    if (const auto mask = bits_of(enabled, 16u * c)) block.push_back(req(c, mask));
  }
  return block;
}

adr_answer apply_link_adr_answers(adr_state& state, const std::vector<lorawan::mac::link_adr_ans>& answers) {
  const bool accepted = !answers.empty() && std::all_of(answers.begin(), answers.end(), [](const auto& a) {
    return a.power_ack && a.data_rate_ack && a.channel_mask_ack;
  });
  if (accepted && state.requested) state.confirmed = state.requested;
  state.requested.reset();
  state.unanswered = 0;
  state.history.clear();
  return accepted ? adr_answer::accepted : adr_answer::refused;
}

}  // namespace tether::network
