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

void event_lane::push(lane_event e) {
  next_step step;
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    if (queue_.size() >= capacity_) {
      counters_.shed.fetch_add(1, std::memory_order_relaxed);
      if (auto n = shed_log_.due()) {
        spdlog::warn(
            "application events: worker {}'s queue is full ({} events): {} event #{} not delivered live, "
            "it stays in the event log{}",
            index_, capacity_, ids_of(e.event).application_id, e.seq, core::repeat_note(*n));
      }
      return;
    }
    max_ticket_ = std::max(max_ticket_, e.ticket);
    queue_.push_back(std::move(e));
    step = plan_locked();
  }
  carry_out(step);
}

void event_lane::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
  queue_.clear();
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
