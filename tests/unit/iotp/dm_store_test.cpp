// Device management against a migrated registry: device requests and their rc codes (dm_handler),
// what is kept (dm_store, bounds), dormancy, and server requests picked up and followed (dm_engine).

#include "iotp/dm_store.hpp"
#include "iotp/dm_engine.hpp"
#include "iotp/dm_handler.hpp"
#include "registry_fixture.hpp"

#include <gtest/gtest.h>

namespace tether::iotp {
namespace {

using nlohmann::json;
using std::chrono::seconds;

const auto t0 = std::chrono::system_clock::time_point(seconds(1'800'000'000));

class dm_store_test : public test::iot_registry_test {
 protected:
  void SetUp() override {
    iot_registry_test::SetUp();
    populate();
    ASSERT_TRUE(registry_store(*db_).create_device(
        {.ref = sensor("s1"), .kind = type_class::device, .token = "token-s1x"}));
  }

  dm_outcome send(dm_store& store, std::string_view rest, const json& body, const device_ref& who) {
    return handle_dm_request(store, {.min_lifetime = 3600}, {who, ""}, operation_of(rest), body.dump(), t0);
  }
};

TEST_F(dm_store_test, manage_lifetime_and_dormancy) {
  dm_store store(*db_);
  auto out = send(
      store, "mgmt/manage",
      {{"reqId", "m1"},
       {"d",
        {{"lifetime", 3600}, {"supports", {{"deviceActions", true}}}, {"deviceInfo", {{"model", "x"}}}}}},
      sensor("s1"));
  EXPECT_EQ(out.rc, 200);
  EXPECT_TRUE(out.managed);
  EXPECT_EQ(out.req_id, "m1");
  auto st = store.state(sensor("s1"));
  ASSERT_TRUE(st);
  EXPECT_TRUE(st->managed);
  EXPECT_EQ(st->device_info["model"], "x");
  EXPECT_EQ(st->expires_at, 1'800'003'600);
  EXPECT_TRUE(store.expire_lifetimes(1'800'003'599).empty());
  auto gone = store.expire_lifetimes(1'800'003'600);
  ASSERT_EQ(gone.size(), 1u);
  st = store.state(sensor("s1"));
  EXPECT_FALSE(st->managed);
  EXPECT_TRUE(st->dormant);
  EXPECT_EQ(st->device_info["model"], "x");

  EXPECT_EQ(send(store, "mgmt/manage", {{"reqId", "m2"}, {"d", {{"lifetime", 10}}}}, sensor("s1")).rc, 400);
  EXPECT_EQ(send(store, "mgmt/manage", {{"reqId", "m3"}, {"d", json::object()}}, sensor("nobody")).rc, 404);
  EXPECT_EQ(send(store, "mgmt/unmanage", {{"reqId", "u1"}}, sensor("s1")).rc, 200);
  EXPECT_EQ(send(store, "no/such/thing", {{"reqId", "x"}}, sensor("s1")).rc, 400);
  auto bad = handle_dm_request(store, {}, {sensor("s1"), ""}, dm_operation::manage, "{oops", t0);
  EXPECT_EQ(bad.rc, 400);
  EXPECT_TRUE(bad.respond);
}

TEST_F(dm_store_test, location_error_codes_logs) {
  dm_store store(*db_, {.max_error_codes = 3, .max_logs = 2, .max_log_bytes = 1000});
  const auto s1 = sensor("s1");
  EXPECT_EQ(send(store, "device/update/location",
                 {{"reqId", "l"}, {"d", {{"latitude", 1.5}, {"longitude", 2}, {"elevation", 4}}}}, s1)
                .rc,
            200);
  EXPECT_EQ(send(store, "device/update/location",
                 {{"reqId", "l"}, {"d", {{"latitude", 1.5}, {"longitude", 2}}}}, s1)
                .rc,
            200);
  auto dev = registry_store(*db_).get_device(s1, type_class::device);
  auto loc = json::parse(*dev->last_location);
  EXPECT_FALSE(loc.contains("elevation"));  // each update is the complete set
  EXPECT_EQ(loc["measuredDateTime"], "2027-01-15T08:00:00.000Z");
  for (int code = 1; code <= 5; ++code) {
    EXPECT_EQ(send(store, "add/diag/errorCodes", {{"reqId", "e"}, {"d", {{"errorCode", code}}}}, s1).rc, 200);
  }
  auto codes = store.error_codes(s1);
  ASSERT_EQ(codes.size(), 3u);
  EXPECT_EQ(codes[0].code, 3);
  EXPECT_EQ(send(store, "clear/diag/errorCodes", {{"reqId", "c"}}, s1).rc, 200);
  EXPECT_TRUE(store.error_codes(s1).empty());
  for (const char* m : {"one", "two", "three"}) {
    EXPECT_EQ(send(store, "add/diag/log", {{"reqId", "g"}, {"d", {{"message", m}, {"severity", 2}}}}, s1).rc,
              200);
  }
  auto logs = store.logs(s1);
  ASSERT_EQ(logs.size(), 2u);
  EXPECT_EQ(logs[0].message, "two");
  EXPECT_EQ(
      send(store, "add/diag/log", {{"reqId", "g"}, {"d", {{"message", std::string(960, 'x')}}}}, s1).trimmed,
      2u);
  EXPECT_EQ(send(store, "clear/diag/log", {{"reqId", "c"}}, s1).rc, 200);
  EXPECT_TRUE(store.logs(s1).empty());
  auto n = send(
      store, "notify",
      {{"reqId", "n"}, {"d", {{"fields", {{{"field", "mgmt.firmware"}, {"value", {{"state", 2}}}}}}}}}, s1);
  EXPECT_EQ(n.rc, 200);
  ASSERT_EQ(n.firmware.size(), 1u);
  EXPECT_EQ(store.state(s1)->firmware["state"], 2);
}

struct published {
  std::vector<mqtt::message_ptr> msgs;
  json last() const { return json::parse(msgs.back()->payload); }
};

TEST_F(dm_store_test, engine_follows_a_reboot_and_refuses_what_was_not_declared) {
  dm_store store(*db_);
  published out;
  dm_engine engine(store, [&out](mqtt::message_ptr m) { out.msgs.push_back(std::move(m)); });
  const auto s1 = sensor("s1");
  auto request = [&](std::string id, dm_action_kind kind, json params = json::object()) {
    store.create_request({.req_id = std::move(id),
                          .device = s1,
                          .kind = kind,
                          .params = std::move(params),
                          .created_at = 1'800'000'000,
                          .updated_at = 1'800'000'000,
                          .deadline_at = 1'800'000'060});
  };
  request("a1", dm_action_kind::reboot);
  engine.tick(t0);
  EXPECT_EQ(store.request("a1")->state, dm_request_state::failed);  // not managed yet
  EXPECT_EQ(store.request("a1")->rc, 409);
  EXPECT_TRUE(out.msgs.empty());

  send(store, "mgmt/manage", {{"reqId", "m"}, {"d", {{"supports", {{"deviceActions", true}}}}}}, s1);
  request("a2", dm_action_kind::reboot);
  request("a3", dm_action_kind::custom, {{"bundle", "undeclared"}, {"action", "x"}});
  engine.tick(t0);
  ASSERT_EQ(out.msgs.size(), 1u);
  EXPECT_EQ(out.msgs[0]->topic, "acme01/iotdm-1/type/sensor/id/s1/mgmt/initiate/device/reboot");
  EXPECT_EQ(out.msgs[0]->qos, 1);
  EXPECT_EQ(store.request("a2")->state, dm_request_state::sent);
  EXPECT_EQ(store.request("a3")->state, dm_request_state::failed);
  EXPECT_EQ(store.request("a3")->rc, 403);
  EXPECT_FALSE(engine.on_response(sensor("other"), {.rc = 202, .req_id = "a2-0"}, t0));
  EXPECT_TRUE(engine.on_response(s1, {.rc = 202, .req_id = "a2-0"}, t0));
  EXPECT_EQ(store.request("a2")->state, dm_request_state::in_progress);
  engine.on_manage(s1, t0);
  EXPECT_EQ(store.request("a2")->state, dm_request_state::succeeded);

  request("a4", dm_action_kind::factory_reset);
  engine.tick(t0);
  dm_engine restarted(store, [&out](mqtt::message_ptr m) { out.msgs.push_back(std::move(m)); });
  restarted.resume();  // a new run takes the open request up again
  restarted.tick(t0 + seconds(61));
  EXPECT_EQ(store.request("a4")->state, dm_request_state::timed_out);
}

TEST_F(dm_store_test, engine_firmware_state_rules) {
  dm_store store(*db_);
  published out;
  dm_engine engine(store, [&out](mqtt::message_ptr m) { out.msgs.push_back(std::move(m)); });
  const auto s1 = sensor("s1");
  send(store, "mgmt/manage", {{"reqId", "m"}, {"d", {{"supports", {{"firmwareActions", true}}}}}}, s1);
  auto request = [&](std::string id, dm_action_kind kind, bool override_others = false) {
    store.create_request({.req_id = std::move(id),
                          .device = s1,
                          .kind = kind,
                          .params = {{"uri", "u"}},
                          .override_others = override_others,
                          .created_at = 1,
                          .updated_at = 1,
                          .deadline_at = 1'900'000'000});
  };
  request("f1", dm_action_kind::firmware_download);
  request("f2", dm_action_kind::firmware_download);
  engine.tick(t0);
  EXPECT_EQ(store.request("f1")->state, dm_request_state::sent);
  EXPECT_EQ(store.request("f2")->state, dm_request_state::failed);
  EXPECT_EQ(store.request("f2")->rc, 409);  // one at a time
  request("f3", dm_action_kind::firmware_download, true);
  engine.tick(t0);
  EXPECT_EQ(store.request("f1")->state, dm_request_state::cancelled);
  EXPECT_EQ(store.request("f3")->state, dm_request_state::sent);
  engine.on_response(s1, {.rc = 204, .req_id = "f3-0"}, t0);
  engine.on_response(s1, {.rc = 200, .req_id = "f3-1"}, t0);
  engine.on_response(s1, {.rc = 202, .req_id = "f3-2"}, t0);
  send(store, "notify",
       {{"reqId", "n"},
        {"d", {{"fields", {{{"field", "mgmt.firmware"}, {"value", {{"state", 2}, {"updateStatus", 0}}}}}}}}},
       s1);
  engine.on_firmware(s1, json{{"state", 2}, {"updateStatus", 0}}, t0);
  EXPECT_EQ(json::parse(out.msgs.back()->payload)["reqId"], "f3-4");
  engine.on_response(s1, {.rc = 200, .req_id = "f3-4"}, t0);
  EXPECT_EQ(store.request("f3")->state, dm_request_state::succeeded);
  request("f4", dm_action_kind::firmware_download);  // downloaded already: not idle
  engine.tick(t0);
  EXPECT_EQ(store.request("f4")->state, dm_request_state::failed);
  EXPECT_EQ(store.request("f4")->rc, 400);
  request("f5", dm_action_kind::firmware_update);
  engine.tick(t0);
  EXPECT_EQ(store.request("f5")->state, dm_request_state::sent);
}

}  // namespace
}  // namespace tether::iotp
