// The worker's epoll set for plain TCP sockets: edge-triggered readiness reaches the target, a
// target removed while its batch is dispatched hears nothing more, and a full batch does not strand
// the events after it.

#include "mqtt/worker_pool.hpp"

#include <gtest/gtest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <vector>

namespace tether::mqtt {
namespace {

struct socket_pair {
  socket_pair() { EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0); }
  socket_pair(const socket_pair&) = delete;
  socket_pair& operator=(const socket_pair&) = delete;
  ~socket_pair() {
    ::close(fds[0]);
    ::close(fds[1]);
  }
  void send_byte() const { EXPECT_EQ(::write(fds[1], "x", 1), 1); }
  int fds[2] = {-1, -1};
};

class recording_target : public poll_target {
 public:
  void on_poll(std::uint32_t events) override {
    if (events & EPOLLIN) ++readable;
    if (then) then();
  }
  int readable = 0;
  std::function<void()> then;
};

void run_briefly(worker& w) {
  w.context().restart();
  w.context().run_for(std::chrono::milliseconds(50));
}

TEST(worker_poll, readiness_reaches_the_target_once_per_edge) {
  worker w(0);
  socket_pair s;
  recording_target t;
  ASSERT_FALSE(w.poll_add(s.fds[0], &t));
  run_briefly(w);
  EXPECT_EQ(t.readable, 0);
  s.send_byte();
  run_briefly(w);
  EXPECT_EQ(t.readable, 1);
  run_briefly(w);  // edge-triggered: nothing new, nothing reported even though the byte is unread
  EXPECT_EQ(t.readable, 1);
  s.send_byte();
  run_briefly(w);
  EXPECT_EQ(t.readable, 2);
  w.poll_remove(s.fds[0], &t);
  s.send_byte();
  run_briefly(w);
  EXPECT_EQ(t.readable, 2);
}

TEST(worker_poll, a_target_removed_during_its_batch_hears_nothing) {
  worker w(0);
  socket_pair a, b;
  recording_target ta, tb;
  ASSERT_FALSE(w.poll_add(a.fds[0], &ta));
  ASSERT_FALSE(w.poll_add(b.fds[0], &tb));
  // Whichever is dispatched first removes the other, which is in the same batch.
  ta.then = [&] { w.poll_remove(b.fds[0], &tb); };
  tb.then = [&] { w.poll_remove(a.fds[0], &ta); };
  a.send_byte();
  b.send_byte();
  run_briefly(w);
  EXPECT_EQ(ta.readable + tb.readable, 1);
}

TEST(worker_poll, more_ready_sockets_than_a_batch_are_all_dispatched) {
  worker w(0);
  std::vector<socket_pair> pairs(300);
  std::vector<recording_target> targets(pairs.size());
  for (std::size_t i = 0; i < pairs.size(); ++i) ASSERT_FALSE(w.poll_add(pairs[i].fds[0], &targets[i]));
  for (auto& p : pairs) p.send_byte();
  run_briefly(w);
  for (auto& t : targets) EXPECT_EQ(t.readable, 1);
}

}  // namespace
}  // namespace tether::mqtt
