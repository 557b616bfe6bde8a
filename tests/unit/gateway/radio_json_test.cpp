// gateway/radio_json: the radio structs as The Things Stack's protojson (spec/tts-v3.md §1.2-§1.7, §3.3).

#include "radio_json_test_util.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace tether::gateway {
namespace {

using namespace test;

TEST(RadioJson, RxMetadataInProtoDeclarationOrderWithProtojsonEncodings) {
  EXPECT_EQ(
      render(full_rx_metadata(), write_rx_metadata),
      R"({"gateway_ids":{"gateway_id":"gw1","eui":"0016C001FF10D3F6"},"antenna_index":1,)"
      R"("time":"2026-11-23T01:02:03Z","timestamp":2887504643,"fine_timestamp":"123456789",)"
      R"("rssi":-42.3,"signal_rssi":-45.5,"channel_rssi":-42.3,"rssi_standard_deviation":0.5,"snr":9.5,)"
      R"("frequency_offset":"-1234","location":{"latitude":52.5,"longitude":4.75,"altitude":12,)"
      R"("accuracy":3,"source":"SOURCE_GPS"},"uplink_token":"qrs=","channel_index":2,)"
      R"("gps_time":"2026-11-23T01:02:03.100Z","received_at":"2026-11-23T01:02:03.123456789Z"})");
}

TEST(RadioJson, ZeroValuesAreOmittedButASetFloatValueIsNot) {
  network::rx_metadata md;
  md.gateway_id = "gw1";
  EXPECT_EQ(render(md, write_rx_metadata), R"({"gateway_ids":{"gateway_id":"gw1"}})");
  md.signal_rssi = 0.0f;
  md.location = network::location{};
  EXPECT_EQ(render(md, write_rx_metadata),
            R"({"gateway_ids":{"gateway_id":"gw1"},"signal_rssi":0,"location":{}})");
}

TEST(RadioJson, EveryModulation) {
  EXPECT_EQ(render(network::data_rate{network::lora_data_rate{125000, 7, "4/5"}}, write_data_rate),
            R"({"lora":{"bandwidth":125000,"spreading_factor":7,"coding_rate":"4/5"}})");
  EXPECT_EQ(render(network::data_rate{network::fsk_data_rate{50000}}, write_data_rate),
            R"({"fsk":{"bit_rate":50000}})");
  EXPECT_EQ(render(network::data_rate{network::lrfhss_data_rate{1, 137000, "2/3"}}, write_data_rate),
            R"({"lrfhss":{"modulation_type":1,"operating_channel_width":137000,"coding_rate":"2/3"}})");
}

TEST(RadioJson, TxSettingsQuoteTheFrequencyAndNestTheDownlinkFields) {
  network::tx_settings up;
  up.data_rate = network::lora_data_rate{125000, 9, "4/5"};
  up.frequency = 868300000;
  up.enable_crc = true;
  up.timestamp = 4000000;
  up.time = at(1'795'395'723'000'000'000);
  EXPECT_EQ(
      render(up, write_tx_settings),
      R"({"data_rate":{"lora":{"bandwidth":125000,"spreading_factor":9,"coding_rate":"4/5"}},)"
      R"("frequency":"868300000","enable_crc":true,"timestamp":4000000,"time":"2026-11-23T01:02:03Z"})");
  network::tx_settings down;
  down.data_rate = network::lora_data_rate{125000, 12, "4/5"};
  down.frequency = 869525000;
  down.timestamp = 5000000;
  down.tx_power = 16.15f;
  down.invert_polarization = true;
  EXPECT_EQ(render(down, write_tx_settings),
            R"({"data_rate":{"lora":{"bandwidth":125000,"spreading_factor":12,"coding_rate":"4/5"}},)"
            R"("frequency":"869525000","timestamp":5000000,)"
            R"("downlink":{"tx_power":16.15,"invert_polarization":true}})");
}

TEST(RadioJson, GatewayStatusWritesMapsSortedAndMetricsAsFloat32) {
  EXPECT_EQ(
      render(sample_status(), write_gateway_status),
      R"({"time":"2026-11-23T01:02:03Z","versions":{"firmware":"1.2.3","model":"tst"},)"
      R"("antenna_locations":[{"latitude":1.5,"longitude":2.5,"altitude":3,"source":"SOURCE_REGISTRY"}],)"
      R"("ip":["192.0.2.1"],"metrics":{"rxin":3,"rxok":0.1,"txin":0},)"
      R"("received_at":"2026-11-23T01:02:04Z"})");
}

TEST(RadioJson, GatewayUplinkWrapsSettingsAndEveryAntenna) {
  network::gateway_uplink up;
  up.raw_payload = {0x40, 0x11};
  up.settings.data_rate = network::fsk_data_rate{50000};
  up.settings.frequency = 868800000;
  network::rx_metadata second;
  second.gateway_id = "gw1";
  second.antenna_index = 1;
  up.rx_metadata = {full_rx_metadata(), second};
  up.received_at = at(1'795'395'723'500'000'000);
  up.correlation_ids = {"gs:uplink:1"};
  EXPECT_EQ(
      render(up, write_gateway_uplink),
      R"({"raw_payload":"QBE=","settings":{"data_rate":{"fsk":{"bit_rate":50000}},"frequency":"868800000"},)"
      R"("rx_metadata":[)" +
          render(full_rx_metadata(), write_rx_metadata) +
          R"(,{"gateway_ids":{"gateway_id":"gw1"},"antenna_index":1}],)"
          R"("received_at":"2026-11-23T01:02:03.500Z","correlation_ids":["gs:uplink:1"]})");
}

}  // namespace
}  // namespace tether::gateway
