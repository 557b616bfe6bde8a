#pragma once
// The one writer of a store. It owns its own connection and a thread that writes what the store queued
// in groups, one transaction per group (group commit): under load, thousands of changes share one
// commit. Every change gets a ticket; `when_durable(ticket, done)` runs `done` once that change is on
// disk, which is how an acknowledgement waits for durability.
//
// The store keeps its own queue of changes (so it can choose their shape and coalesce them) and lends
// it to the writer through `group_source`; the writer guards it with its lock. The queue is bounded:
// when `max_pending` changes wait unwritten, `record` blocks until the writer has taken a group, which
// slows producers down rather than losing data. A change the disk refuses stops the process
// (std::terminate after a critical log line): nothing acknowledged may claim a durability it lacks.

#include "storage/group_commit_stats.hpp"
#include "storage/sqlite.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace tether::storage {

struct group_writer_options {
  std::size_t max_pending = 200'000;  // unwritten changes before `record` waits
  sync_mode sync = sync_mode::normal;
  // How often `group_source::maintain` runs (0: never).
  std::chrono::milliseconds maintenance_interval{0};
  // When set (it must outlive the writer), each group's size and commit time are observed into it.
  group_commit_stats* stats = nullptr;
};

// What a store gives its writer.
class group_source {
 public:
  virtual ~group_source() = default;
  // Under the writer's lock: move every queued change into the group about to be written.
  virtual void take_group() = 0;
  // On the writer thread, inside the group's transaction, without the lock.
  virtual void write_group(database& db) = 0;
  // On the writer thread, in its own transaction, every `maintenance_interval` (e.g. trimming).
  virtual void maintain(database&) {}
};

class group_writer {
 public:
  using ticket = std::uint64_t;

  // Opens `path` (migrated already). `name` appears in log lines.
  group_writer(const std::string& path, group_writer_options options, std::string name);
  // Stops the writer if the store has not (see stop()).
  ~group_writer();
  group_writer(const group_writer&) = delete;
  group_writer& operator=(const group_writer&) = delete;

  // The writer's connection, for preparing statements before start().
  database& db() noexcept { return db_; }
  // Starts the thread; `source` must outlive it (until stop()).
  void start(group_source& source);
  // Writes what is queued, then ends the thread. A store calls it first in its destructor, while the
  // queue and statements the writer uses still exist. Idempotent.
  void stop();

  // Runs `add()` under the lock once there is room, and returns the ticket of the change. `add` puts
  // the change into the store's queue and returns how many entries it added there (0 when it merged
  // the change into one already queued: the merged entry is written with the group, so the new ticket
  // is durable with it).
  template <class Add>
  ticket record(Add&& add) {
    std::unique_lock lock(mutex_);
    has_room_.wait(lock, [&] { return pending_ < options_.max_pending || stopping_; });
    pending_ += add();
    ++recorded_;
    if (recorded_ == taken_ + 1) has_work_.notify_one();
    return recorded_;
  }

  // A ticket covering everything recorded so far.
  ticket mark() const;
  // Calls `done` on the writer thread once everything up to `t` is on disk, or at once (on this
  // thread) when it already is. `done` must be short and must not record: on the writer thread, a full
  // queue would wait for itself. Post the real work elsewhere (the broker posts to the connection).
  void when_durable(ticket t, std::function<void()> done);
  // Waits until everything recorded so far is on disk.
  void sync();
  // Waits until the writer is idle with nothing queued, then runs `f(db())` while holding the lock, so
  // the connection is not shared with the writer (loading at start, tests). Producers wait meanwhile.
  template <class F>
  decltype(auto) exclusive(F&& f) {
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [&] { return recorded_ == durable_ && !writing_; });
    return f(db_);
  }

  std::uint64_t commits() const;

 private:
  void run();
  void write(const std::function<void(database&)>& body);
  void finish_group(ticket upto);

  database db_;
  group_writer_options options_;
  std::string name_;
  group_source* source_ = nullptr;

  mutable std::mutex mutex_;
  std::condition_variable has_work_;
  std::condition_variable has_room_;
  std::condition_variable idle_;
  std::size_t pending_ = 0;  // entries in the store's queue
  ticket recorded_ = 0;      // changes recorded so far (tickets count these)
  ticket taken_ = 0;         // changes in groups taken by the writer
  ticket durable_ = 0;       // changes on disk
  bool writing_ = false;
  std::uint64_t commits_ = 0;
  std::multimap<ticket, std::function<void()>> waiters_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace tether::storage
