// What /metrics shows of the gateway hub: drops summed over gateways by reason, no gateway label;
// histograms of the core's measures with their store label.

#include "http/tether_metrics.hpp"
#include "gateway/hub.hpp"
#include "http/exposition.hpp"
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

}  // namespace
}  // namespace tether::http
