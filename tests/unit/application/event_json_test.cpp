#include "application/ttsv3/event_json.hpp"
#include "gateway/snapshot_json.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace tether::application::ttsv3 {
namespace {

using nlohmann::json;
using namespace std::chrono;

network::time_point at(std::int64_t unix_ns) { return network::time_point{nanoseconds{unix_ns}}; }

network::uplink_event sample_uplink() {
  network::uplink_event e;
  e.ids.application_id = "app1";
  e.ids.device_id = "dev1";
  e.ids.dev_eui = core::eui64::from_hex("0004a30b001c0530").value();
  e.ids.join_eui = core::eui64::from_hex("70B3D57ED0000000").value();
  e.ids.dev_addr = core::dev_addr::from_hex("260b1234").value();
  e.session_key_id = {0x01, 0x02};
  e.f_port = 1;
  e.f_cnt = 70000;
  e.frm_payload = {'h', 'i'};
  e.settings.data_rate = network::lora_data_rate{125000, 7, "4/5"};
  e.settings.frequency = 868100000;
  e.settings.timestamp = 2887504643u;
  network::rx_metadata md;
  md.gateway_id = "gw1";
  md.timestamp = 2887504643u;
  md.rssi = -42.3f;
  md.channel_rssi = -42.3f;
  md.snr = 9.5f;
  md.frequency_offset = -1234;
  md.uplink_token = {0xAA};
  md.received_at = at(1'795'395'723'123'456'789);
  e.rx_metadata.push_back(md);
  e.received_at = at(1'795'395'723'500'000'000);
  e.consumed_airtime = nanoseconds{61'696'000};
  e.band_id = "EU_863_870";
  e.net_id = 0x13;
  e.correlation_ids = {"ns:uplink:1"};
  return e;
}

TEST(EventJson, UplinkFollowsTheThingsStackEncoding) {
  const auto j = json::parse(render_uplink(sample_uplink()));
  EXPECT_EQ(j["end_device_ids"]["device_id"], "dev1");
  EXPECT_EQ(j["end_device_ids"]["application_ids"]["application_id"], "app1");
  EXPECT_EQ(j["end_device_ids"]["dev_eui"], "0004A30B001C0530");  // upper-case hex
  EXPECT_EQ(j["end_device_ids"]["dev_addr"], "260B1234");
  EXPECT_EQ(j["received_at"], "2026-11-23T01:02:03.500Z");
  const auto& up = j["uplink_message"];
  EXPECT_EQ(up["f_port"], 1);
  EXPECT_EQ(up["f_cnt"], 70000);
  EXPECT_EQ(up["frm_payload"], "aGk=");
  EXPECT_EQ(up["session_key_id"], "AQI=");
  EXPECT_EQ(up["settings"]["frequency"], "868100000");  // 64-bit integers quoted
  EXPECT_EQ(up["settings"]["timestamp"], 2887504643u);  // 32-bit integers bare
  EXPECT_EQ(up["settings"]["data_rate"]["lora"]["spreading_factor"], 7);
  EXPECT_EQ(up["consumed_airtime"], "0.061696s");
  EXPECT_EQ(up["rx_metadata"][0]["gateway_ids"]["gateway_id"], "gw1");
  EXPECT_EQ(up["rx_metadata"][0]["rssi"].dump(), "-42.3");  // float32 written as its shortest decimal
  EXPECT_EQ(up["rx_metadata"][0]["frequency_offset"], "-1234");
  EXPECT_EQ(up["rx_metadata"][0]["received_at"], "2026-11-23T01:02:03.123456789Z");
  EXPECT_EQ(up["rx_metadata"][0]["uplink_token"], "qg==");
  EXPECT_EQ(up["network_ids"]["net_id"], "000013");
  EXPECT_EQ(up["version_ids"]["band_id"], "EU_863_870");
}

TEST(EventJson, ZeroValuesAreOmitted) {
  const auto j = json::parse(render_uplink(sample_uplink()));
  const auto& up = j["uplink_message"];
  EXPECT_FALSE(up.contains("confirmed"));
  EXPECT_FALSE(up["rx_metadata"][0].contains("antenna_index"));
  EXPECT_FALSE(up["rx_metadata"][0].contains("channel_index"));
  EXPECT_FALSE(up["rx_metadata"][0].contains("fine_timestamp"));
  EXPECT_FALSE(up["settings"].contains("enable_crc"));
}

TEST(EventJson, JoinCarriesTheSessionKeyIdOnly) {
  network::join_event e;
  e.ids = sample_uplink().ids;
  e.session_key_id = {0x0F};
  e.received_at = at(1'795'395'723'000'000'000);
  const auto j = json::parse(render_join(e));
  EXPECT_EQ(j["join_accept"]["session_key_id"], "Dw==");
  EXPECT_EQ(j["join_accept"]["received_at"], "2026-11-23T01:02:03Z");
  EXPECT_EQ(j["end_device_ids"]["join_eui"], "70B3D57ED0000000");
}

// The text of the value of the first member named `key` (an object or array), or "" when absent.
std::string member_text(const std::string& json_text, std::string_view key) {
  const auto name = "\"" + std::string(key) + "\":";
  const auto start = json_text.find(name);
  if (start == std::string::npos) return "";
  const auto begin = start + name.size();
  int depth = 0;
  bool in_string = false;
  for (auto i = begin; i < json_text.size(); ++i) {
    const char c = json_text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if ((c == '}' || c == ']') && --depth == 0) {
      return json_text.substr(begin, i + 1 - begin);
    }
  }
  return "";
}

// `tether gateway show --json` and the application API print the same radio structs: the same
// rx_metadata and settings give the same text on both paths, byte for byte.
TEST(EventJson, RadioStructsMatchGatewayShowByteForByte) {
  auto e = sample_uplink();
  auto second = e.rx_metadata[0];
  second.antenna_index = 1;
  second.gateway_eui = core::eui64::from_hex("0016c001ff10d3f6").value();
  second.time = at(1'795'395'723'000'000'000);
  second.signal_rssi = -50.25f;
  second.rssi_standard_deviation = 0.1f;
  second.fine_timestamp = 42;
  second.location = network::location{52.5, 4.75, 12, 0, network::location_source::gps};
  second.channel_index = 3;
  second.gps_time = at(1'795'395'723'100'000'000);
  second.uplink_token.clear();
  e.rx_metadata.push_back(second);
  e.settings.enable_crc = true;
  e.settings.time = at(1'795'395'723'000'000'000);

  gateway::gateway_snapshot shown;
  shown.last_uplink = network::gateway_uplink{};
  shown.last_uplink->settings = e.settings;
  shown.last_uplink->rx_metadata = e.rx_metadata;
  const auto app = render_uplink(e);
  const auto show = gateway::to_json(shown);

  const auto app_md = member_text(app, "rx_metadata");
  ASSERT_FALSE(app_md.empty()) << app;
  EXPECT_EQ(app_md, member_text(show, "rx_metadata"));
  const auto app_settings = member_text(app, "settings");
  ASSERT_FALSE(app_settings.empty()) << app;
  EXPECT_EQ(app_settings, member_text(show, "settings"));
  // Spot checks that the shared text is The Things Stack's, not merely the same on both sides.
  const auto md = json::parse(app_md);
  EXPECT_EQ(md[1]["location"]["source"], "SOURCE_GPS");
  EXPECT_EQ(md[1]["fine_timestamp"], "42");
  EXPECT_FALSE(md[0].contains("antenna_index"));
  EXPECT_EQ(json::parse(app_settings)["frequency"], "868100000");
}

}  // namespace
}  // namespace tether::application::ttsv3
