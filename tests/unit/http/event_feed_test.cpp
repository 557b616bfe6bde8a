// The event feed over a real event log: request parsing and its refusals, one device's events out of
// its application's stream, resuming after any number with nothing missed or repeated, gaps trimmed
// by retention shown as `missing`, and pieces bounded in size.

#include "http/event_feed.hpp"

#include "../application/temp_dir.hpp"
#include "application/event_stream.hpp"
#include "storage/cursor_store.hpp"
#include "storage/event_log.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace tether::http {
namespace {

constexpr std::int64_t t0 = 1'700'000'000'000'000'000;
using seen_event = std::pair<std::uint64_t, std::string>;

network::uplink_event uplink(const std::string& device, std::uint32_t f_cnt) {
  network::uplink_event e;
  e.ids.application_id = "app1";
  e.ids.device_id = device;
  e.f_cnt = f_cnt;
  e.f_port = 1;
  e.settings.data_rate = network::lora_data_rate{125000, 7, "4/5"};
  return e;
}

// The ids of the events in SSE text, with their event names.
std::vector<std::pair<std::uint64_t, std::string>> events_in(const std::string& text) {
  std::vector<std::pair<std::uint64_t, std::string>> out;
  static const std::regex block("id: (\\d+)\nevent: ([a-z/]+)\ndata: [^\n]+\n\n");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), block); it != std::sregex_iterator(); ++it) {
    out.emplace_back(std::stoull((*it)[1]), (*it)[2]);
  }
  return out;
}

struct fixture {
  application::test::temp_database tmp;
  storage::event_log log{tmp.path(), {.max_age = {}, .max_rows_per_stream = 0}};
  storage::cursor_store cursors{tmp.path()};
  application::event_stream stream{log, cursors};
  void append(const application::application_event& e) {
    log.append(application::stream_of(e), application::encode_event(e), t0);
  }
};

feed_request parsed(std::string_view target, std::string_view last_event_id = "") {
  auto r = parse_feed_request({.target = target, .last_event_id = last_event_id});
  EXPECT_TRUE(std::holds_alternative<feed_request>(r)) << std::get<response>(r).body;
  return std::get<feed_request>(r);
}

unsigned refused(std::string_view target, std::string_view last_event_id = "") {
  auto r = parse_feed_request({.target = target, .last_event_id = last_event_id});
  return std::holds_alternative<response>(r) ? std::get<response>(r).status : 0;
}

TEST(event_feed, requests_name_one_application_device_or_gateway) {
  auto r = parsed("/api/v1/events?application=app1&device=dev-1", "12");
  EXPECT_EQ(r.filter.stream(), "app1");
  EXPECT_EQ(r.filter.device_id, "dev-1");
  EXPECT_EQ(r.last_event_id, 12u);
  r = parsed("/api/v1/events?gateway=gw1");
  EXPECT_EQ(r.filter.stream(), "gateway:gw1");
  EXPECT_FALSE(r.last_event_id);
  EXPECT_EQ(refused("/api/v1/events"), 400u);
  EXPECT_EQ(refused("/api/v1/events?application=app1&gateway=gw1"), 400u);
  EXPECT_EQ(refused("/api/v1/events?device=dev1"), 400u);
  EXPECT_EQ(refused("/api/v1/events?gateway=gw1&device=dev1"), 400u);
  EXPECT_EQ(refused("/api/v1/events?application=a"), 400u);  // too short
  EXPECT_EQ(refused("/api/v1/events?application=gateway:gw1"), 400u);
  EXPECT_EQ(refused("/api/v1/events?application=app1&application=app2"), 400u);
  EXPECT_EQ(refused("/api/v1/events?application=app1&x=1"), 400u);
  EXPECT_EQ(refused("/api/v1/events?application=app1", "-1"), 400u);
  EXPECT_EQ(refused("/api/v1/events?application=app1", "1x"), 400u);
}

