// The Data API JSON Tether renders (spec/everynet.md B2), one golden message per type. The goldens were
// checked field by field against B2's tables (uplink.params, downlink_request.params, downlink.params,
// join_request params, error/warning/info params, meta).

#include "application/connector/data_api_json.hpp"
#include "sample_events.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace tether::application::connector {
namespace {

using nlohmann::json;
using namespace test;

constexpr std::string_view golden_uplink =
    R"json({"type":"uplink","meta":{"network":"000013","packet_hash":"9b5360acaba492686be6560b9a112903","application":"70b3d57ed0000000","device_addr":"260b1234","time":1700000000.25,"device":"0004a30b001c0530","packet_id":"ba7a550fe39db6eb04f73eb50454a2ce","gateway":"0102030405060708"},"params":{"rx_time":1700000000.1,"counter_up":42,"port":2,"payload":"AQID","encrypted_payload":"3q2+","duplicate":false,"radio":{"freq":868.1,"datarate":5,"modulation":{"type":"LORA","bandwidth":125000,"spreading":7,"coderate":"4/5"},"time":1700000000.1,"hardware":{"tmst":1234567,"channel":2,"chain":0,"status":1,"rssi":-42,"snr":9.5,"gps":{"lat":52.5,"lng":13.25,"alt":30}},"gateways":[{"gateway":"0102030405060708","rssi":-42,"snr":9.5,"tmst":1234567,"chain":0,"channel":2},{"gateway":"gw2","rssi":-100,"snr":-3.25,"tmst":99,"chain":1,"channel":5}]}}})json";
constexpr std::string_view golden_downlink_request =
    R"json({"type":"downlink_request","meta":{"network":"000013","packet_hash":"9b5360acaba492686be6560b9a112903","application":"70b3d57ed0000000","device_addr":"260b1234","time":1700000000.25,"device":"0004a30b001c0530","packet_id":"44d997e4603caa6e7ce9d84a0f5c073a","gateway":"0102030405060708"},"params":{"tx_time":1700000001.2,"counter_down":7,"max_size":242}})json";
constexpr std::string_view golden_join_request =
    R"json({"type":"join_request","meta":{"network":"000013","packet_hash":"e816bc13d6c689eb4dd170fa6d758461","application":"70b3d57ed0000000","time":1700000000.5,"device":"0004a30b001c0530","packet_id":"0fbcfbff6e0e56a427cd2978ba69839c","history":true},"params":{"net_id":"000013","dev_eui":"0004a30b001c0530","dev_addr":"260b1234"}})json";
constexpr std::string_view golden_queued_info =
    R"json({"type":"info","meta":{"packet_hash":"40bd6a19f65c07929c8fa4c08c12f614","application":"70b3d57ed0000000","device_addr":"260b1234","time":1700000001.3,"device":"0004a30b001c0530","packet_id":"bd74af059113adcfd6b93f449d6cfdd6"},"params":{"message":"downlink queued (port 3, 2 bytes)","code":"downlink_queued"}})json";
constexpr std::string_view golden_sent_downlink =
    R"json({"type":"downlink","meta":{"packet_hash":"1e315c9ba14884a10ff197e3d2a66969","application":"70b3d57ed0000000","device_addr":"260b1234","time":1700000001.3,"device":"0004a30b001c0530","packet_id":"c4f3e4b5ac1781fa162708a395674b97"},"params":{"counter_down":7,"port":3,"payload":"yv4=","duplicate":false}})json";
constexpr std::string_view golden_ack_info =
    R"json({"type":"info","meta":{"packet_hash":"a58564d868c124f63ec7d4039da10531","application":"70b3d57ed0000000","device_addr":"260b1234","time":1700000001.3,"device":"0004a30b001c0530","packet_id":"6227ab749e523203cdf88802ad0d60f1"},"params":{"message":"confirmed downlink 7 acknowledged by the device","code":"downlink_ack"}})json";
constexpr std::string_view golden_nack_warning =
    R"json({"type":"warning","meta":{"packet_hash":"d1990349d4d32e9df860d2b865cd8621","application":"70b3d57ed0000000","device_addr":"260b1234","time":1700000001.3,"device":"0004a30b001c0530","packet_id":"c2d0e701d3836a4dd30682a2a52b8227"},"params":{"message":"confirmed downlink 7 not acknowledged: sending it again","code":"downlink_nack"}})json";
constexpr std::string_view golden_failed_error =
    R"json({"type":"error","meta":{"packet_hash":"efabdee86fbaac25b67cde5db53fe01e","application":"70b3d57ed0000000","device_addr":"260b1234","time":1700000001.3,"device":"0004a30b001c0530","packet_id":"e554ed992bc65f9391cc4f000297f8d9"},"params":{"message":"downlink for packet efabdee86fbaac25b67cde5db53fe01e failed: too late","code":"window_missed"}})json";

std::vector<data_api_message> render_outcome(network::downlink_outcome outcome) {
  auto d = sample_downlink(outcome);
  if (outcome == network::downlink_outcome::failed)
    d.error = network::downlink_error{"window_missed", "too late"};
  std::vector<data_api_message> out;
  render_downlink(d, {19, false}, out);
  return out;
}

TEST(DataApiJson, UplinkThenDownlinkRequest) {
  std::vector<data_api_message> out;
  render_uplink(sample_uplink(), {17, false}, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].type, message_type::uplink);
  EXPECT_EQ(out[0].json, golden_uplink);
  EXPECT_EQ(out[1].type, message_type::downlink_request);
  EXPECT_EQ(out[1].json, golden_downlink_request);
  // They share the packet_hash (the correlation key), not the packet_id.
  EXPECT_EQ(out[0].meta.packet_hash, out[1].meta.packet_hash);
  EXPECT_NE(out[0].meta.packet_id, out[1].meta.packet_id);
  EXPECT_EQ(out[0].meta.device, "0004a30b001c0530");
  EXPECT_EQ(out[0].meta.gateway, "0102030405060708");
}

