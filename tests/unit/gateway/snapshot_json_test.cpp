// gateway/snapshot_json: what `tether gateway show` prints of a gateway's connection; the radio
// structs in it come from gateway/radio_json unchanged.

#include "gateway/snapshot_json.hpp"
#include "radio_json_test_util.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace tether::gateway {
namespace {

using namespace test;

TEST(SnapshotJson, ConnectionFieldsAlwaysPresentRadioStructsFromTheSharedWriter) {
  gateway_snapshot s;
  s.gateway_id = "gw1";
  s.connected = true;
  s.protocol = "ttsv3";
  s.remote_address = "127.0.0.1:5000";
  s.connected_at = at(1'795'395'720'000'000'000);
  s.uplinks = 1;
  s.dropped = {{"malformed", 2}};
  s.last_status = sample_status();
  s.last_uplink = network::gateway_uplink{};
  s.last_uplink->settings.data_rate = network::lora_data_rate{125000, 7, "4/5"};
  s.last_uplink->rx_metadata = {full_rx_metadata()};
  const auto text = to_json(s);
  EXPECT_EQ(text.substr(0, text.find(R"(,"last_status")")),
            R"({"connected":true,"protocol":"ttsv3","remote_address":"127.0.0.1:5000",)"
            R"("connected_at":"2026-11-23T01:02:00Z","disconnected_at":null,"last_seen":null,)"
            R"("uplinks":1,"statuses":0,"downlinks":0,"tx_acks":0,"dropped":{"malformed":2})");
  EXPECT_NE(text.find(R"("last_status":)" + render(sample_status(), write_gateway_status)),
            std::string::npos);
  EXPECT_NE(text.find(R"("last_uplink":)" + render(*s.last_uplink, write_gateway_uplink) + "}"),
            std::string::npos);
  EXPECT_TRUE(nlohmann::json::accept(text));
}

TEST(SnapshotJson, NeverConnectedGatewayHasEmptyDroppedAndNoRadioStructs) {
  const auto j = nlohmann::json::parse(to_json(gateway_snapshot{}));
  EXPECT_EQ(j["connected"], false);
  EXPECT_TRUE(j["last_seen"].is_null());
  EXPECT_TRUE(j["dropped"].empty());
  EXPECT_FALSE(j.contains("last_status"));
  EXPECT_FALSE(j.contains("last_uplink"));
}

}  // namespace
}  // namespace tether::gateway
