#include "storage/event_log.hpp"

#include "temp_database.hpp"

#include <gtest/gtest.h>

#include <future>
#include <thread>

namespace tether::storage {
namespace {

constexpr std::int64_t t0 = 1'700'000'000'000'000'000;
constexpr std::int64_t second = 1'000'000'000;

event_log_options no_retention() { return {.max_age = {}, .max_rows_per_stream = 0}; }

TEST(event_log, appends_and_reads_per_stream_in_order) {
  test::temp_database tmp;
  event_log log(tmp.path(), no_retention());
  EXPECT_EQ(log.append("app1/up", "a", t0), 1u);
  EXPECT_EQ(log.append("app2/up", "b", t0 + 1), 2u);
  EXPECT_EQ(log.append("app1/up", std::string("c\0d", 3), t0 + 2), 3u);
  log.sync();
  auto all = log.read("app1/up", 0, 100);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0], (event_log_entry{1, "app1/up", t0, "a"}));
  EXPECT_EQ(all[1], (event_log_entry{3, "app1/up", t0 + 2, std::string("c\0d", 3)}));
  EXPECT_EQ(log.read("app1/up", 1, 100).size(), 1u);
  EXPECT_EQ(log.read("app1/up", 0, 1).size(), 1u);
  EXPECT_TRUE(log.read("nope", 0, 10).empty());
}

TEST(event_log, seqs_continue_after_reopening_and_are_never_reused) {
  test::temp_database tmp;
  {
    event_log log(tmp.path(), {.max_age = std::chrono::seconds(10), .max_rows_per_stream = 0});
    log.append("s", "1", t0);
    log.append("s", "2", t0);
    EXPECT_EQ(log.trim(t0 + 11 * second), 2u);  // the log is empty now
  }
  event_log log(tmp.path(), no_retention());
  EXPECT_EQ(log.append("s", "3", t0), 3u);
  log.sync();
  EXPECT_EQ(log.read("s", 0, 10).at(0).payload, "3");
}

TEST(event_log, when_durable_takes_the_seq) {
  test::temp_database tmp;
  {
    event_log log(tmp.path(), no_retention());
    log.append("s", "x", t0);
  }
  event_log log(tmp.path(), no_retention());
  auto seq = log.append("s", "y", t0);
  ASSERT_EQ(seq, 2u);
  std::promise<void> durable;
  log.when_durable(seq, [&] { durable.set_value(); });
  durable.get_future().wait();
  EXPECT_EQ(log.read("s", 1, 10).size(), 1u);  // visible to readers once durable
  bool at_once = false;
  log.when_durable(1, [&] { at_once = true; });  // from before the restart
  EXPECT_TRUE(at_once);
}

TEST(event_log, trims_by_age) {
  test::temp_database tmp;
  event_log log(tmp.path(), {.max_age = std::chrono::seconds(60), .max_rows_per_stream = 0});
  for (int i = 0; i < 10; ++i) log.append(i % 2 ? "a" : "b", "p", t0 + i * 10 * second);
  // At t0 + 120 s, entries before t0 + 60 s are older than 60 s: i = 0..5.
  EXPECT_EQ(log.trim(t0 + 120 * second), 6u);
  auto a = log.read("a", 0, 100);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].at, t0 + 70 * second);
  EXPECT_EQ(log.read("b", 0, 100).size(), 2u);
}

TEST(event_log, trims_each_stream_to_its_newest_rows) {
  test::temp_database tmp;
  event_log log(tmp.path(), {.max_age = {}, .max_rows_per_stream = 3});
  for (int i = 0; i < 10; ++i) log.append("a", std::to_string(i), t0);
  log.append("b", "only", t0);
  EXPECT_EQ(log.trim(t0), 7u);
  auto a = log.read("a", 0, 100);
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[0].payload, "7");
  EXPECT_EQ(a[2].payload, "9");
  EXPECT_EQ(log.read("b", 0, 100).size(), 1u);
}

TEST(event_log, the_writer_trims_periodically) {
  test::temp_database tmp;
  event_log log(tmp.path(),
                {.max_age = {}, .max_rows_per_stream = 2, .trim_interval = std::chrono::milliseconds(10)});
  for (int i = 0; i < 5; ++i) log.append("a", std::to_string(i), t0);
  log.sync();
  for (int tries = 0; tries < 500 && log.read("a", 0, 100).size() > 2; ++tries) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(log.read("a", 0, 100).size(), 2u);
}

}  // namespace
}  // namespace tether::storage
