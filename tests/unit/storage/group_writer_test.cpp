#include "storage/group_writer.hpp"

#include "temp_database.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>
#include <vector>

namespace tether::storage {
namespace {

// Appends numbers to a table, one row per change.
class numbers final : public group_source {
 public:
  numbers(const std::string& path, group_writer_options options) : writer(path, options, "numbers") {
    writer.db().exec("CREATE TABLE IF NOT EXISTS numbers (n INTEGER NOT NULL)");
    writer.start(*this);
  }
  ~numbers() override { writer.stop(); }

  std::uint64_t add(int n) {
    return writer.record([&] {
      pending.push_back(n);
      return 1;
    });
  }
  void take_group() override { group.swap(pending); }
  void write_group(database& db) override {
    auto insert = db.prepare("INSERT INTO numbers (n) VALUES (?1)");
    for (int n : group) insert.bind(1, n).run();
    group.clear();
  }
  std::int64_t count() {
    return writer.exclusive([](database& db) {
      auto q = db.prepare("SELECT count(*) FROM numbers");
      q.step();
      return q.column_int(0);
    });
  }

  group_writer writer;
  std::vector<int> pending, group;
};

TEST(group_writer, many_producers_share_few_commits_and_every_ticket_completes) {
  test::temp_database tmp;
  numbers store(tmp.path(), {});
  constexpr int producers = 4, each = 5000;
  std::atomic<int> durable = 0;
  std::vector<std::thread> threads;
  for (int p = 0; p < producers; ++p) {
    threads.emplace_back([&] {
      for (int i = 0; i < each; ++i) store.writer.when_durable(store.add(i), [&] { ++durable; });
    });
  }
  for (auto& t : threads) t.join();
  store.writer.sync();
  EXPECT_EQ(durable, producers * each);
  EXPECT_EQ(store.count(), producers * each);
  EXPECT_LT(store.writer.commits(), static_cast<std::uint64_t>(producers * each));
}

TEST(group_writer, a_full_queue_makes_producers_wait_and_loses_nothing) {
  test::temp_database tmp;
  numbers store(tmp.path(), {.max_pending = 2});
  // Stall the writer on the first group so that the queue fills up.
  std::promise<void> entered, release;
  store.writer.when_durable(1, [&] {
    entered.set_value();
    release.get_future().wait();
  });
  store.add(0);
  entered.get_future().wait();
  store.add(1);
  store.add(2);  // the queue holds two now
  auto blocked = std::async(std::launch::async, [&] { return store.add(3); });
  EXPECT_EQ(blocked.wait_for(std::chrono::milliseconds(100)), std::future_status::timeout);
  release.set_value();
  EXPECT_EQ(blocked.get(), 4u);
  store.writer.sync();
  EXPECT_EQ(store.count(), 4);
}

TEST(group_writer, stop_writes_what_is_queued) {
  test::temp_database tmp;
  {
    numbers store(tmp.path(), {});
    for (int i = 0; i < 1000; ++i) store.add(i);
  }
  numbers store(tmp.path(), {});
  EXPECT_EQ(store.count(), 1000);
}

}  // namespace
}  // namespace tether::storage
