// The bus appends every event to the event log before a frontend sees it, numbers each
// application's events, delivers on the worker the event came from, and sheds only what a full
// queue cannot take (counted; still in the log).

#include "application/bus.hpp"
#include "storage/event_log.hpp"
#include "temp_dir.hpp"
#include "test_workers.hpp"

#include <gtest/gtest.h>
#include <boost/asio/post.hpp>

#include <future>
#include <map>
#include <mutex>
#include <thread>

namespace tether::application {
namespace {

network::uplink_event uplink(std::string app, std::string dev, std::uint32_t f_cnt) {
  network::uplink_event e;
  e.ids.application_id = std::move(app);
  e.ids.device_id = std::move(dev);
  e.f_port = 1;
  e.f_cnt = f_cnt;
  e.settings.data_rate = network::lora_data_rate{125000, 7, "4/5"};
  return e;
}

struct seen {
  std::string app, dev, kind;
  std::uint32_t f_cnt = 0;
  std::uint64_t seq = 0;
  std::size_t worker = 0;
  std::thread::id thread;
};

// Records what it hears; optionally checks that each event is already durable in the log.
class recording_frontend : public frontend {
 public:
  explicit recording_frontend(storage::event_log* log = nullptr) : log_(log) {}
  void on_join(const network::join_event& e, const event_context& c) override { add(e.ids, "join", 0, c); }
  void on_uplink(const network::uplink_event& e, const event_context& c) override {
    add(e.ids, "up", e.f_cnt, c);
  }
  void on_downlink(const network::downlink_event& e, const event_context& c) override {
    add(e.ids, "down", e.downlink.f_cnt, c);
  }
  std::vector<seen> events() {
    std::lock_guard lock(mutex_);
    return events_;
  }
  std::size_t not_durable() const { return not_durable_; }
  void wait_for(std::size_t n) {
    std::unique_lock lock(mutex_);
    ASSERT_TRUE(cv_.wait_for(lock, std::chrono::seconds(20), [&] { return events_.size() >= n; }))
        << events_.size() << " of " << n;
  }

 private:
  void add(const network::device_ids& ids, const char* kind, std::uint32_t f_cnt, const event_context& c) {
    if (log_ && log_->read(ids.application_id, c.seq - 1, 1).empty()) ++not_durable_;
    std::lock_guard lock(mutex_);
    events_.push_back(
        {ids.application_id, ids.device_id, kind, f_cnt, c.seq, c.worker, std::this_thread::get_id()});
    cv_.notify_all();
  }
  storage::event_log* log_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<seen> events_;
  std::atomic<std::size_t> not_durable_{0};
};

storage::event_log_options no_retention() { return {.max_age = {}, .max_rows_per_stream = 0}; }

TEST(bus, without_workers_frontends_hear_each_event_at_once) {
  bus b;
  recording_frontend f;
  b.attach(f);
  b.on_uplink(uplink("app", "dev", 7));
  network::join_event j;
  j.ids.application_id = "app";
  b.on_join(j);
  auto got = f.events();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].f_cnt, 7u);
  EXPECT_EQ(got[0].seq, 0u);
  EXPECT_EQ(got[0].worker, event_context::any_worker);
  EXPECT_EQ(got[1].kind, "join");
}

