#include "application/event_lane.hpp"

#include "storage/event_log.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

namespace tether::application {

event_lane::event_lane(std::size_t index, boost::asio::io_context& context, storage::event_log* log,
                       std::size_t capacity, std::size_t batch, bus_counters& counters, deliver_fn deliver)
    : index_(index),
      context_(context),
      log_(log),
      capacity_(capacity),
      batch_(std::max<std::size_t>(batch, 1)),
      counters_(counters),
      deliver_(std::move(deliver)) {}

void event_lane::push(lane_event e, when_full full) {
  next_step step;
  {
    std::unique_lock lock(mutex_);
    while (!closed_ && queue_.size() >= capacity_) {
      if (full == when_full::shed) return shed(e);
      counters_.waited.fetch_add(1, std::memory_order_relaxed);
      if (auto n = wait_log_.due()) {
        spdlog::warn(
            "application events: worker {}'s queue is full ({} events): producers wait for the event log{}",
            index_, capacity_, core::repeat_note(*n));
      }
      if (runs_here()) {
        if (!make_room_here(lock)) return;
      } else {
        room_cv_.wait(lock, [&] { return closed_ || queue_.size() < capacity_; });
      }
    }
    if (closed_) return;
    max_ticket_ = std::max(max_ticket_, e.ticket);
    queue_.push_back(std::move(e));
    step = plan_locked();
  }
  carry_out(step);
}

void event_lane::shed(const lane_event& e) {
  counters_.shed.fetch_add(1, std::memory_order_relaxed);
  if (auto n = shed_log_.due()) {
    spdlog::warn(
        "application events: worker {}'s queue is full ({} events): {} event #{} not delivered live, "
        "it stays in the event log{}",
        index_, capacity_, stream_of(e.event), e.seq, core::repeat_note(*n));
  }
}

bool event_lane::make_room_here(std::unique_lock<std::mutex>& lock) {
  // Nothing else drains this lane now: its worker is this thread.
  if (queue_.front().ticket > durable_ && !waiting_) {
    waiting_ = true;
    const auto t = max_ticket_;
    lock.unlock();  // when_durable may call back at once, and the callback takes the lock
    log_->when_durable(t, [self = shared_from_this(), t] { self->on_durable(t); });
    lock.lock();
  }
  durable_cv_.wait(lock, [&] { return closed_ || queue_.empty() || queue_.front().ticket <= durable_; });
  std::vector<lane_event> batch;
  while (!queue_.empty() && queue_.front().ticket <= durable_) {
    batch.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  if (closed_) return false;
  lock.unlock();
  deliver_(index_, batch);
  counters_.delivered.fetch_add(batch.size(), std::memory_order_relaxed);
  lock.lock();
  room_cv_.notify_all();
  return !closed_;
}

void event_lane::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    queue_.clear();
  }
  durable_cv_.notify_all();
  room_cv_.notify_all();
}

event_lane::next_step event_lane::plan_locked() {
  next_step step;
  if (queue_.empty() || drain_posted_) return step;
  if (queue_.front().ticket <= durable_) {
    drain_posted_ = step.post_drain = true;
  } else if (!waiting_) {
    waiting_ = true;
    step.wait_for = max_ticket_;
  }
  return step;
}

void event_lane::carry_out(const next_step& step) {
  if (step.post_drain) boost::asio::post(context_, [self = shared_from_this()] { self->drain(); });
  if (step.wait_for != 0) {
    // Runs on the log's writer thread (or here, when already durable): only takes the lock and posts.
    log_->when_durable(step.wait_for,
                       [self = shared_from_this(), t = step.wait_for] { self->on_durable(t); });
  }
}

void event_lane::on_durable(std::uint64_t ticket) {
  next_step step;
  {
    std::lock_guard lock(mutex_);
    durable_ = std::max(durable_, ticket);
    waiting_ = false;
    if (closed_) return;
    step = plan_locked();
  }
  durable_cv_.notify_all();
  carry_out(step);
}

void event_lane::drain() {
  // drain_posted_ stays set while the batch is delivered, so one lane never delivers twice at once
  // (the order holds even on an io_context run by several threads).
  std::vector<lane_event> batch;
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    while (!queue_.empty() && queue_.front().ticket <= durable_ && batch.size() < batch_) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
  }
  if (!batch.empty()) {
    deliver_(index_, batch);
    counters_.delivered.fetch_add(batch.size(), std::memory_order_relaxed);
    room_cv_.notify_all();
  }
  next_step step;
  {
    std::lock_guard lock(mutex_);
    drain_posted_ = false;
    if (closed_) return;
    step = plan_locked();
  }
  carry_out(step);
}

}  // namespace tether::application
