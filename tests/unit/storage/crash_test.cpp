// What was reported durable survives the process dying at once (no destructors, no sync): a child
// process writes, waits for when_durable, and _exits while its writer thread still runs.

#include "storage/device_session_store.hpp"
#include "storage/downlink_queue_store.hpp"
#include "storage/event_log.hpp"
#include "temp_database.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <future>

namespace tether::storage {
namespace {

// Runs `body` in a child process that then dies with _exit(0); true when it got there.
template <class Body>
bool in_child_that_dies(Body body) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    body();
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

template <class Store>
void wait_durable(Store& store, std::uint64_t ticket) {
  std::promise<void> durable;
  store.when_durable(ticket, [&] { durable.set_value(); });
  durable.get_future().wait();
}

TEST(crash, durable_device_sessions_survive_an_abrupt_exit) {
  test::temp_database tmp;
  ASSERT_TRUE(in_child_that_dies([&] {
    auto* store = new device_session_store(tmp.path());  // never destroyed
    device_session s;
    s.application_id = "app";
    std::uint64_t last = 0;
    for (int i = 0; i < 500; ++i) {
      s.device_id = "dev-" + std::to_string(i);
      s.f_cnt_up = static_cast<std::uint32_t>(i);
      last = store->put(s);
    }
    wait_durable(*store, last);
  }));
  device_session_store store(tmp.path());
  EXPECT_EQ(store.load_all().size(), 500u);
}

TEST(crash, durable_downlinks_and_events_survive_an_abrupt_exit) {
  test::temp_database tmp;
  ASSERT_TRUE(in_child_that_dies([&] {
    auto* queue = new downlink_queue_store(tmp.path());
    auto* log = new event_log(tmp.path());
    std::uint64_t ticket = 0;
    for (int i = 0; i < 100; ++i) ticket = queue->push("app", "dev", {downlink_item{}})->ticket;
    wait_durable(*queue, ticket);
    std::uint64_t ticket_of_last = 0;
    for (int i = 0; i < 100; ++i) ticket_of_last = log->append("s", "event", i).ticket;
    wait_durable(*log, ticket_of_last);
  }));
  downlink_queue_store queue(tmp.path());
  EXPECT_EQ(queue.size("app", "dev"), 100u);
  event_log log(tmp.path());
  EXPECT_EQ(log.read("s", 0, 1000).size(), 100u);
}

}  // namespace
}  // namespace tether::storage
