#include "application/ttsv3/downlink_json.hpp"
#include "application/ttsv3/event_json.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace tether::application::ttsv3 {
namespace {

using network::downlink_priority;

TEST(DownlinkJson, ReadsEveryField) {
  auto parsed = parse_downlinks(
      R"({"downlinks":[{"f_port":15,"frm_payload":"AQID","priority":"HIGH","confirmed":true,
          "correlation_ids":["my:1"],"unknown":1}]})");
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->valid.size(), 1u);
  const auto& d = parsed->valid[0];
  EXPECT_EQ(d.f_port, 15);
  EXPECT_EQ(d.frm_payload, (network::bytes{1, 2, 3}));
  EXPECT_EQ(d.priority, downlink_priority::high);
  EXPECT_TRUE(d.confirmed);
  EXPECT_EQ(d.correlation_ids, std::vector<std::string>{"my:1"});
}

TEST(DownlinkJson, AcceptsCamelCaseNumericPriorityAndUrlSafeBase64) {
  auto parsed = parse_downlinks(R"({"downlinks":[{"fPort":1,"frmPayload":"-_8","priority":3}]})");
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->valid.size(), 1u);
  EXPECT_EQ(parsed->valid[0].frm_payload, (network::bytes{0xFB, 0xFF}));
  EXPECT_EQ(parsed->valid[0].priority, downlink_priority::normal);
  EXPECT_EQ(parsed->valid[0].f_port, 1);
}

TEST(DownlinkJson, DefaultsToLowestPriorityUnconfirmed) {
  auto parsed = parse_downlinks(R"({"downlinks":[{"f_port":2,"frm_payload":"AA=="}]})");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->valid.at(0).priority, downlink_priority::lowest);
  EXPECT_FALSE(parsed->valid.at(0).confirmed);
}

TEST(DownlinkJson, InvalidItemsAreRejectedWithAReasonOthersKept) {
  auto parsed = parse_downlinks(R"({"downlinks":[
      {"f_port":0,"frm_payload":"AA=="},
      {"f_port":224,"frm_payload":"AA=="},
      {"f_port":1},
      {"f_port":1,"frm_payload":"***"},
      {"f_port":1,"frm_payload":"AA==","priority":"URGENT"},
      {"f_port":1,"frm_payload":"AA==","correlation_ids":["x"]},
      "not an object"]})");
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->valid.size(), 1u);
  std::vector<std::string> names;
  for (const auto& [d, error] : parsed->rejected) names.push_back(error.name);
  EXPECT_EQ(names, (std::vector<std::string>{"no_f_port", "invalid_f_port", "no_payload",
                                             "invalid_frm_payload", "invalid_priority", "invalid_downlink"}));
}

TEST(DownlinkJson, LongCorrelationIdIsRejected) {
  const std::string body = R"({"downlinks":[{"f_port":1,"frm_payload":"AA==","correlation_ids":[")" +
                           std::string(101, 'x') + R"("]}]})";
  auto parsed = parse_downlinks(body);
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->rejected.size(), 1u);
  EXPECT_EQ(parsed->rejected[0].second.name, "invalid_correlation_ids");
}

TEST(DownlinkJson, MalformedBodiesAreErrors) {
  EXPECT_FALSE(parse_downlinks("not json"));
  EXPECT_FALSE(parse_downlinks("[]"));
  EXPECT_FALSE(parse_downlinks(R"({"downlink":[]})"));
  EXPECT_FALSE(parse_downlinks(R"({"downlinks":{}})"));
  auto empty = parse_downlinks(R"({"downlinks":[]})");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->valid.empty());
}

TEST(DownlinkEventJson, QueuedAndFailedAsTheThingsStackNamesThem) {
  network::downlink_event e;
  e.ids.application_id = "app1";
  e.ids.device_id = "dev1";
  e.downlink.f_port = 1;
  e.downlink.f_cnt = 4;
  e.downlink.frm_payload = {0xAB};
  e.downlink.priority = downlink_priority::normal;
  e.downlink.correlation_ids = {"c:1"};
  e.outcome = network::downlink_outcome::queued;
  auto j = nlohmann::json::parse(render_downlink_event(e));
  EXPECT_EQ(downlink_event_suffix(e.outcome), "down/queued");
  EXPECT_EQ(j["downlink_queued"]["priority"], "NORMAL");
  EXPECT_EQ(j["downlink_queued"]["frm_payload"], "qw==");
  EXPECT_EQ(j["downlink_queued"]["f_cnt"], 4);
  EXPECT_EQ(j["correlation_ids"][0], "c:1");

  e.outcome = network::downlink_outcome::failed;
  e.error = network::downlink_error{"application_downlink_too_long", "too long for DR0"};
  j = nlohmann::json::parse(render_downlink_event(e));
  EXPECT_EQ(downlink_event_suffix(e.outcome), "down/failed");
  EXPECT_EQ(j["downlink_failed"]["error"]["name"], "application_downlink_too_long");
  EXPECT_EQ(j["downlink_failed"]["downlink"]["f_port"], 1);

  for (auto [outcome, suffix] : {std::pair{network::downlink_outcome::sent, "down/sent"},
                                 std::pair{network::downlink_outcome::ack, "down/ack"},
                                 std::pair{network::downlink_outcome::nack, "down/nack"}}) {
    e.outcome = outcome;
    EXPECT_EQ(downlink_event_suffix(outcome), suffix);
  }
}

}  // namespace
}  // namespace tether::application::ttsv3
