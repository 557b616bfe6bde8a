// A reader resumes from its stored cursor; what retention trimmed before it read shows as missing.

#include "application/event_stream.hpp"
#include "storage/cursor_store.hpp"
#include "storage/event_log.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

namespace tether::application {
namespace {

constexpr std::int64_t t0 = 1'700'000'000'000'000'000;

network::uplink_event uplink(std::uint32_t f_cnt) {
  network::uplink_event e;
  e.ids.application_id = "app";
  e.ids.device_id = "dev";
  e.f_cnt = f_cnt;
  e.settings.data_rate = network::lora_data_rate{125000, 7, "4/5"};
  return e;
}

std::uint32_t f_cnt_of(const stream_event& e) { return std::get<network::uplink_event>(e.event).f_cnt; }

TEST(event_stream, a_reader_reads_batches_after_its_saved_cursor) {
  test::temp_database tmp;
  storage::event_log log(tmp.path(), {.max_age = {}, .max_rows_per_stream = 0});
  storage::cursor_store cursors(tmp.path());
  event_stream stream(log, cursors);
  for (std::uint32_t i = 1; i <= 5; ++i) log.append("app", encode_event(uplink(i)), t0 + i);
  log.sync();

  auto after = stream.load_cursor("c", "app");
  EXPECT_EQ(after, 0u);
  auto batch = stream.read("app", after, 3);
  ASSERT_EQ(batch.events.size(), 3u);
  EXPECT_EQ(batch.events[0].seq, 1u);
  EXPECT_EQ(batch.events[0].logged_at, t0 + 1);
  EXPECT_EQ(f_cnt_of(batch.events[2]), 3u);
  EXPECT_EQ(batch.last_seq, 3u);
  EXPECT_EQ(batch.missing, 0u);
  stream.save_cursor("c", "app", batch.last_seq);

  event_stream again(log, cursors);  // as after a restart
  batch = again.read("app", again.load_cursor("c", "app"), 100);
  ASSERT_EQ(batch.events.size(), 2u);
  EXPECT_EQ(f_cnt_of(batch.events[0]), 4u);
  EXPECT_EQ(batch.last_seq, 5u);
  batch = again.read("app", 5, 100);
  EXPECT_TRUE(batch.events.empty());
  EXPECT_EQ(batch.last_seq, 5u);  // nothing new: the cursor stays
  EXPECT_EQ(again.last_seq("app"), 5u);
}

TEST(event_stream, events_trimmed_before_they_were_read_are_counted_missing) {
  test::temp_database tmp;
  storage::event_log log(tmp.path(), {.max_age = {}, .max_rows_per_stream = 3});
  storage::cursor_store cursors(tmp.path());
  event_stream stream(log, cursors);
  for (std::uint32_t i = 1; i <= 10; ++i) log.append("app", encode_event(uplink(i)), t0);
  log.trim(t0);  // keeps 8, 9, 10
  auto batch = stream.read("app", 2, 100);
  ASSERT_EQ(batch.events.size(), 3u);
  EXPECT_EQ(batch.events[0].seq, 8u);
  EXPECT_EQ(batch.missing, 5u);  // 3..7
  EXPECT_EQ(batch.last_seq, 10u);

  storage::event_log_options by_age{.max_age = std::chrono::seconds(1), .max_rows_per_stream = 0};
  storage::event_log aging(tmp.path(), by_age);
  aging.trim(t0 + 2'000'000'000);  // everything
  batch = event_stream(aging, cursors).read("app", 9, 100);
  EXPECT_TRUE(batch.events.empty());
  EXPECT_EQ(batch.missing, 1u);  // 10
  EXPECT_EQ(batch.last_seq, 10u);
}

TEST(event_stream, an_unreadable_entry_is_counted_and_passed) {
  test::temp_database tmp;
  storage::event_log log(tmp.path(), {.max_age = {}, .max_rows_per_stream = 0});
  storage::cursor_store cursors(tmp.path());
  event_stream stream(log, cursors);
  log.append("app", encode_event(uplink(1)), t0);
  log.append("app", "\x09garbage", t0);
  log.append("app", encode_event(uplink(3)), t0);
  log.sync();
  auto batch = stream.read("app", 0, 100);
  ASSERT_EQ(batch.events.size(), 2u);
  EXPECT_EQ(batch.events[1].seq, 3u);
  EXPECT_EQ(batch.missing, 1u);
  EXPECT_EQ(batch.last_seq, 3u);
}

}  // namespace
}  // namespace tether::application
