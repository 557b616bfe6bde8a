// The Device Management Protocol's JSON (spec A3, A5): envelopes, each device request's rc codes and
// what is stored, device responses, and what the server sends.

#include "iotp/dm_messages.hpp"

#include <gtest/gtest.h>

namespace tether::iotp {
namespace {

using nlohmann::json;

const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000));

TEST(dm_messages, operations) {
  EXPECT_EQ(operation_of("mgmt/manage"), dm_operation::manage);
  EXPECT_EQ(operation_of("mgmt/unmanage"), dm_operation::unmanage);
  EXPECT_EQ(operation_of("device/update/location"), dm_operation::location);
  EXPECT_EQ(operation_of("add/diag/errorCodes"), dm_operation::add_error_code);
  EXPECT_EQ(operation_of("clear/diag/log"), dm_operation::clear_logs);
  EXPECT_EQ(operation_of("notify"), dm_operation::notify);
  EXPECT_EQ(operation_of("response"), dm_operation::response);
  EXPECT_EQ(operation_of("mgmt/manage/x"), dm_operation::unknown);
}

TEST(dm_messages, envelope) {
  dm_refusal why;
  auto e = parse_envelope(R"({"d": {"lifetime": 0}, "reqId": "r1"})", why);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->req_id, "r1");
  EXPECT_EQ(e->d["lifetime"], 0);
  e = parse_envelope(R"({"reqId": "r2"})", why);  // unmanage: only a reqId
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->d.is_object());
  EXPECT_TRUE(parse_envelope("", why));
  for (const char* bad : {"not json", "[1]", R"({"d": 1, "reqId": "x"})", R"({"reqId": 5})", "{\"d\":"}) {
    EXPECT_FALSE(parse_envelope(bad, why)) << bad;
    EXPECT_EQ(why.rc, dm_rc::bad_request) << bad;
  }
  std::string deep(100, '[');
  EXPECT_FALSE(parse_envelope("{\"d\":" + deep, why));
}

TEST(dm_messages, manage_as_the_sdk_sends_it) {
  dm_refusal why;
  auto m = parse_manage(json::parse(R"({"metadata": {"a": 1}, "lifetime": 3600, "deviceInfo": {},
      "supports": {"deviceActions": true, "firmwareActions": false, "example-dme-actions-v1": true}})"),
                        3600, why);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->lifetime, 3600);
  EXPECT_TRUE(m->device_actions);
  EXPECT_FALSE(m->firmware_actions);
  ASSERT_EQ(m->bundles.size(), 1u);
  EXPECT_EQ(m->bundles[0], "example-dme-actions-v1");
  EXPECT_EQ((*m->metadata)["a"], 1);
  EXPECT_TRUE(m->device_info->empty());
  EXPECT_TRUE(parse_manage(json::object(), 3600, why));
}

TEST(dm_messages, manage_refusals) {
  dm_refusal why;
  EXPECT_FALSE(parse_manage(json{{"lifetime", 3599}}, 3600, why));
  EXPECT_EQ(why.rc, dm_rc::bad_request);
  EXPECT_TRUE(parse_manage(json{{"lifetime", 0}}, 3600, why));
  EXPECT_FALSE(parse_manage(json{{"lifetime", -1}}, 3600, why));
  EXPECT_FALSE(parse_manage(json{{"lifetime", "x"}}, 3600, why));
  EXPECT_FALSE(parse_manage(json{{"metadata", 3}}, 3600, why));
  EXPECT_FALSE(parse_manage(json{{"supports", {{"deviceActions", 1}}}}, 3600, why));
  EXPECT_EQ(why.rc, dm_rc::bad_request);
  EXPECT_FALSE(parse_manage(json{{"supports", {{"bad/bundle", true}}}}, 3600, why));
  EXPECT_EQ(why.rc, dm_rc::forbidden);
  EXPECT_FALSE(parse_manage(json{{"supports", {{std::string(256, 'b'), true}}}}, 3600, why));
  EXPECT_EQ(why.rc, dm_rc::forbidden);
}

