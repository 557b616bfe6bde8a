// The network core's drop reasons as Data API error/warning messages (drop_notice.hpp, spec/everynet.md
// B2): each reason its type and text, every reason the core reports in the table, and an unknown one a
// generic error rather than a crash.

#include "application/connector/drop_notice.hpp"
#include "application/connector/data_api_json.hpp"
#include "network/counters.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>

namespace tether::application::connector {
namespace {

struct expected {
  std::string_view reason;
  message_type type;
  std::string_view message;  // for f_cnt 7 and detail "why"
};

// Written out by hand from B2's documented messages, not derived from the table.
constexpr expected cases[] = {
    {"invalid_frame", message_type::error, "uplink 7 dropped: the frame does not parse: why"},
    {"unsupported_frame", message_type::warning,
     "uplink 7 dropped: not an uplink (a join-accept, downlink or proprietary frame): why"},
    {"dedup_full", message_type::warning,
     "uplink 7 dropped: the network server is overloaded (deduplication window full): why"},
    {"overload_shed", message_type::warning,
     "uplink 7 dropped: the network server is overloaded (uplink shed on arrival): why"},
    {"unknown_dev_addr", message_type::error, "uplink 7 dropped: no session with this device address: why"},
    {"mic_failed", message_type::error,
     "uplink 7 dropped: data MIC failed: no session key of the device verifies it: why"},
    {"replay", message_type::error, "uplink 7 dropped: uplink counter not increasing (replay): why"},
    {"fcnt_gap", message_type::error,
     "uplink 7 dropped: counters unrecoverable: the uplink counter jumped beyond the allowed gap: why"},
    {"retransmission", message_type::warning,
     "uplink 7 dropped: repeated uplink counter (already delivered): why"},
    {"unknown_dev_eui", message_type::error,
     "join-request dropped: join for an unknown DevEUI or the wrong AppEUI (JoinEUI): why"},
    {"join_mic_failed", message_type::error,
     "join-request dropped: join MIC failed (the AppKey does not verify it): why"},
    {"dev_nonce_reused", message_type::error, "join-request dropped: DEV_NONCE reused (replay): why"},
    {"no_dev_addr", message_type::error,
     "join-request dropped: network server error on join: no free device address: why"},
    {"join_not_scheduled", message_type::error,
     "join-request dropped: network server error on join: no gateway could send the join-accept: why"},
};

TEST(DropNotice, EachReasonHasItsTypeAndText) {
  for (const auto& c : cases) {
    const auto n = describe_drop(c.reason, "why", 7);
    EXPECT_EQ(n.type, c.type) << c.reason;
    EXPECT_EQ(n.message, c.message) << c.reason;
  }
  EXPECT_EQ(drop_texts().size(), std::size(cases));
}

TEST(DropNotice, EveryDropReasonOfTheNetworkCoreIsInTheTable) {
  std::set<std::string_view> rows;
  for (const auto& row : drop_texts()) {
    EXPECT_TRUE(rows.insert(row.reason).second) << "twice: " << row.reason;
    EXPECT_TRUE(row.type == message_type::error || row.type == message_type::warning) << row.reason;
  }
  // counters.hpp lists the drop reasons from invalid_frame to join_not_scheduled.
  for (auto i = static_cast<unsigned>(network::counter::invalid_frame);
       i <= static_cast<unsigned>(network::counter::join_not_scheduled); ++i) {
    const auto name = network::to_string(static_cast<network::counter>(i));
    EXPECT_TRUE(rows.contains(name)) << "no row for " << name;
  }
}

TEST(DropNotice, NoDetailNoColon) {
  EXPECT_EQ(describe_drop("replay", "", 3).message,
            "uplink 3 dropped: uplink counter not increasing (replay)");
}

TEST(DropNotice, AnUnknownReasonGetsAGenericError) {
  const auto n = describe_drop("cosmic_ray", "bit flip", 9);
  EXPECT_EQ(n.type, message_type::error);
  EXPECT_EQ(n.message, "frame 9 dropped by the network server (cosmic_ray): bit flip");
  EXPECT_EQ(describe_drop("", "", 0).message, "frame 0 dropped by the network server (no reason given)");
}

network::drop_event drop(std::string reason) {
  network::drop_event e;
  e.ids.application_id = "app1";
  e.ids.device_id = "dev1";
  e.reason = std::move(reason);
  e.detail = "counter equals the last accepted one";
  e.f_cnt = 12;
  return e;
}

TEST(DropNotice, RenderDropUsesTheTableAndKeepsTheReasonAsCode) {
  std::vector<data_api_message> out;
  render_drop(drop("retransmission"), {5, false}, out);
  render_drop(drop("something_new"), {6, false}, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].type, message_type::warning);
  const auto warning = nlohmann::json::parse(out[0].json);
  EXPECT_EQ(warning["type"], "warning");
  EXPECT_EQ(warning["params"]["code"], "retransmission");
  EXPECT_EQ(
      warning["params"]["message"],
      "uplink 12 dropped: repeated uplink counter (already delivered): counter equals the last accepted one");
  const auto error = nlohmann::json::parse(out[1].json);
  EXPECT_EQ(error["type"], "error");
  EXPECT_EQ(error["params"]["code"], "something_new");
}

}  // namespace
}  // namespace tether::application::connector
