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

TEST(event_log, numbers_each_stream_and_reads_it_in_order) {
  test::temp_database tmp;
  event_log log(tmp.path(), no_retention());
  EXPECT_EQ(log.append("app1", "a", t0).seq, 1u);
  EXPECT_EQ(log.append("app2", "b", t0 + 1).seq, 1u);
  const auto third = log.append("app1", std::string("c\0d", 3), t0 + 2);
  EXPECT_EQ(third.seq, 2u);
  EXPECT_EQ(third.ticket, 3u);  // tickets count appends over all streams
  log.sync();
  auto all = log.read("app1", 0, 100);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0], (event_log_entry{1, "app1", t0, "a"}));
  EXPECT_EQ(all[1], (event_log_entry{2, "app1", t0 + 2, std::string("c\0d", 3)}));
  EXPECT_EQ(log.read("app1", 1, 100).size(), 1u);
  EXPECT_EQ(log.read("app1", 0, 1).size(), 1u);
  EXPECT_TRUE(log.read("nope", 0, 10).empty());
  EXPECT_EQ(log.last_durable_seq("app1"), 2u);
  EXPECT_EQ(log.last_durable_seq("nope"), 0u);
}

TEST(event_log, numbers_continue_after_reopening_and_are_never_reused) {
  test::temp_database tmp;
  {
    event_log log(tmp.path(), {.max_age = std::chrono::seconds(10), .max_rows_per_stream = 0});
    log.append("s", "1", t0);
    log.append("s", "2", t0);
    EXPECT_EQ(log.trim(t0 + 11 * second), 2u);  // the log is empty now
    EXPECT_EQ(log.last_durable_seq("s"), 2u);
  }
  event_log log(tmp.path(), no_retention());
  EXPECT_EQ(log.append("s", "3", t0).seq, 3u);
  EXPECT_EQ(log.append("t", "1", t0).seq, 1u);
  log.sync();
  auto s = log.read("s", 0, 10);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].seq, 3u);
  EXPECT_EQ(s[0].payload, "3");
}

TEST(event_log, when_durable_takes_the_ticket) {
  test::temp_database tmp;
  {
    event_log log(tmp.path(), no_retention());
    log.append("s", "x", t0);
  }
  event_log log(tmp.path(), no_retention());
  auto appended = log.append("s", "y", t0);
  ASSERT_EQ(appended.seq, 2u);
  ASSERT_EQ(appended.ticket, 1u);  // tickets count appends since this start
  std::promise<void> durable;
  log.when_durable(appended.ticket, [&] { durable.set_value(); });
  durable.get_future().wait();
  EXPECT_EQ(log.read("s", 1, 10).size(), 1u);  // visible to readers once durable
  bool at_once = false;
  log.when_durable(1, [&] { at_once = true; });
  EXPECT_TRUE(at_once);
}

TEST(event_log, many_threads_append_and_each_stream_stays_numbered_without_gaps) {
  test::temp_database tmp;
  event_log log(tmp.path(), no_retention());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&log, t] {
      for (int i = 0; i < 500; ++i) log.append(t % 2 ? "odd" : "even", std::to_string(t), t0);
    });
  }
  for (auto& t : threads) t.join();
  log.sync();
  for (const auto* stream : {"odd", "even"}) {
    auto all = log.read(stream, 0, 10'000);
    ASSERT_EQ(all.size(), 1000u);
    for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].seq, i + 1);
  }
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
  EXPECT_EQ(a[0].seq, 8u);  // numbers stay: a reader after 2 sees 3..7 missing
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