TEST(dm_messages, location_is_a_complete_set_stamped_by_the_server) {
  dm_refusal why;
  auto loc = parse_location(json{{"latitude", 52.5}, {"longitude", 13.4}}, now, why);
  ASSERT_TRUE(loc);
  EXPECT_EQ((*loc)["latitude"], 52.5);
  EXPECT_FALSE(loc->contains("elevation"));
  EXPECT_EQ((*loc)["measuredDateTime"], "2023-11-14T22:13:20.000Z");
  EXPECT_EQ((*loc)["updatedDateTime"], "2023-11-14T22:13:20.000Z");
  loc = parse_location(json{{"latitude", 1},
                            {"longitude", 2},
                            {"elevation", 30},
                            {"accuracy", 5},
                            {"measuredDateTime", "2026-01-01T00:00:00+00:00"}},
                       now, why);
  ASSERT_TRUE(loc);
  EXPECT_EQ((*loc)["elevation"], 30);
  EXPECT_EQ((*loc)["measuredDateTime"], "2026-01-01T00:00:00+00:00");
  EXPECT_FALSE(parse_location(json{{"latitude", 91}, {"longitude", 0}}, now, why));
  EXPECT_FALSE(parse_location(json{{"longitude", 0}}, now, why));
  EXPECT_FALSE(parse_location(json{{"latitude", "1"}, {"longitude", 0}}, now, why));
  EXPECT_EQ(why.rc, dm_rc::bad_request);
}

TEST(dm_messages, diagnostics) {
  dm_refusal why;
  EXPECT_EQ(parse_error_code(json{{"errorCode", 12}}, why), 12);
  EXPECT_FALSE(parse_error_code(json{{"errorCode", "12"}}, why));
  EXPECT_FALSE(parse_error_code(json::object(), why));
  auto log = parse_log(json{{"message", "low battery"}, {"severity", 1}, {"data", "aGk="}}, now, why);
  ASSERT_TRUE(log);
  EXPECT_EQ(log->severity, 1);
  EXPECT_EQ(log->timestamp, "2023-11-14T22:13:20.000Z");
  EXPECT_FALSE(parse_log(json{{"message", "x"}, {"severity", 3}}, now, why));
  EXPECT_FALSE(parse_log(json{{"severity", 0}}, now, why));
}

TEST(dm_messages, notify) {
  dm_refusal why;
  auto f =
      parse_notify(json::parse(R"({"fields": [{"field": "mgmt.firmware", "value": {"state": 1}}]})"), why);
  ASSERT_TRUE(f);
  EXPECT_EQ((*f)[0].value["state"], 1);
  EXPECT_FALSE(parse_notify(json::parse(R"({"fields": []})"), why));
  EXPECT_FALSE(parse_notify(json::parse(R"({"fields": [{"field": "nope", "value": {}}]})"), why));
  EXPECT_EQ(why.rc, dm_rc::not_found);
  EXPECT_FALSE(parse_notify(json::parse(R"({"fields": [{"field": "metadata"}]})"), why));
  EXPECT_EQ(why.rc, dm_rc::bad_request);
}

TEST(dm_messages, device_responses) {
  auto r = parse_device_response(R"({"rc": 202, "reqId": "abc-0"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rc, 202);
  EXPECT_EQ(r->req_id, "abc-0");
  r = parse_device_response(R"({"rc": "204", "reqId": "abc-1", "message": "m"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rc, 204);
  EXPECT_EQ(r->message, "m");
  EXPECT_FALSE(parse_device_response(R"({"reqId": "a"})"));
  EXPECT_FALSE(parse_device_response(R"({"rc": 200})"));
  EXPECT_FALSE(parse_device_response(R"({"rc": "2x", "reqId": "a"})"));
}

TEST(dm_messages, server_messages) {
  EXPECT_EQ(json::parse(render_response(200, "ignored", std::string("r1"))),
            json::parse(R"({"rc":200,"reqId":"r1"})"));
  EXPECT_EQ(json::parse(render_response(400, "bad", std::nullopt)),
            json::parse(R"({"rc":400,"message":"bad"})"));
  EXPECT_EQ(json::parse(render_request("x-0", nullptr)), json::parse(R"({"reqId":"x-0"})"));
}

}  // namespace
}  // namespace tether::iotp
