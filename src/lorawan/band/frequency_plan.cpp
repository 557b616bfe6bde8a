#include "lorawan/band/frequency_plan.hpp"

#include <algorithm>
#include <charconv>

namespace tether::lorawan::band {
namespace {

frequency_plan with_band_defaults(std::string id, const band& b) {
  return {std::move(id), &b, {}, b.rx2_frequency, b.rx2_data_rate, std::nullopt, std::nullopt};
}

frequency_plan eu_863_870(std::string id) {
  auto plan = with_band_defaults(std::move(id), eu868());
  plan.uplink_channels.assign(eu868().default_channels.begin(), eu868().default_channels.end());
  for (std::uint32_t f : {867'100'000u, 867'300'000u, 867'500'000u, 867'700'000u, 867'900'000u}) {
    plan.uplink_channels.push_back({f, 0, 5});
  }
  plan.lora_standard_channel = channel{868'300'000, 6, 6};
  plan.fsk_channel = channel{868'800'000, 7, 7};
  return plan;
}

frequency_plan as_923(std::string id) {
  auto plan = with_band_defaults(std::move(id), as923());
  plan.uplink_channels.assign(as923().default_channels.begin(), as923().default_channels.end());
  for (std::uint32_t f :
       {922'200'000u, 922'400'000u, 922'600'000u, 922'800'000u, 923'000'000u, 922'000'000u}) {
    plan.uplink_channels.push_back({f, 0, 5});
  }
  plan.lora_standard_channel = channel{922'100'000, 6, 6};
  plan.fsk_channel = channel{921'800'000, 7, 7};
  return plan;
}

// Sub-band n (1..8) of a fixed band: eight 125 kHz channels 8(n-1)..8n-1 plus 500 kHz channel 63+n.
frequency_plan fixed_sub_band(std::string id, const band& b, int n) {
  auto plan = with_band_defaults(std::move(id), b);
  const auto all = uplink_channels(b);
  for (int ch = 8 * (n - 1); ch < 8 * n; ++ch) plan.uplink_channels.push_back(all[ch]);
  plan.uplink_channels.push_back(all[63 + n]);
  return plan;
}

std::optional<int> sub_band_number(std::string_view id, std::string_view prefix) {
  if (!id.starts_with(prefix) || id.size() != prefix.size() + 1) return std::nullopt;
  const char c = id.back();
  if (c < '1' || c > '8') return std::nullopt;
  return c - '0';
}

}  // namespace

result<frequency_plan> find_frequency_plan(std::string_view id) {
  if (id == "EU_863_870") return eu_863_870(std::string(id));
  if (id == "EU_863_870_TTN") {
    auto plan = eu_863_870(std::string(id));
    plan.rx2_data_rate = 3;  // TTN community network: SF9 in RX2
    return plan;
  }
  if (id == "AS_923_925" || id == "AS_920_923") return as_923(std::string(id));
  if (auto n = sub_band_number(id, "US_902_928_FSB_")) return fixed_sub_band(std::string(id), us915(), *n);
  if (auto n = sub_band_number(id, "AU_915_928_FSB_")) return fixed_sub_band(std::string(id), au915(), *n);
  return lorawan_error::unknown_frequency_plan;
}

std::vector<std::string> frequency_plan_ids() {
  std::vector<std::string> ids = {"EU_863_870", "EU_863_870_TTN", "AS_920_923", "AS_923_925"};
  for (const char* prefix : {"US_902_928_FSB_", "AU_915_928_FSB_"}) {
    for (char n = '1'; n <= '8'; ++n) ids.push_back(std::string(prefix) + n);
  }
  return ids;
}

result<aes_block> cf_list(const frequency_plan& plan) {
  const band& b = *plan.band;
  if (b.cf_list == cf_list_type::frequencies) {
    std::vector<std::uint32_t> extra;
    for (const auto& ch : plan.uplink_channels) {
      const bool is_default = std::any_of(b.default_channels.begin(), b.default_channels.end(),
                                          [&](const channel& d) { return d.frequency == ch.frequency; });
      if (!is_default) extra.push_back(ch.frequency);
    }
    return cf_list_frequencies(extra);
  }
  const auto all = uplink_channels(b);
  std::array<bool, 72> enabled{};
  for (std::size_t i = 0; i < all.size() && i < enabled.size(); ++i) {
    enabled[i] = std::find(plan.uplink_channels.begin(), plan.uplink_channels.end(), all[i]) !=
                 plan.uplink_channels.end();
  }
  return cf_list_channel_mask(enabled);
}

}  // namespace tether::lorawan::band
