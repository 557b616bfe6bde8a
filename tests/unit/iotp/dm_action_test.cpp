// Server → device requests as a state machine (spec A3 sequences, A5's full mgmt.firmware first).

#include "iotp/dm_action.hpp"

#include <gtest/gtest.h>

namespace tether::iotp {
namespace {

using nlohmann::json;

dm_action make(dm_action_kind kind, json params = json::object()) {
  return dm_action(
      dm_request{.req_id = "r1", .device = {"abc123", "t", "d1"}, .kind = kind, .params = std::move(params)});
}

dm_device_response answer(int rc, int step) { return {.rc = rc, .req_id = step_req_id("r1", step)}; }

json payload(const dm_step& s, std::size_t i = 0) { return json::parse(s.send.at(i).payload); }

TEST(dm_action, req_ids) {
  EXPECT_EQ(step_req_id("ab12", 3), "ab12-3");
  auto p = split_req_id("ab12-3");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->first, "ab12");
  EXPECT_EQ(p->second, 3);
  EXPECT_FALSE(split_req_id("ab12"));
  EXPECT_FALSE(split_req_id("ab12-x"));
  EXPECT_FALSE(split_req_id("-1"));
}

TEST(dm_action, reboot_completes_on_the_next_manage) {
  auto a = make(dm_action_kind::reboot);
  auto s = a.start(nullptr, "t");
  ASSERT_EQ(s.send.size(), 1u);
  EXPECT_EQ(s.send[0].rest, "mgmt/initiate/device/reboot");
  EXPECT_EQ(payload(s), json::parse(R"({"reqId":"r1-0"})"));
  EXPECT_EQ(a.request().state, dm_request_state::sent);
  EXPECT_TRUE(a.on_manage().send.empty());  // not yet accepted
  EXPECT_EQ(a.request().state, dm_request_state::sent);
  EXPECT_TRUE(a.on_response(0, answer(202, 0)).changed);
  EXPECT_EQ(a.request().state, dm_request_state::in_progress);
  EXPECT_FALSE(a.on_response(0, answer(202, 0)).changed);  // a repeat is ignored
  EXPECT_TRUE(a.on_manage().changed);
  EXPECT_EQ(a.request().state, dm_request_state::succeeded);
}

TEST(dm_action, factory_reset_refused) {
  auto a = make(dm_action_kind::factory_reset);
  EXPECT_EQ(a.start(nullptr, "t").send[0].rest, "mgmt/initiate/device/factory_reset");
  a.on_response(0, {.rc = 501, .req_id = "r1-0", .message = "no"});
  EXPECT_EQ(a.request().state, dm_request_state::failed);
  EXPECT_EQ(a.request().rc, 501);
  EXPECT_NE(a.request().message.find("no"), std::string::npos);
}

TEST(dm_action, custom) {
  auto a =
      make(dm_action_kind::custom, {{"bundle", "b1"}, {"action", "blink"}, {"params", {{"times", "3"}}}});
  auto s = a.start(nullptr, "t");
  EXPECT_EQ(s.send[0].rest, "mgmt/custom/b1/blink");
  EXPECT_EQ(payload(s)["d"]["times"], "3");
  a.on_response(0, answer(200, 0));
  EXPECT_EQ(a.request().state, dm_request_state::succeeded);
}

TEST(dm_action, firmware_download_sequence) {
  auto a = make(dm_action_kind::firmware_download, {{"uri", "http://x/fw.bin"}, {"version", "2.0"}});
  auto s = a.start(json{{"name", "old"}}, "2026-12-08T00:00:00.000Z");
  EXPECT_EQ(s.send[0].rest, "device/update");
  const auto value = payload(s)["d"]["fields"][0]["value"];
  for (const char* key : {"version", "name", "uri", "verifier", "state", "updateStatus", "updatedDateTime"}) {
    EXPECT_TRUE(value.contains(key)) << key;
  }
  EXPECT_EQ(value["uri"], "http://x/fw.bin");
  EXPECT_EQ(value["name"], "old");
  EXPECT_EQ(value["state"], 0);
  s = a.on_response(0, answer(204, 0));
  EXPECT_EQ(s.send.at(0).rest, "observe");
  s = a.on_response(1, answer(200, 1));
  EXPECT_EQ(s.send.at(0).rest, "mgmt/initiate/firmware/download");
  EXPECT_EQ(payload(s)["reqId"], "r1-2");
  a.on_response(2, answer(202, 2));
  EXPECT_EQ(a.request().state, dm_request_state::in_progress);
  EXPECT_TRUE(a.on_firmware(json{{"state", 1}, {"updateStatus", 0}}).send.empty());
  s = a.on_firmware(json{{"state", 2}, {"updateStatus", 0}});
  EXPECT_EQ(s.send.at(0).rest, "cancel");
  EXPECT_FALSE(a.finished());
  a.on_response(4, answer(200, 4));
  EXPECT_EQ(a.request().state, dm_request_state::succeeded);
}

TEST(dm_action, firmware_download_refused_or_failing) {
  auto a = make(dm_action_kind::firmware_download, {{"uri", "u"}});
  a.start(nullptr, "t");
  a.on_response(0, answer(204, 0));
  a.on_response(1, answer(200, 1));
  auto s = a.on_response(2, answer(400, 2));
  EXPECT_EQ(a.request().state, dm_request_state::failed);
  EXPECT_EQ(a.request().rc, 400);
  EXPECT_EQ(s.send.at(0).rest, "cancel");  // the observation ends

  auto b = make(dm_action_kind::firmware_download, {{"uri", "u"}});
  b.start(nullptr, "t");
  b.on_response(0, answer(204, 0));
  b.on_response(1, answer(200, 1));
  b.on_response(2, answer(202, 2));
  b.on_firmware(json{{"state", 0}, {"updateStatus", 4}});
  b.on_response(5, answer(200, 5));
  EXPECT_EQ(b.request().state, dm_request_state::failed);
  EXPECT_NE(b.request().message.find("verification failed"), std::string::npos);
}

TEST(dm_action, firmware_update_sequence) {
  auto a = make(dm_action_kind::firmware_update);
  auto s = a.start(json{{"version", "2.0"}, {"state", 2}, {"updateStatus", 0}}, "t");
  EXPECT_EQ(payload(s)["d"]["fields"][0]["value"]["state"], 2);
  a.on_response(0, answer(204, 0));
  s = a.on_response(1, answer(200, 1));
  EXPECT_EQ(s.send.at(0).rest, "mgmt/initiate/firmware/update");
  a.on_response(2, answer(202, 2));
  EXPECT_TRUE(a.on_firmware(json{{"state", 2}, {"updateStatus", 1}}).send.empty());
  s = a.on_firmware(json{{"state", 0}, {"updateStatus", 0}});
  EXPECT_EQ(s.send.at(0).rest, "cancel");
  a.on_response(4, answer(200, 4));
  EXPECT_EQ(a.request().state, dm_request_state::succeeded);
}

TEST(dm_action, timeout) {
  auto a = make(dm_action_kind::firmware_update);
  a.start(nullptr, "t");
  a.on_response(0, answer(204, 0));
  auto s = a.expire();
  EXPECT_EQ(a.request().state, dm_request_state::timed_out);
  EXPECT_EQ(s.send.at(0).rest, "cancel");
  EXPECT_FALSE(a.expire().changed);
}

TEST(dm_action, names) {
  for (auto k : {dm_action_kind::reboot, dm_action_kind::factory_reset, dm_action_kind::firmware_download,
                 dm_action_kind::firmware_update, dm_action_kind::custom}) {
    EXPECT_EQ(parse_action_kind(to_string(k)), k);
  }
  EXPECT_EQ(to_string(dm_request_state::timed_out), "timed_out");
  EXPECT_TRUE(is_final(dm_request_state::cancelled));
  EXPECT_FALSE(is_final(dm_request_state::in_progress));
}

}  // namespace
}  // namespace tether::iotp
