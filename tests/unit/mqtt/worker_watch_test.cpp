// The worker's deadline sweep over its intrusive list of watches: every watch is checked, a watch
// may unwatch itself or others while the sweep runs, and unwatching twice is harmless.

#include "mqtt/worker_pool.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

namespace tether::mqtt {
namespace {

class counting_watch : public deadline_watch {
 public:
  explicit counting_watch(worker& home) : home_(home) {}
  void check_deadline(std::chrono::steady_clock::time_point) override {
    ++checks;
    for (auto* w : unwatch_on_check) home_.unwatch(w);
  }
  int checks = 0;
  std::vector<deadline_watch*> unwatch_on_check;

 private:
  worker& home_;
};

// One sweep runs within 250 ms of start_sweeping.
void run_one_sweep(worker& w) {
  w.start_sweeping();
  w.context().run_for(std::chrono::milliseconds(350));
}

TEST(worker_watch, sweep_checks_every_watch_once) {
  worker w(0);
  counting_watch a(w), b(w), c(w);
  w.watch(&a);
  w.watch(&b);
  w.watch(&c);
  run_one_sweep(w);
  EXPECT_EQ(a.checks, 1);
  EXPECT_EQ(b.checks, 1);
  EXPECT_EQ(c.checks, 1);
}

TEST(worker_watch, unwatched_is_not_checked_and_unwatch_twice_is_harmless) {
  worker w(0);
  counting_watch a(w), b(w), c(w);
  w.watch(&a);
  w.watch(&b);
  w.watch(&c);
  w.unwatch(&b);
  w.unwatch(&b);
  w.unwatch(&a);
  run_one_sweep(w);
  EXPECT_EQ(a.checks, 0);
  EXPECT_EQ(b.checks, 0);
  EXPECT_EQ(c.checks, 1);
}

TEST(worker_watch, a_check_may_unwatch_itself_and_the_next_watch) {
  worker w(0);
  counting_watch a(w), b(w), c(w);
  w.watch(&a);  // the list runs c, b, a (newest first)
  w.watch(&b);
  w.watch(&c);
  c.unwatch_on_check = {&c, &b};  // a connection that closes itself and another
  run_one_sweep(w);
  EXPECT_EQ(c.checks, 1);
  EXPECT_EQ(b.checks, 0);
  EXPECT_EQ(a.checks, 1);
  w.watch(&c);  // watchable again once unwatched
  run_one_sweep(w);
  EXPECT_EQ(c.checks, 2);
  EXPECT_EQ(a.checks, 2);
}

}  // namespace
}  // namespace tether::mqtt