TEST(event_feed, a_device_feed_resumes_after_any_number_without_gap_or_repeat) {
  fixture f;
  for (std::uint32_t i = 1; i <= 6; ++i) f.append(uplink(i % 2 ? "dev-a" : "dev-b", i));
  f.log.sync();
  feed_filter only_a{.application_id = "app1", .device_id = "dev-a"};
  event_feed all(f.stream, only_a, 0);
  const auto seen = events_in(all.next(1 << 20));
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0], seen_event(1, "up"));
  EXPECT_EQ(seen[2].first, 5u);
  EXPECT_EQ(all.next(1 << 20), "");  // caught up
  EXPECT_EQ(all.position(), "6");

  event_feed resumed(f.stream, only_a, 3);
  const auto rest = events_in(resumed.next(1 << 20));
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].first, 5u);

  f.append(uplink("dev-a", 7));
  f.log.sync();
  EXPECT_EQ(events_in(all.next(1 << 20)), (std::vector<std::pair<std::uint64_t, std::string>>{{7, "up"}}));
}

TEST(event_feed, pieces_stop_near_the_limit_and_the_next_one_goes_on) {
  fixture f;
  for (std::uint32_t i = 1; i <= 50; ++i) f.append(uplink("dev-a", i));
  f.log.sync();
  event_feed feed(f.stream, {.application_id = "app1"}, 0);
  std::vector<std::uint64_t> ids;
  for (int round = 0; round < 100; ++round) {
    const auto piece = feed.next(1000);
    if (piece.empty()) break;
    EXPECT_LT(piece.size(), 2000u);  // one event over the limit at most
    for (const auto& [id, name] : events_in(piece)) ids.push_back(id);
  }
  ASSERT_EQ(ids.size(), 50u);
  for (std::size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(ids[i], i + 1);
}

TEST(event_feed, events_trimmed_before_they_were_read_come_as_missing) {
  application::test::temp_database tmp;
  storage::event_log log(tmp.path(), {.max_age = {}, .max_rows_per_stream = 2});
  storage::cursor_store cursors(tmp.path());
  application::event_stream stream(log, cursors);
  for (std::uint32_t i = 1; i <= 5; ++i) log.append("app1", application::encode_event(uplink("d1", i)), t0);
  log.trim(t0);  // keeps 4 and 5
  event_feed feed(stream, {.application_id = "app1"}, 0);
  const auto text = feed.next(1 << 20);
  EXPECT_NE(text.find("id: 3\nevent: missing\ndata: {\"missing\":3}\n\n"), std::string::npos) << text;
  const auto seen = events_in(text);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[1], seen_event(4, "up"));
}

TEST(event_feed, gateway_and_drop_events_have_their_names_and_json) {
  fixture f;
  f.append(network::gateway_event{.kind = network::gateway_event_kind::connect,
                                  .gateway_id = "gw1",
                                  .protocol = "ttsv3",
                                  .remote_address = "127.0.0.1:1"});
  f.append(network::gateway_event{
      .kind = network::gateway_event_kind::drop, .gateway_id = "gw1", .reason = "malformed uplink"});
  network::drop_event d;
  d.ids = uplink("dev-a", 1).ids;
  d.reason = "replay";
  d.f_cnt = 3;
  f.append(d);
  f.log.sync();
  event_feed gw(f.stream, {.gateway_id = "gw1"}, 0);
  const auto text = gw.next(1 << 20);
  EXPECT_NE(text.find("id: 1\nevent: gateway/connect\ndata: {\"gateway_ids\":{\"gateway_id\":\"gw1\"},"
                      "\"protocol\":\"ttsv3\",\"remote_address\":\"127.0.0.1:1\"}\n\n"),
            std::string::npos)
      << text;
  EXPECT_NE(
      text.find("event: gateway/drop\ndata: {\"gateway_ids\":{\"gateway_id\":\"gw1\"},\"reason\":\"malformed "
                "uplink\"}"),
      std::string::npos)
      << text;
  event_feed dev(f.stream, {.application_id = "app1", .device_id = "dev-a"}, 0);
  const auto drop = dev.next(1 << 20);
  EXPECT_NE(drop.find("event: drop\n"), std::string::npos);
  EXPECT_NE(drop.find("\"drop\":{\"reason\":\"replay\",\"f_cnt\":3}"), std::string::npos) << drop;
}

}  // namespace
}  // namespace tether::http