TEST(DataApiJson, AReplayIsMarkedAndHashesTheSame) {
  std::vector<data_api_message> live, replay;
  render_uplink(sample_uplink(), {17, false}, live);
  render_uplink(sample_uplink(), {17, true}, replay);
  EXPECT_EQ(live[0].meta.packet_id, replay[0].meta.packet_id);
  EXPECT_EQ(live[0].meta.packet_hash, replay[0].meta.packet_hash);
  EXPECT_TRUE(json::parse(replay[0].json)["meta"]["history"].get<bool>());
  EXPECT_TRUE(json::parse(replay[1].json)["meta"]["history"].get<bool>());
  EXPECT_FALSE(json::parse(live[0].json)["meta"].contains("history"));
}

TEST(DataApiJson, AnUplinkWithoutWindowsHasNoDownlinkRequest) {
  auto e = sample_uplink();
  e.windows.reset();
  e.rx_metadata.clear();
  e.ids.join_eui.reset();
  std::vector<data_api_message> out;
  render_uplink(e, {1, false}, out);
  ASSERT_EQ(out.size(), 1u);
  const auto j = json::parse(out[0].json);
  EXPECT_FALSE(j["meta"].contains("gateway"));
  EXPECT_FALSE(j["meta"].contains("application"));
  EXPECT_EQ(j["params"]["rx_time"].get<double>(), 1700000000.25);  // the core's time without a gateway time
}

TEST(DataApiJson, JoinRequest) {
  std::vector<data_api_message> out;
  render_join(sample_join(), {18, true}, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].json, golden_join_request);
}

TEST(DataApiJson, DownlinkOutcomes) {
  EXPECT_EQ(render_outcome(network::downlink_outcome::queued).at(0).json, golden_queued_info);
  EXPECT_EQ(render_outcome(network::downlink_outcome::sent).at(0).json, golden_sent_downlink);
  EXPECT_EQ(render_outcome(network::downlink_outcome::ack).at(0).json, golden_ack_info);
  EXPECT_EQ(render_outcome(network::downlink_outcome::nack).at(0).json, golden_nack_warning);
  EXPECT_EQ(render_outcome(network::downlink_outcome::failed).at(0).json, golden_failed_error);
  EXPECT_EQ(render_outcome(network::downlink_outcome::failed).at(0).type, message_type::error);
}

TEST(DataApiJson, ADownlinkThatAnsweredARequestNamesItsPacket) {
  auto d = sample_downlink(network::downlink_outcome::failed);
  d.downlink.correlation_ids = {"x", "data-api:packet:00112233445566778899aabbccddeeff"};
  d.error = network::downlink_error{"window_missed", "the windows passed"};
  std::vector<data_api_message> out;
  render_downlink(d, {3, false}, out);
  const auto j = json::parse(out.at(0).json);
  EXPECT_EQ(j["meta"]["packet_hash"], "00112233445566778899aabbccddeeff");
  EXPECT_NE(j["params"]["message"].get<std::string>().find("00112233445566778899aabbccddeeff"),
            std::string::npos);
  EXPECT_EQ(j["params"]["code"], "window_missed");
}

TEST(DataApiJson, Notice) {
  data_api_meta meta;
  meta.packet_hash = "ab";
  const auto m = render_notice(message_type::warning, meta, "say \"hi\"", "c1");
  EXPECT_EQ(
      m.json,
      R"({"type":"warning","meta":{"packet_hash":"ab"},"params":{"message":"say \"hi\"","code":"c1"}})");
  EXPECT_EQ(render_notice(message_type::info, {}, "m").json,
            R"({"type":"info","meta":{},"params":{"message":"m"}})");
}

TEST(DataApiJson, TypeNames) {
  EXPECT_EQ(type_name(message_type::status_response), "status_response");
  EXPECT_EQ(parse_type_name("downlink_request"), message_type::downlink_request);
  EXPECT_FALSE(parse_type_name("downlink_response"));
  EXPECT_FALSE(parse_type_name("bogus"));
}

TEST(DataApiJson, MaxSizeFollowsTheRx1DataRate) {
  auto e = sample_uplink();
  e.windows->rx1_data_rate_index = 0;  // EU868 DR0: 51 bytes
  EXPECT_EQ(rx1_max_size(e), 51u);
  e.band_id = "nowhere";
  EXPECT_FALSE(rx1_max_size(e));
}

}  // namespace
}  // namespace tether::application::connector
