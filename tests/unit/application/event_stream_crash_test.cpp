// The event stream survives kill -9: a child process runs the bus over two workers (one producer
// shard per application), a frontend that reports each event it is handed (handed = durable) to the
// parent through a pipe, and a reader that consumes with a stored cursor and reports each cursor it
// saved. The parent kills the child mid-write, reopens the database and resumes from the stored
// cursor: every event reported durable is read back, in order, numbered without a gap, none twice.

#include "application/bus.hpp"
#include "application/event_stream.hpp"
#include "storage/cursor_store.hpp"
#include "storage/event_log.hpp"
#include "temp_dir.hpp"
#include "test_workers.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <boost/asio/post.hpp>

#include <array>
#include <map>
#include <sstream>
#include <string>

namespace tether::application {
namespace {

constexpr const char* reader_name = "crash-reader";
const std::array<std::string, 2> apps{"app1", "app2"};

void report(int fd, char what, const std::string& app, std::uint64_t seq) {
  const auto line = std::string(1, what) + " " + app + " " + std::to_string(seq) + "\n";
  if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) ::_exit(3);
}

// Reports every event it is handed: the bus hands over only what the log has on disk.
class reporting_frontend : public frontend {
 public:
  explicit reporting_frontend(int fd) : fd_(fd) {}
  void on_join(const network::join_event&, const event_context&) override {}
  void on_uplink(const network::uplink_event& e, const event_context& c) override {
    if (e.f_cnt != c.seq) ::_exit(4);  // each application's only producer counts its events from 1
    report(fd_, 'd', e.ids.application_id, c.seq);
  }
  void on_downlink(const network::downlink_event&, const event_context&) override {}

 private:
  int fd_;
};

// One shard per application, appending in chunks so that its worker also drains its lane.
void produce(bus& b, boost::asio::io_context& worker, const std::string& app, std::uint32_t next) {
  boost::asio::post(worker, [&b, &worker, app, next] {
    auto f_cnt = next;
    for (int i = 0; i < 50; ++i, ++f_cnt) {
      network::uplink_event e;
      e.ids.application_id = app;
      e.ids.device_id = "dev" + std::to_string(f_cnt % 7);
      e.f_port = 1;
      e.f_cnt = f_cnt;
      e.frm_payload = {static_cast<std::uint8_t>(f_cnt)};
      e.settings.data_rate = network::lora_data_rate{125000, 7, "4/5"};
      b.on_uplink(e);
    }
    produce(b, worker, app, f_cnt);
  });
}

// Consumes with its stored cursor until the process dies; exits 5 on anything out of order.
[[noreturn]] void consume(event_stream& stream, int fd) {
  for (;;) {
    for (const auto& app : apps) {
      const auto after = stream.load_cursor(reader_name, app);
      auto batch = stream.read(app, after, 40);
      auto expected = after;
      for (const auto& e : batch.events) {
        if (e.seq != ++expected) ::_exit(5);
      }
      if (batch.missing != 0 || batch.last_seq != expected) ::_exit(5);
      if (batch.events.empty()) continue;
      stream.save_cursor(reader_name, app, batch.last_seq);
      report(fd, 'c', app, batch.last_seq);
    }
    ::usleep(2000);
  }
}

// The child: everything is leaked on purpose, nothing is flushed or destroyed.
[[noreturn]] void run_child(const std::string& path, int fd) {
  auto* log = new storage::event_log(path, {.max_age = {}, .max_rows_per_stream = 0});
  auto* cursors = new storage::cursor_store(path);
  auto* w = new test::workers(2);
  auto* b = new bus(log, w->pointers());
  auto* f = new reporting_frontend(fd);
  b->attach(*f);
  w->start();
  for (std::size_t i = 0; i < apps.size(); ++i) produce(*b, w->at(i), apps[i], 1);
  consume(*new event_stream(*log, *cursors), fd);
}

struct reports {
  std::map<std::string, std::uint64_t> durable;  // highest number reported handed over, per app
  std::map<std::string, std::uint64_t> cursor;   // last cursor reported saved, per app
  std::size_t durable_count = 0;
  std::size_t cursor_count = 0;
};

void take(reports& r, std::string& buffer) {
  std::size_t end = 0;
  while ((end = buffer.find('\n')) != std::string::npos) {
    std::istringstream line(buffer.substr(0, end));
    buffer.erase(0, end + 1);
    char what = 0;
    std::string app;
    std::uint64_t seq = 0;
    line >> what >> app >> seq;
    auto& slot = what == 'd' ? r.durable[app] : r.cursor[app];
    slot = std::max(slot, seq);
    ++(what == 'd' ? r.durable_count : r.cursor_count);
  }
}

// Forks the child, reads its reports until `enough`, kills it with SIGKILL, reads what is left.
template <class Enough>
reports kill_child_when(const std::string& path, Enough enough) {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    run_child(path, fds[1]);
  }
  ::close(fds[1]);
  reports r;
  std::string buffer;
  std::array<char, 4096> chunk{};
  bool killed = false;
  for (;;) {
    const auto n = ::read(fds[0], chunk.data(), chunk.size());
    if (n <= 0) break;  // the child is gone and its end closed
    buffer.append(chunk.data(), static_cast<std::size_t>(n));
    take(r, buffer);
    if (!killed && enough(r)) {
      ::kill(pid, SIGKILL);
      killed = true;
    }
  }
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the child ended on its own: status " << status << " (4: wrong number, 5: out of order)";
  return r;
}

TEST(event_stream_crash, every_durable_event_is_read_back_after_kill_9_from_the_stored_cursor) {
  test::temp_database tmp;
  const auto r = kill_child_when(tmp.path(), [](const reports& r) {
    return r.durable_count >= 4000 && r.cursor.size() == apps.size() && r.cursor_count >= 20;
  });
  ASSERT_EQ(r.durable.size(), apps.size());

  storage::event_log log(tmp.path(), {.max_age = {}, .max_rows_per_stream = 0});
  storage::cursor_store cursors(tmp.path());
  event_stream stream(log, cursors);
  for (const auto& app : apps) {
    SCOPED_TRACE(app);
    const auto cursor = stream.load_cursor(reader_name, app);
    // A save may have committed after its report could be written, never before.
    EXPECT_GE(cursor, r.cursor.at(app));
    EXPECT_GT(cursor, 0u);
    // Resume: every number after the cursor once, in order, up to at least the last reported durable.
    auto after = cursor;
    for (;;) {
      auto batch = stream.read(app, after, 1000);
      ASSERT_EQ(batch.missing, 0u);
      if (batch.events.empty()) break;
      for (const auto& e : batch.events) {
        ASSERT_EQ(e.seq, after + 1);
        ASSERT_EQ(std::get<network::uplink_event>(e.event).f_cnt, e.seq);  // the event of that number
        after = e.seq;
      }
    }
    EXPECT_GE(after, r.durable.at(app));
    EXPECT_GT(after, cursor);  // the child was killed while writing: some were not consumed yet
    // What the reader consumed before the kill is still there too, and numbers go on after the last.
    EXPECT_EQ(log.read(app, 0, 1'000'000).size(), after);
    EXPECT_EQ(log.append(app, "new", 0).seq, after + 1);
  }
}

}  // namespace
}  // namespace tether::application
