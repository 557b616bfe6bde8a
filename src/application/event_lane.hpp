#pragma once
// One worker's bounded queue of application events on their way to the frontends. The bus appends an
// event to the event log, then hands it to the lane of the worker it came from (a network shard runs
// on one worker, so one device's events share a lane and keep their order). The lane holds each
// event until the log reports it durable, then delivers it to the frontends on its own worker, in
// batches: a frontend never sees an event (or its number) that a crash could take back, and a
// realm's publish routes on that worker instead of all on worker 0.
//
// Overflow: at most `capacity` events wait per lane (most of them for the log's next commit). A
// producer that finds its lane full waits instead of losing the event (backpressure, counted and
// logged at most once a second), and the wait cannot deadlock: on the lane's own worker (a shard)
// it waits only for the log's writer thread, which never waits for a worker, and then delivers
// what is durable itself, in order, before adding its event; on another thread it waits for the
// lane's worker to drain, which never blocks. A producer that must not wait (a frontend reporting
// from inside an MQTT hook, where delivering would re-enter the broker) sheds the event from live
// delivery instead: counted (`shed`), logged (warn, at most once a second with how many), and
// still in the durable event log under its number, where a reader of the event stream gets it.
// The lane's io_context must be run by one thread (a worker's).

#include "application/event_codec.hpp"
#include "core/log_limiter.hpp"

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace tether::storage {
class event_log;
}

namespace tether::application {

// What the bus counts (shared by its lanes).
struct bus_counters {
  std::atomic<std::uint64_t> appended{0};   // events written to the event log
  std::atomic<std::uint64_t> delivered{0};  // events handed to the frontends
  std::atomic<std::uint64_t> waited{0};     // times a producer waited for room in a full lane
  std::atomic<std::uint64_t> shed{0};       // events not delivered live: their lane was full
};

struct lane_event {
  std::uint64_t ticket = 0;  // the log's durability ticket (0: no log, deliverable at once)
  std::uint64_t seq = 0;     // the event's number in its application's stream
  application_event event;
};

class event_lane : public std::enable_shared_from_this<event_lane> {
 public:
  // Delivers a batch on the lane's worker, in order.
  using deliver_fn = std::function<void(std::size_t lane, std::vector<lane_event>& batch)>;

  event_lane(std::size_t index, boost::asio::io_context& context, storage::event_log* log,
             std::size_t capacity, std::size_t batch, bus_counters& counters, deliver_fn deliver);

  std::size_t index() const noexcept { return index_; }
  bool runs_here() const { return context_.get_executor().running_in_this_thread(); }

  enum class when_full { wait, shed };
  // Any thread. When the lane is full: waits for room, or sheds (see the header comment).
  void push(lane_event e, when_full full = when_full::wait);
  // Stops delivering: later drains do nothing. Call once the lane's worker no longer runs it.
  void close();

 private:
  void on_durable(std::uint64_t ticket);
  void drain();
  // Under the lock, on the lane's own worker: waits for the oldest events to be durable and
  // delivers them here. Returns false when the lane was closed meanwhile.
  bool make_room_here(std::unique_lock<std::mutex>& lock);
  void shed(const lane_event& e);
  // Under the lock: schedules what the queue needs next; the caller carries it out unlocked.
  struct next_step {
    bool post_drain = false;
    std::uint64_t wait_for = 0;  // register a when_durable for this ticket (0: none)
  };
  next_step plan_locked();
  void carry_out(const next_step& step);

  const std::size_t index_;
  boost::asio::io_context& context_;
  storage::event_log* log_;
  const std::size_t capacity_;
  const std::size_t batch_;
  bus_counters& counters_;
  deliver_fn deliver_;

  std::mutex mutex_;
  std::condition_variable durable_cv_;  // durable_ moved
  std::condition_variable room_cv_;     // events left the queue
  std::deque<lane_event> queue_;
  std::uint64_t durable_ = 0;     // highest ticket known on disk
  std::uint64_t max_ticket_ = 0;  // highest ticket queued
  bool waiting_ = false;          // a when_durable is outstanding
  bool drain_posted_ = false;
  bool closed_ = false;
  core::log_limiter shed_log_;
  core::log_limiter wait_log_;
};

}  // namespace tether::application