TEST(bus, every_event_is_logged_and_numbered_per_application_before_a_frontend_sees_it) {
  test::temp_database tmp;
  storage::event_log log(tmp.path(), no_retention());
  test::workers w(2);
  {
    bus b(&log, w.pointers());
    recording_frontend f(&log);
    b.attach(f);
    w.start();
    // Two shards, each on its own worker, each with its own devices.
    for (std::size_t shard = 0; shard < 2; ++shard) {
      boost::asio::post(w.at(shard), [&b, shard] {
        for (std::uint32_t i = 1; i <= 300; ++i) {
          b.on_uplink(uplink(i % 3 ? "app1" : "app2", "dev" + std::to_string(shard * 10 + i % 5), i));
          if (i % 50 == 0) {
            network::downlink_event d;
            d.ids.application_id = "app1";
            d.ids.device_id = "dev" + std::to_string(shard * 10);
            d.outcome = network::downlink_outcome::sent;
            d.downlink.f_cnt = i;
            b.on_downlink(d);
          }
        }
      });
    }
    f.wait_for(612);
    w.stop();
    EXPECT_EQ(f.not_durable(), 0u);
    EXPECT_EQ(b.counters().appended.load(), 612u);
    EXPECT_EQ(b.counters().delivered.load(), 612u);
    EXPECT_EQ(b.counters().shed.load(), 0u);

    std::map<std::string, std::vector<std::uint64_t>> seqs;
    std::map<std::string, std::uint32_t> last_f_cnt;
    for (const auto& e : f.events()) {
      seqs[e.app].push_back(e.seq);
      // Each device's events arrive in order, on the worker of the shard that sent them.
      if (e.kind == "up") {
        EXPECT_GT(e.f_cnt, last_f_cnt[e.dev]) << e.dev;
        last_f_cnt[e.dev] = e.f_cnt;
        EXPECT_EQ(e.worker, e.dev.size() > 4 ? 1u : 0u) << e.dev;  // dev1x: shard 1
      }
    }
    for (auto& [app, list] : seqs) {
      std::sort(list.begin(), list.end());
      for (std::size_t i = 0; i < list.size(); ++i) ASSERT_EQ(list[i], i + 1) << app;  // 1..n, no gap
    }
    EXPECT_EQ(seqs["app1"].size(), 412u);
    EXPECT_EQ(log.read("app1", 0, 10'000).size(), 412u);
    EXPECT_EQ(log.read("app2", 0, 10'000).size(), 200u);
  }
}

TEST(bus, a_frontend_hears_the_event_on_the_worker_it_came_from) {
  test::temp_database tmp;
  storage::event_log log(tmp.path(), no_retention());
  test::workers w(3);
  bus b(&log, w.pointers());
  recording_frontend f;
  b.attach(f);
  w.start();
  std::vector<std::thread::id> ids(3);
  for (std::size_t i = 0; i < 3; ++i) {
    std::promise<std::thread::id> id;
    boost::asio::post(w.at(i), [&, i] {
      id.set_value(std::this_thread::get_id());
      b.on_uplink(uplink("app", "dev" + std::to_string(i), 1));
    });
    ids[i] = id.get_future().get();
  }
  f.wait_for(3);
  w.stop();
  for (const auto& e : f.events()) {
    const auto i = static_cast<std::size_t>(e.dev.back() - '0');
    EXPECT_EQ(e.worker, i);
    EXPECT_EQ(e.thread, ids[i]);
  }
}

TEST(bus, a_full_queue_makes_a_shard_wait_and_loses_nothing) {
  test::temp_database tmp;
  storage::event_log log(tmp.path(), no_retention());
  test::workers w(1);
  bus b(&log, w.pointers(), {.lane_capacity = 4, .drain_batch = 2});
  recording_frontend f(&log);
  b.attach(f);
  w.start();
  // One handler on the lane's own worker: its drain cannot run until the handler returns.
  boost::asio::post(w.at(0), [&b] {
    for (std::uint32_t i = 1; i <= 100; ++i) b.on_uplink(uplink("app", "dev", i));
  });
  // And from a thread of no worker.
  for (std::uint32_t i = 1; i <= 100; ++i) b.on_uplink(uplink("app", "other", i));
  f.wait_for(200);
  w.stop();
  EXPECT_GT(b.counters().waited.load(), 0u);
  EXPECT_EQ(b.counters().shed.load(), 0u);
  EXPECT_EQ(f.not_durable(), 0u);
  std::map<std::string, std::uint32_t> last;
  for (const auto& e : f.events()) {
    EXPECT_EQ(e.f_cnt, last[e.dev] + 1) << e.dev;
    last[e.dev] = e.f_cnt;
  }
}

TEST(bus, a_report_from_inside_a_hook_is_shed_from_a_full_queue_counted_and_kept_in_the_log) {
  test::temp_database tmp;
  storage::event_log log(tmp.path(), no_retention());
  test::workers w(1);  // not running yet: nothing drains
  bus b(&log, w.pointers(), {.lane_capacity = 4, .drain_batch = 2});
  recording_frontend f;
  b.attach(f);
  for (std::uint32_t i = 1; i <= 10; ++i) {
    network::downlink_event d;
    d.ids.application_id = "app";
    d.ids.device_id = "dev";
    d.outcome = network::downlink_outcome::failed;
    d.downlink.f_cnt = i;
    b.report_downlink(d);
  }
  EXPECT_EQ(b.counters().shed.load(), 6u);
  log.sync();
  EXPECT_EQ(log.read("app", 0, 100).size(), 10u);
  w.start();
  f.wait_for(4);
  w.stop();
  auto got = f.events();
  ASSERT_EQ(got.size(), 4u);
  for (std::uint32_t i = 0; i < 4; ++i) EXPECT_EQ(got[i].seq, i + 1);
}

}  // namespace
}  // namespace tether::application
