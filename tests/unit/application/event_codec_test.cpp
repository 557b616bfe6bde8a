// The event log's payload: every field of the neutral structs survives a round trip; damaged or
// unknown records are refused with a clear error.

#include "application/event_codec.hpp"
#include "application/ttsv3/event_json.hpp"
#include "storage/sqlite.hpp"

#include <gtest/gtest.h>

namespace tether::application {
namespace {

using namespace std::chrono;

network::time_point at(std::int64_t unix_ns) { return network::time_point{nanoseconds{unix_ns}}; }

network::device_ids sample_ids() {
  network::device_ids ids;
  ids.application_id = "app1";
  ids.device_id = "dev1";
  ids.dev_eui = core::eui64::from_hex("0004a30b001c0530").value();
  ids.join_eui = core::eui64::from_hex("70B3D57ED0000000").value();
  ids.dev_addr = core::dev_addr::from_hex("260b1234").value();
  return ids;
}

network::rx_metadata full_metadata() {
  network::rx_metadata m;
  m.gateway_id = "gw1";
  m.gateway_eui = core::eui64::from_hex("0102030405060708").value();
  m.antenna_index = 1;
  m.time = at(1'795'395'723'100'000'001);
  m.timestamp = 2887504643u;
  m.fine_timestamp = 123456789012ull;
  m.rssi = -42.25f;
  m.signal_rssi = -43.5f;
  m.channel_rssi = -42.0f;
  m.rssi_standard_deviation = 0.5f;
  m.snr = 9.75f;
  m.frequency_offset = -1234;
  m.location = network::location{52.375, 4.875, -3, 10, network::location_source::gps};
  m.channel_index = 5;
  m.gps_time = at(1'795'395'723'100'000'002);
  m.received_at = at(1'795'395'723'123'456'789);
  m.uplink_token = {0xAA, 0x00, 0xBB};
  return m;
}

network::uplink_event sample_uplink() {
  network::uplink_event e;
  e.ids = sample_ids();
  e.session_key_id = {0x01, 0x02};
  e.f_port = 1;
  e.f_cnt = 70000;
  e.frm_payload = {'h', 'i', 0};
  e.confirmed = true;
  e.rx_metadata.push_back(full_metadata());
  network::rx_metadata bare;  // every optional left out
  bare.gateway_id = "gw2";
  bare.rssi = -100;
  e.rx_metadata.push_back(bare);
  e.settings.data_rate = network::lora_data_rate{125000, 7, "4/5"};
  e.settings.frequency = 868100000;
  e.settings.enable_crc = true;
  e.settings.timestamp = 2887504643u;
  e.settings.time = at(5);
  e.data_rate_index = 5;
  e.band_id = "EU_863_870";
  e.net_id = 0x13;
  e.received_at = at(1'795'395'723'500'000'000);
  e.consumed_airtime = nanoseconds{61'696'000};
  e.correlation_ids = {"ns:uplink:1", "gs:uplink:2"};
  return e;
}

network::downlink_event sample_downlink(network::downlink_outcome outcome) {
  network::downlink_event e;
  e.ids = sample_ids();
  e.ids.join_eui.reset();
  e.outcome = outcome;
  e.downlink.f_port = 15;
  e.downlink.frm_payload = {1, 2, 3};
  e.downlink.priority = network::downlink_priority::high;
  e.downlink.confirmed = true;
  e.downlink.correlation_ids = {"as:downlink:1"};
  e.downlink.f_cnt = 42;
  e.downlink.session_key_id = {9};
  if (outcome == network::downlink_outcome::failed)
    e.error = network::downlink_error{"transmission", "too late"};
  e.at = at(1'795'395'724'000'000'000);
  return e;
}

application_event round_trip(const application_event& e) { return decode_event(encode_event(e), "test"); }

TEST(event_codec, an_uplink_keeps_every_field) {
  const application_event e = sample_uplink();
  EXPECT_EQ(round_trip(e), e);
  auto fsk = sample_uplink();
  fsk.settings.data_rate = network::fsk_data_rate{50000};
  fsk.settings.invert_polarization = true;
  EXPECT_EQ(round_trip(fsk), application_event(fsk));
  auto lrfhss = sample_uplink();
  lrfhss.settings.data_rate = network::lrfhss_data_rate{1, 137000, "2/3"};
  lrfhss.ids.dev_eui.reset();  // ABP without a DevEUI
  EXPECT_EQ(round_trip(lrfhss), application_event(lrfhss));
}

TEST(event_codec, a_join_keeps_every_field) {
  network::join_event j;
  j.ids = sample_ids();
  j.session_key_id = {7, 7, 7};
  j.net_id = 0x000013;
  j.received_at = at(1'795'395'723'000'000'123);
  j.correlation_ids = {"ns:uplink:9"};
  EXPECT_EQ(round_trip(j), application_event(j));
}

TEST(event_codec, every_downlink_outcome_keeps_every_field) {
  using enum network::downlink_outcome;
  for (auto outcome : {queued, sent, ack, nack, failed}) {
    const application_event e = sample_downlink(outcome);
    EXPECT_EQ(round_trip(e), e);
  }
}

TEST(event_codec, the_record_starts_with_its_version_and_is_smaller_than_the_json) {
  const auto blob = encode_event(sample_uplink());
  ASSERT_GE(blob.size(), 2u);
  EXPECT_EQ(blob[0], static_cast<char>(event_format));
  EXPECT_EQ(blob[1], 2);  // uplink
  EXPECT_LT(blob.size() * 3, ttsv3::render_uplink(sample_uplink()).size());
}

TEST(event_codec, damaged_or_unknown_records_are_refused) {
  const auto blob = encode_event(sample_uplink());
  EXPECT_THROW(decode_event("", "e"), storage::storage_error);
  EXPECT_THROW(decode_event(blob.substr(0, blob.size() - 1), "e"), storage::storage_error);
  EXPECT_THROW(decode_event(blob + "x", "e"), storage::storage_error);
  auto newer = blob;
  newer[0] = 3;
  try {
    decode_event(newer, "event app1/7");
    FAIL() << "version 3 decoded";
  } catch (const storage::storage_error& e) {
    EXPECT_NE(std::string(e.what()).find("event app1/7"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("version 3"), std::string::npos) << e.what();
  }
  auto unknown_kind = blob;
  unknown_kind[1] = 9;
  EXPECT_THROW(decode_event(unknown_kind, "e"), storage::storage_error);
}

TEST(event_codec, a_drop_keeps_every_field_and_names_its_application_stream) {
  network::drop_event d;
  d.ids = sample_ids();
  d.reason = "replay";
  d.detail = "counter behind the last accepted one";
  d.f_cnt = 7;
  d.rx_metadata = {full_metadata()};
  d.at = at(1'795'395'725'000'000'000);
  d.correlation_ids = {"gs:uplink:9"};
  const application_event e = d;
  EXPECT_EQ(round_trip(e), e);
  EXPECT_EQ(encode_event(e)[1], 4);
  EXPECT_EQ(stream_of(e), d.ids.application_id);
  ASSERT_NE(ids_of(e), nullptr);
}

TEST(event_codec, every_gateway_event_keeps_every_field_in_the_gateway_stream) {
  network::gateway_event g;
  g.kind = network::gateway_event_kind::connect;
  g.gateway_id = "gw1";
  g.protocol = "ttsv3";
  g.remote_address = "127.0.0.1:5000";
  g.at = at(1'795'395'726'000'000'000);
  EXPECT_EQ(round_trip(g), application_event(g));
  EXPECT_EQ(stream_of(g), "gateway:gw1");
  EXPECT_EQ(ids_of(g), nullptr);

  network::gateway_status s;
  s.gateway_id = "gw1";
  s.time = at(5);
  s.boot_time = at(6);
  s.versions = {{"firmware", "1.2.3"}, {"model", "x"}};
  s.antenna_locations = {full_metadata().location.value_or(network::location{})};
  s.ips = {"10.0.0.1"};
  s.metrics = {{"rxok", 12.5f}};
  s.received_at = at(7);
  g = {.kind = network::gateway_event_kind::status, .gateway_id = "gw1", .status = s, .at = at(8)};
  EXPECT_EQ(round_trip(g), application_event(g));
  g = {.kind = network::gateway_event_kind::drop, .gateway_id = "gw1", .reason = "malformed", .at = at(9)};
  EXPECT_EQ(round_trip(g), application_event(g));
  auto unknown = encode_event(g);
  unknown[2] = 9;  // the gateway event's kind
  EXPECT_THROW(decode_event(unknown, "e"), storage::storage_error);
}

}  // namespace
}  // namespace tether::application
