// Adaptive data rate decisions (network/adr.hpp): the margin steps, NbTrans from losses, the channel
// masks per band, and how answers settle a request.

#include "network/adr.hpp"
#include "network/mac_state.hpp"

#include <gtest/gtest.h>

namespace tether::network {
namespace {

const lorawan::band::frequency_plan& plan(std::string_view id) {
  static std::map<std::string, lorawan::band::frequency_plan, std::less<>> plans;
  auto it = plans.find(id);
  if (it == plans.end()) it = plans.emplace(std::string(id), *lorawan::band::find_frequency_plan(id)).first;
  return it->second;
}

adr_state history(std::uint8_t dr, float snr, std::uint32_t count = adr_history_length,
                  std::uint32_t every = 1) {
  adr_state s;
  for (std::uint32_t i = 0; i < count; ++i) record_adr_uplink(s, {i * every, snr, dr});
  return s;
}

TEST(adr, NoDecisionBeforeTwentyUplinks) {
  EXPECT_FALSE(adr_decision(history(0, 5, 19), lorawan::band::eu868(), 10));
  EXPECT_TRUE(adr_decision(history(0, 5, 20), lorawan::band::eu868(), 10));
}

TEST(adr, ADataRateChangeOrACounterResetStartsTheHistoryAgain) {
  auto s = history(0, 5);
  record_adr_uplink(s, {100, 5, 3});
  EXPECT_EQ(s.history.size(), 1u);
  record_adr_uplink(s, {101, 5, 3});
  record_adr_uplink(s, {0, 5, 3});  // a rejoin restarts FCnt
  EXPECT_EQ(s.history.size(), 1u);
}

TEST(adr, MarginStepsRaiseTheDataRateThenLowerThePower) {
  const auto& eu = lorawan::band::eu868();
  // DR0 (SF12, floor -20) at 5 dB: 15 dB margin over 10 = five steps: DR5.
  EXPECT_EQ(adr_decision(history(0, 5), eu, 10), (adr_settings{5, 0, 1}));
  // DR0 at 14 dB: 24 dB, eight steps: five to DR5, three to TXPower 3.
  EXPECT_EQ(adr_decision(history(0, 14), eu, 10), (adr_settings{5, 3, 1}));
  // Margins never push past the band's last power index.
  EXPECT_EQ(adr_decision(history(0, 60), eu, 10), (adr_settings{5, 7, 1}));
  // A 2.9 dB margin is no step: nothing changes.
  EXPECT_FALSE(adr_decision(history(5, 5.4f), eu, 10));
}

TEST(adr, NegativeMarginRaisesPowerButNeverLowersTheDataRate) {
  auto s = history(5, -10);  // SF7 floor -7.5: margin -12.5, four steps down
  s.confirmed = adr_settings{5, 3, 1};
  EXPECT_EQ(adr_decision(s, lorawan::band::eu868(), 10), (adr_settings{5, 0, 1}));
  s.confirmed = adr_settings{5, 0, 1};
  EXPECT_FALSE(adr_decision(s, lorawan::band::eu868(), 10)) << "already at full power";
}

TEST(adr, LossesRaiseNbTrans) {
  const auto& eu = lorawan::band::eu868();
  // Every second frame missing: 50 % loss.
  EXPECT_EQ(adr_decision(history(5, -5, 20, 2), eu, 10)->nb_trans, 3);
  // 2 of 22 missing (9 %): NbTrans 1 stays 1, 3 stays 3.
  auto s = history(5, -5, 19);
  record_adr_uplink(s, {21, -5, 5});
  EXPECT_FALSE(adr_decision(s, eu, 10));
  s.confirmed = adr_settings{5, 0, 3};
  EXPECT_FALSE(adr_decision(s, eu, 10));
  // No loss with 3 transmissions: one step back to 2.
  auto clean = history(5, -5);
  clean.confirmed = adr_settings{5, 0, 3};
  EXPECT_EQ(adr_decision(clean, eu, 10), (adr_settings{5, 0, 2}));
}

TEST(adr, FskAndUndefinedRatesAreLeftAlone) {
  EXPECT_FALSE(adr_decision(history(7, 20), lorawan::band::eu868(), 10));
}

TEST(adr, Eu868MaskCoversTheJoinAcceptChannelsOnlyForOtaa) {
  const adr_settings t{5, 1, 1};
  EXPECT_EQ(link_adr_block(plan("EU_863_870"), t, true),
            (std::vector{lorawan::mac::link_adr_req{5, 1, 0x00FF, 0, 1}}));
  EXPECT_EQ(link_adr_block(plan("EU_863_870"), t, false),
            (std::vector{lorawan::mac::link_adr_req{5, 1, 0x0007, 0, 1}}));
}

TEST(adr, FixedBandsSwitchOffThenEnableTheSubBand) {
  const adr_settings t{3, 0, 1};
  EXPECT_EQ(link_adr_block(plan("US_902_928_FSB_2"), t, true),
            (std::vector{lorawan::mac::link_adr_req{3, 0, 0x0002, 7, 1},
                         lorawan::mac::link_adr_req{3, 0, 0xFF00, 0, 1}}));
  EXPECT_EQ(link_adr_block(plan("AU_915_928_FSB_1"), t, true),
            (std::vector{lorawan::mac::link_adr_req{3, 0, 0x0001, 7, 1},
                         lorawan::mac::link_adr_req{3, 0, 0x00FF, 0, 1}}));
}

TEST(adr, AnswersSettleTheRequest) {
  auto s = history(0, 5);
  s.requested = adr_settings{5, 0, 1};
  s.unanswered = 1;
  EXPECT_EQ(apply_link_adr_answers(s, {{true, true, true}, {true, true, true}}), adr_answer::accepted);
  EXPECT_EQ(s.confirmed, (adr_settings{5, 0, 1}));
  EXPECT_FALSE(s.requested);
  EXPECT_EQ(s.unanswered, 0);
  EXPECT_TRUE(s.history.empty());

  s.requested = adr_settings{5, 2, 1};
  EXPECT_EQ(apply_link_adr_answers(s, {{true, true, true}, {true, false, true}}), adr_answer::refused);
  EXPECT_EQ(s.confirmed, (adr_settings{5, 0, 1})) << "a refused block changes nothing";
}

TEST(adr, StateSurvivesTheSessionBlobAndOldBlobsStillDecode) {
  mac_state m;
  m.adr = history(3, -4.25f, 20, 1);
  m.adr.confirmed = adr_settings{3, 2, 1};
  m.adr.requested = adr_settings{4, 2, 2};
  m.adr.unanswered = 2;
  EXPECT_EQ(decode_mac_state(encode_mac_state(m)).adr, m.adr);

  auto v1 = encode_mac_state(mac_state{});
  v1[0] = 1;  // format 1 had no ADR block
  v1.resize(10);
  EXPECT_EQ(decode_mac_state(v1).adr, adr_state{});
}

}  // namespace
}  // namespace tether::network
