// What /metrics shows of the gateway hub: drops summed over gateways by reason, no gateway label;
// histograms of the core's measures with their store label; downlink failures by error name.

#include "http/tether_metrics.hpp"
#include "gateway/hub.hpp"
#include "http/downlink_failure_meter.hpp"
#include "http/exposition.hpp"
#include "http/uplink_latency_meter.hpp"
#include "storage/group_commit_stats.hpp"

#include <gtest/gtest.h>

namespace tether::http {
namespace {

class idle_frontend : public gateway::frontend {
 public:
  std::string_view protocol() const override { return "ttsv3"; }
  network::send_outcome transmit(const network::downlink_tx&) override { return network::send_result::sent; }
};

TEST(tether_metrics, gateway_drops_are_summed_by_reason_without_a_gateway_label) {
  gateway::hub hub;
  idle_frontend via;
  hub.connect("gw1", via, "127.0.0.1");
  hub.connect("gw2", via, "127.0.0.1");
  hub.disconnect("gw2", via);
  hub.count_drop("gw1", "malformed protobuf");
  hub.count_drop("gw2", "malformed protobuf");
  hub.count_drop("gw2", "wrong \"antenna\"");
  exposition out;
  write_gateway_metrics(out, {}, &hub);
  const auto& text = out.text();
  EXPECT_NE(text.find("tether_gateways_connected 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("tether_gateway_drops_total{reason=\"malformed protobuf\"} 2\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("tether_gateway_drops_total{reason=\"wrong \\\"antenna\\\"\"} 1\n"), std::string::npos)
      << text;
  EXPECT_EQ(text.find("gw1"), std::string::npos) << text;
}

TEST(tether_metrics, histograms_show_seconds_and_changes_per_store) {
  storage::group_commit_stats commits;
  commits.group_size.observe(3);
  commits.commit_us.observe(1500);
  core::histogram latency{1000, 100000};
  latency.observe(250000);
  exposition out;
  write_histogram_metrics(out, {.uplink_latency_us = &latency, .stores = {{"device_sessions", &commits}}});
  const auto& text = out.text();
  EXPECT_NE(text.find("tether_uplink_latency_seconds_bucket{le=\"0.1\"} 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("tether_uplink_latency_seconds_bucket{le=\"+Inf\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("tether_uplink_latency_seconds_sum 0.25\n"), std::string::npos) << text;
  EXPECT_NE(text.find("tether_storage_group_commit_changes_bucket{store=\"device_sessions\",le=\"5\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("tether_storage_group_commit_seconds_sum{store=\"device_sessions\"} 0.0015\n"),
            std::string::npos)
      << text;
}

class counting_sink : public network::event_sink {
 public:
  void on_join(const network::join_event&) override { ++events; }
  void on_uplink(const network::uplink_event&) override { ++events; }
  void on_downlink(const network::downlink_event&) override { ++events; }
  void on_drop(const network::drop_event&) override { ++events; }
  void on_gateway(const network::gateway_event&) override { ++events; }
  int events = 0;
};

// Each kind of event once through a measure: all five must reach the next sink (a measure that
// swallowed drops once kept them from the event stream).
template <class Meter>
int handed_on() {
  counting_sink next;
  Meter meter(next);
  meter.on_join({});
  meter.on_uplink({});
  meter.on_downlink({});
  meter.on_drop({});
  meter.on_gateway({});
  return next.events;
}

TEST(tether_metrics, measures_hand_every_event_kind_on) {
  EXPECT_EQ(handed_on<downlink_failure_meter>(), 5);
  EXPECT_EQ(handed_on<uplink_latency_meter>(), 5);
}

network::downlink_event failed(std::string name) {
  network::downlink_event e;
  e.outcome = network::downlink_outcome::failed;
  e.error = network::downlink_error{std::move(name), "why"};
  return e;
}

TEST(tether_metrics, downlink_failures_are_counted_by_error_name_and_bounded) {
  counting_sink next;
  downlink_failure_meter meter(next);
  meter.on_downlink(failed("no_f_port"));
  meter.on_downlink(failed("no_f_port"));
  meter.on_downlink(failed("gateway_packet_too_large"));
  network::downlink_event sent;
  sent.outcome = network::downlink_outcome::sent;
  meter.on_downlink(sent);
  meter.on_uplink({});
  EXPECT_EQ(next.events, 5);  // everything is handed on
  exposition out;
  write_histogram_metrics(out, {.downlink_failures = &meter});
  const auto& text = out.text();
  EXPECT_NE(text.find("# TYPE tether_lorawan_downlink_failures_total counter\n"), std::string::npos) << text;
  EXPECT_NE(text.find("tether_lorawan_downlink_failures_total{error=\"no_f_port\"} 2\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("tether_lorawan_downlink_failures_total{error=\"gateway_packet_too_large\"} 1\n"),
            std::string::npos)
      << text;
  for (int i = 0; i < 40; ++i) meter.on_downlink(failed("name_" + std::to_string(i)));
  const auto read = meter.read();
  EXPECT_EQ(read.size(), downlink_failure_meter::max_names + 1);  // the first 32 names and "other"
  EXPECT_EQ(read.at("other"), 40u - (downlink_failure_meter::max_names - 2));
}

}  // namespace
}  // namespace tether::http
