// The pure parts of the simulator's bookkeeping: the ledgers, latency percentiles, pacing, the
// application event parser, the radio model and the receive-window check.

#include "lorawan/band/frequency_plan.hpp"
#include "sim/application_event.hpp"
#include "sim/downlink_ledger.hpp"
#include "sim/latency_histogram.hpp"
#include "sim/pacer.hpp"
#include "sim/radio_model.hpp"
#include "sim/receive_windows.hpp"
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

TEST(radio_model, tells_which_gateways_hear_a_device) {
  auto plan = lorawan::band::find_frequency_plan("EU_863_870");
  ASSERT_TRUE(plan);
  radio_model radio(4, 2, *plan);
  std::mt19937_64 rng(1);
  for (std::size_t device = 0; device < 9; ++device) {
    std::set<std::size_t> heard;
    for (const auto& r : radio.receptions(device, rng)) heard.insert(r.gateway);
    for (std::size_t g = 0; g < 4; ++g)
      EXPECT_EQ(radio.hears(device, g), heard.contains(g)) << device << " " << g;
  }
}

// ---------------------------------------------------------------------------------------------------
// Receive windows (EU868: RX1 on the uplink frequency, DR lowered by the offset; RX2 869.525 MHz DR0).

network::tx_settings down_at(std::uint32_t timestamp, std::uint64_t frequency, std::uint32_t sf) {
  network::tx_settings s;
  s.timestamp = timestamp;
  s.frequency = frequency;
  s.data_rate = network::lora_data_rate{125'000, sf, "4/5"};
  return s;
}

sent_frame eu868_uplink(rx_settings rx = {}, bool join = false) {
  sent_frame f;
  f.frequency = 868'300'000;
  f.data_rate = 5;  // SF7
  f.rx = rx;
  f.join_request = join;
  return f;
}

TEST(receive_windows, rx1_and_rx2_one_and_two_seconds_after_the_uplink) {
  const auto& band = lorawan::band::eu868();
  const auto up = eu868_uplink();
  const std::uint32_t t = 1'000'000;
  EXPECT_EQ(check_window(band, up, t, down_at(t + 1'000'000, 868'300'000, 7)), window_hit::rx1);
  EXPECT_EQ(check_window(band, up, t, down_at(t + 2'000'000, 869'525'000, 12)), window_hit::rx2);
  EXPECT_EQ(check_window(band, up, t, down_at(t + 1'500'000, 868'300'000, 7)), window_hit::wrong_timing);
  EXPECT_EQ(check_window(band, up, t, down_at(t + 1'000'001, 868'300'000, 7)), window_hit::wrong_timing);
  EXPECT_EQ(check_window(band, up, t, down_at(t + 1'000'000, 868'100'000, 7)), window_hit::wrong_frequency);
  EXPECT_EQ(check_window(band, up, t, down_at(t + 1'000'000, 868'300'000, 9)), window_hit::wrong_data_rate);
  EXPECT_EQ(check_window(band, up, t, down_at(t + 2'000'000, 868'300'000, 7)), window_hit::wrong_frequency);
  EXPECT_EQ(check_window(band, up, t, down_at(t + 2'000'000, 869'525'000, 7)), window_hit::wrong_data_rate);
}

TEST(receive_windows, us915_rx1_on_the_500_khz_downlink_channel) {
  const auto& band = lorawan::band::us915();
  sent_frame up;
  up.frequency = 904'100'000;  // channel 9
  up.data_rate = 2;            // SF8/125: RX1 is DR12, SF8/500 kHz, the modulation of uplink DR4 too
  up.rx = rx_settings{1, 0, 923'300'000, 8};
  const std::uint32_t t = 1'000'000;
  auto down = down_at(t + 1'000'000, 923'900'000, 8);
  down.data_rate = network::lora_data_rate{500'000, 8, "4/5"};
  EXPECT_EQ(check_window(band, up, t, down), window_hit::rx1);
  down.data_rate = network::lora_data_rate{500'000, 9, "4/5"};
  EXPECT_EQ(check_window(band, up, t, down), window_hit::wrong_data_rate);
}

TEST(receive_windows, follow_the_devices_settings_and_the_clock_wrapping) {
  const auto& band = lorawan::band::eu868();
  const auto up = eu868_uplink(rx_settings{5, 2, 869'525'000, 3});
  const std::uint32_t t = 0xffff'ff00u;  // wraps before RX1
  EXPECT_EQ(check_window(band, up, t, down_at(t + 5'000'000, 868'300'000, 9)), window_hit::rx1);  // DR5-2
  EXPECT_EQ(check_window(band, up, t, down_at(t + 6'000'000, 869'525'000, 9)), window_hit::rx2);  // DR3
  EXPECT_EQ(check_window(band, up, t, down_at(t + 1'000'000, 868'300'000, 7)), window_hit::wrong_timing);
  EXPECT_EQ(elapsed_us(t, t + 5'000'000), 5'000'000u);
}

TEST(receive_windows, join_accepts_come_five_and_six_seconds_later_without_offset) {
  const auto& band = lorawan::band::eu868();
  const auto join = eu868_uplink(rx_settings{1, 3, 869'525'000, 0}, true);
  const std::uint32_t t = 42;
  EXPECT_EQ(check_window(band, join, t, down_at(t + 5'000'000, 868'300'000, 7)), window_hit::rx1);
  EXPECT_EQ(check_window(band, join, t, down_at(t + 6'000'000, 869'525'000, 12)), window_hit::rx2);
  EXPECT_EQ(check_window(band, join, t, down_at(t + 1'000'000, 868'300'000, 7)), window_hit::wrong_timing);
}

// ---------------------------------------------------------------------------------------------------
// Downlink ledger

TEST(downlink_ledger, settles_a_downlink_once_received_right_and_reported) {
  downlink_ledger l(2);
  const auto t0 = sim_clock::now();
  const lorawan::bytes a{1, 2, 3}, b{4, 5, 6};
  const auto n1 = l.pushed(0, 1, a, false, t0);
  const auto n2 = l.pushed(1, 2, b, true, t0);
  EXPECT_EQ(n1, 1u);
  EXPECT_EQ(n2, 2u);
  EXPECT_EQ(l.outstanding(0), 1u);
  EXPECT_EQ(l.unsettled(), 2u);
  l.event(n1, downlink_state_event::queued);
  l.event(n2, downlink_state_event::queued);
  EXPECT_EQ(l.received(n1, 0, 1, a, t0 + 300ms), receipt::ok);
  EXPECT_EQ(l.outstanding(0), 0u);
  EXPECT_FALSE(l.settled());
  l.event(n1, downlink_state_event::sent);
  EXPECT_EQ(l.unsettled(), 1u);
  EXPECT_EQ(l.received(n2, 1, 2, b, t0 + 400ms), receipt::ok);
  l.event(n2, downlink_state_event::sent);
  EXPECT_FALSE(l.settled());  // confirmed: waits for its ack
  l.event(n2, downlink_state_event::ack);
  EXPECT_TRUE(l.settled());
  const auto& c = l.counts();
  EXPECT_EQ(c.pushed, 2u);
  EXPECT_EQ(c.confirmed, 1u);
  EXPECT_EQ(c.queued, 2u);
  EXPECT_EQ(c.received, 2u);
  EXPECT_EQ(c.right, 2u);
  EXPECT_EQ(c.sent, 2u);
  EXPECT_EQ(c.acked, 1u);
  EXPECT_EQ(c.missing(), 0u);
  EXPECT_EQ(l.latency().count(), 2u);
}

TEST(downlink_ledger, tells_duplicates_wrong_bytes_wrong_devices_and_unknowns) {
  downlink_ledger l(2);
  const auto t0 = sim_clock::now();
  const lorawan::bytes a{1, 2, 3}, b{4, 5, 6};
  const auto n1 = l.pushed(0, 1, a, false, t0);
  const auto n2 = l.pushed(0, 1, b, false, t0);
  const auto n3 = l.pushed(1, 1, a, false, t0);
  EXPECT_EQ(l.received(n1, 0, 1, a, t0), receipt::ok);
  EXPECT_EQ(l.received(n1, 0, 1, a, t0), receipt::duplicate);
  EXPECT_EQ(l.received(n2, 0, 1, a, t0), receipt::wrong_payload);  // other bytes
  EXPECT_EQ(l.received(n3, 0, 1, a, t0), receipt::wrong_payload);  // another device
  EXPECT_EQ(l.received(99, 0, 1, a, t0), receipt::unexpected);
  l.event(99, downlink_state_event::sent);
  const auto& c = l.counts();
  EXPECT_EQ(c.received, 3u);
  EXPECT_EQ(c.right, 1u);
  EXPECT_EQ(c.wrong, 2u);
  EXPECT_EQ(c.duplicates, 1u);
  EXPECT_EQ(c.unexpected, 1u);
  EXPECT_EQ(c.unknown_events, 1u);
}

TEST(downlink_ledger, without_a_correlation_id_the_bytes_tell_which_push_arrived) {
  downlink_ledger l(1);
  const auto t0 = sim_clock::now();
  l.pushed(0, 1, lorawan::bytes{1}, false, t0);
  const auto n2 = l.pushed(0, 1, lorawan::bytes{2}, false, t0);
  EXPECT_EQ(l.received(std::nullopt, 0, 1, lorawan::bytes{2}, t0), receipt::ok);
  EXPECT_EQ(l.outstanding(0), 1u);
  EXPECT_EQ(l.received(std::nullopt, 0, 1, lorawan::bytes{3}, t0), receipt::unexpected);
  l.event(n2, downlink_state_event::sent);
  EXPECT_EQ(l.unsettled(), 1u);
}

TEST(downlink_ledger, a_failed_downlink_is_settled_and_no_longer_outstanding) {
  downlink_ledger l(1);
  const auto n = l.pushed(0, 1, lorawan::bytes{1}, true, sim_clock::now());
  l.event(n, downlink_state_event::nack);
  l.event(n, downlink_state_event::failed);
  EXPECT_TRUE(l.settled());
  EXPECT_EQ(l.outstanding(0), 0u);
  EXPECT_EQ(l.counts().failed, 1u);
  EXPECT_EQ(l.counts().nacked, 1u);
  EXPECT_EQ(l.counts().missing(), 1u);
}

TEST(downlink_ledger, correlation_ids) {
  EXPECT_EQ(downlink_correlation_id(12), "sim:dl:12");
  EXPECT_EQ(downlink_number({"gs:uplink:1", "sim:dl:12", "ns:downlink:3"}), 12u);
  EXPECT_FALSE(downlink_number({"sim:dl:", "sim:dl:x", "sim:dl:1x", "other"}));
}

TEST(parse_application_event, downlink_events_carry_their_correlation_ids) {
  auto e = parse_application_event(
      "v3/sim-app/devices/sim-dev-1/down/sent",
      R"({"end_device_ids":{"device_id":"sim-dev-1"},"correlation_ids":["sim:dl:3"],)"
      R"("downlink_sent":{"f_port":4,"frm_payload":"AQ==","correlation_ids":["sim:dl:3"]}})");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, event_kind::down_sent);
  EXPECT_EQ(e->device_id, "sim-dev-1");
  EXPECT_EQ(e->correlation_ids, (std::vector<std::string>{"sim:dl:3"}));

  e = parse_application_event("v3/sim-app/devices/d1/down/failed",
                              R"({"correlation_ids":["sim:dl:4"],"downlink_failed":{"downlink":{},)"
                              R"("error":{"name":"unknown_session"}}})");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, event_kind::down_failed);
  EXPECT_EQ(e->error, "unknown_session");
  for (const char* s : {"queued", "ack", "nack"}) {
    auto topic = std::string("v3/sim-app/devices/d1/down/") + s;
    auto body = std::string(R"({"downlink_)") + s + R"(":{}})";
    EXPECT_TRUE(parse_application_event(topic, body)) << s;
  }
  EXPECT_FALSE(parse_application_event("v3/sim-app/devices/d1/down/sent", R"({"downlink_ack":{}})"));
  EXPECT_FALSE(parse_application_event("v3/sim-app/devices/d1/down/sent",
                                       R"({"correlation_ids":"sim:dl:1","downlink_sent":{}})"));
  EXPECT_FALSE(parse_application_event("v3/sim-app/devices/d1/down/invalidated", R"({"x":{}})"));
}

TEST(sim_report, downlinks_pass_only_when_each_arrived_once_right_and_was_reported) {
  sim_report r;
  r.activation = "abp";
  r.devices = 1;
  r.uplinks.sent = r.uplinks.received = 10;
  EXPECT_TRUE(r.passed());
  r.downlinks = 6;  // GatewayDowns
  r.windows.add(window_hit::rx1);
  r.windows.add(window_hit::rx2);
  EXPECT_TRUE(r.passed());
  auto& d = r.application_downlinks;
  d.pushed = d.queued = d.received = d.right = d.sent = 4;
  d.confirmed = d.acked = 2;
  EXPECT_TRUE(r.passed());
  d.acked = 1;
  EXPECT_FALSE(r.passed());
  d.acked = 2;
  d.sent = 3;
  EXPECT_FALSE(r.passed());
  d.sent = 4;
  d.duplicates = 1;
  EXPECT_FALSE(r.passed());
  d.duplicates = 0;
  r.windows.add(window_hit::wrong_timing);
  EXPECT_FALSE(r.passed());
  EXPECT_NE(render_text(r).find("1 wrong-window errors (1 timing"), std::string::npos);
  r.windows = {};
  EXPECT_TRUE(r.passed());
  const auto text = render_text(r);
  EXPECT_NE(
      text.find(
          "4 pushed (2 confirmed), 4 queued, 4 received by devices, 4 decrypted right, 4 sent, 2 acked, "
          "0 failed, 0 missing"),
      std::string::npos)
      << text;
  EXPECT_NE(render_json(r).find("\"application_downlinks\""), std::string::npos);
}

}  // namespace
}  // namespace tether::sim
