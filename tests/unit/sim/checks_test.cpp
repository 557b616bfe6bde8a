// The pure parts of the simulator's bookkeeping: the ledger, latency percentiles, pacing, durations,
// the application event parser and the radio model.

#include "lorawan/band/frequency_plan.hpp"
#include "sim/application_event.hpp"
#include "sim/duration.hpp"
#include "sim/latency_histogram.hpp"
#include "sim/pacer.hpp"
#include "sim/radio_model.hpp"
#include "sim/report.hpp"
#include "sim/uplink_ledger.hpp"

#include <gtest/gtest.h>

#include <set>

namespace tether::sim {
namespace {

using namespace std::chrono_literals;

TEST(uplink_ledger, counts_each_uplink_once_and_tells_wrong_payloads_duplicates_and_unknowns) {
  uplink_ledger l(2);
  const auto t0 = sim_clock::now();
  const lorawan::bytes a{1, 2}, b{3, 4};
  l.sent(0, 0, a, t0);
  l.sent(0, 1, b, t0);
  l.sent(1, 5, a, t0);
  EXPECT_EQ(l.received(0, 0, a, t0 + 10ms), receipt::ok);
  EXPECT_EQ(l.received(0, 0, a, t0 + 11ms), receipt::duplicate);
  EXPECT_EQ(l.received(0, 1, a, t0 + 12ms), receipt::wrong_payload);
  EXPECT_EQ(l.received(0, 2, a, t0), receipt::unexpected);  // never sent
  EXPECT_EQ(l.received(1, 4, a, t0), receipt::unexpected);  // before the first FCnt sent
  EXPECT_EQ(l.received(7, 0, a, t0), receipt::unexpected);  // not one of ours
  const auto& c = l.counts();
  EXPECT_EQ(c.sent, 3u);
  EXPECT_EQ(c.received, 2u);
  EXPECT_EQ(c.missing(), 1u);
  EXPECT_EQ(c.duplicates, 1u);
  EXPECT_EQ(c.wrong_payloads, 1u);
  EXPECT_EQ(c.unexpected, 3u);
  EXPECT_FALSE(l.complete());
  EXPECT_EQ(l.received(1, 5, a, t0 + 20ms), receipt::ok);
  EXPECT_TRUE(l.complete());
  EXPECT_EQ(l.latency().count(), 3u);
}

TEST(uplink_ledger, a_gap_in_fcnt_is_not_a_received_uplink) {
  uplink_ledger l(1);
  const auto t0 = sim_clock::now();
  l.sent(0, 0, lorawan::bytes{1}, t0);
  l.sent(0, 3, lorawan::bytes{2}, t0);
  EXPECT_EQ(l.received(0, 2, lorawan::bytes{}, t0), receipt::unexpected);
  EXPECT_EQ(l.received(0, 3, lorawan::bytes{2}, t0), receipt::ok);
  EXPECT_EQ(l.counts().missing(), 1u);
}

TEST(latency_histogram, nearest_rank_percentiles_to_a_tenth_of_a_millisecond) {
  latency_histogram h;
  EXPECT_EQ(h.percentile_ms(0.5), 0);
  for (int ms = 1; ms <= 100; ++ms) h.record(std::chrono::milliseconds(ms) - 50us);
  EXPECT_DOUBLE_EQ(h.percentile_ms(0.50), 50.0);
  EXPECT_DOUBLE_EQ(h.percentile_ms(0.99), 99.0);
  EXPECT_NEAR(h.percentile_ms(1.0), 99.95, 1e-9);  // capped by the largest sample
  h.record(20s);                                   // beyond the buckets
  EXPECT_DOUBLE_EQ(h.percentile_ms(1.0), 20'000.0);
}

TEST(pacer, spreads_uplinks_over_time_and_keeps_the_debt) {
  pacer p(100, std::nullopt);
  EXPECT_EQ(p.due(0ms), 1u);
  p.take(1);
  EXPECT_EQ(p.due(5ms), 0u);
  EXPECT_EQ(p.due(10ms), 1u);
  EXPECT_EQ(p.due(1s), 100u);  // fell behind: everything owed is still due
  p.take(100);
  EXPECT_EQ(p.due(1s), 0u);
  EXPECT_FALSE(p.finished());
}

TEST(pacer, stops_at_the_total) {
  pacer p(1000, 5);
  EXPECT_EQ(p.due(1s), 5u);
  p.take(5);
  EXPECT_TRUE(p.finished());
  EXPECT_EQ(p.due(2s), 0u);
}

TEST(parse_duration, units) {
  EXPECT_EQ(parse_duration("10s"), 10'000ms);
  EXPECT_EQ(parse_duration("10"), 10'000ms);
  EXPECT_EQ(parse_duration("1.5s"), 1'500ms);
  EXPECT_EQ(parse_duration("250ms"), 250ms);
  EXPECT_EQ(parse_duration("2m"), 120'000ms);
  EXPECT_FALSE(parse_duration(""));
  EXPECT_FALSE(parse_duration("s"));
  EXPECT_FALSE(parse_duration("10 s"));
  EXPECT_FALSE(parse_duration("-1s"));
  EXPECT_FALSE(parse_duration("3d"));
}

TEST(parse_application_event, uplink_with_zero_values_omitted) {
  auto e = parse_application_event("v3/sim-app/devices/sim-dev-3/up",
                                   R"({"end_device_ids":{"device_id":"sim-dev-3"},)"
                                   R"("uplink_message":{"f_port":1,"frm_payload":"AQID"}})");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, event_kind::uplink);
  EXPECT_EQ(e->device_id, "sim-dev-3");
  EXPECT_EQ(e->f_cnt, 0u);
  EXPECT_EQ(e->f_port, 1u);
  EXPECT_EQ(e->frm_payload, (lorawan::bytes{1, 2, 3}));

  e = parse_application_event("v3/sim-app/devices/d1/up", R"({"uplink_message":{"f_cnt":42,"f_port":1}})");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->f_cnt, 42u);
  EXPECT_TRUE(e->frm_payload.empty());
}

TEST(parse_application_event, join_and_refusals) {
  auto e = parse_application_event("v3/sim-app/devices/d1/join", "{}");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, event_kind::join);
  EXPECT_EQ(e->device_id, "d1");
  EXPECT_FALSE(parse_application_event("v3/sim-app/devices/d1/down/queued", "{}"));
  EXPECT_FALSE(parse_application_event("v3/sim-app/up", "{}"));
  EXPECT_FALSE(parse_application_event("v3/sim-app/devices/d1/up", "not json"));
  EXPECT_FALSE(parse_application_event("v3/sim-app/devices/d1/up", R"({"uplink_message":{"f_cnt":"1"}})"));
  EXPECT_FALSE(
      parse_application_event("v3/sim-app/devices/d1/up", R"({"uplink_message":{"frm_payload":"@@"}})"));
  EXPECT_FALSE(parse_application_event("v3/sim-app/devices/d1/up", R"({"other":1})"));
}

TEST(radio_model, several_gateways_hear_a_device_strongest_first) {
  auto plan = lorawan::band::find_frequency_plan("EU_863_870");
  ASSERT_TRUE(plan);
  radio_model radio(3, 3, *plan);
  std::mt19937_64 rng(1);
  auto r = radio.receptions(4, rng);
  ASSERT_EQ(r.size(), 3u);
  std::set<std::size_t> gateways;
  for (std::size_t k = 0; k < r.size(); ++k) {
    gateways.insert(r[k].gateway);
    if (k > 0) {
      EXPECT_LT(r[k].rssi, r[k - 1].rssi);
    }
  }
  EXPECT_EQ(gateways.size(), 3u);
  EXPECT_EQ(r[0].gateway, 1u);  // device 4 sits nearest gateway 4 mod 3

  radio_model capped(2, 3, *plan);
  EXPECT_EQ(capped.receptions(0, rng).size(), 2u);

  auto s = radio.settings(0);
  auto* lora = std::get_if<network::lora_data_rate>(&s.data_rate);
  ASSERT_NE(lora, nullptr);
  EXPECT_EQ(lora->spreading_factor, 7u);
  EXPECT_EQ(lora->bandwidth, 125'000u);
  EXPECT_EQ(s.frequency, plan->uplink_channels[0].frequency);
  EXPECT_EQ(radio.settings(plan->uplink_channels.size()).frequency, s.frequency);
}

TEST(sim_report, passes_only_when_everything_arrived_once_and_right) {
  sim_report r;
  r.activation = "abp";
  r.devices = 2;
  r.uplinks.sent = 4;
  r.uplinks.received = 4;
  EXPECT_TRUE(r.passed());
  r.uplinks.duplicates = 1;
  EXPECT_FALSE(r.passed());
  r.uplinks.duplicates = 0;
  r.activation = "otaa";
  r.joined = 1;
  EXPECT_FALSE(r.passed());
  r.joined = 2;
  EXPECT_TRUE(r.passed());
  r.errors.push_back("x");
  EXPECT_FALSE(r.passed());
  EXPECT_NE(render_text(r).find("FAIL"), std::string::npos);
  EXPECT_NE(render_json(r).find("\"passed\": false"), std::string::npos);
}

}  // namespace
}  // namespace tether::sim
