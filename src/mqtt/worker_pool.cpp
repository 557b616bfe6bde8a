#include "mqtt/worker_pool.hpp"

#include <algorithm>

namespace tether::mqtt {

namespace {
constexpr std::size_t receive_buffer_size = 64 * 1024;
constexpr auto sweep_interval = std::chrono::milliseconds(250);
}  // namespace

worker::worker(std::size_t index) : index_(index), receive_buffer_(receive_buffer_size) {}

void worker::start_sweeping() {
  sweep_timer_.expires_after(sweep_interval);
  sweep_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    sweep();
    start_sweeping();
  });
}

void worker::watch(deadline_watch* w) {
  w->prev_ = nullptr;
  w->next_ = watched_;
  if (watched_) watched_->prev_ = w;
  watched_ = w;
}

void worker::unwatch(deadline_watch* w) {
  if (w->prev_ == nullptr && watched_ != w) return;  // not watched
  if (sweep_next_ == w) sweep_next_ = w->next_;
  if (w->prev_) {
    w->prev_->next_ = w->next_;
  } else {
    watched_ = w->next_;
  }
  if (w->next_) w->next_->prev_ = w->prev_;
  w->prev_ = w->next_ = nullptr;
}

void worker::sweep() {
  auto now = std::chrono::steady_clock::now();
  // check_deadline may close a connection, which unwatches it: unwatch moves sweep_next_ past it.
  for (auto* w = watched_; w != nullptr; w = sweep_next_) {
    sweep_next_ = w->next_;
    w->check_deadline(now);
  }
  sweep_next_ = nullptr;
}

worker_pool::worker_pool(std::size_t count) {
  count = std::max<std::size_t>(count, 1);
  for (std::size_t i = 0; i < count; ++i) {
    workers_.push_back(std::make_unique<worker>(i));
    guards_.emplace_back(workers_.back()->context().get_executor());
    workers_.back()->start_sweeping();
  }
}

worker_pool::~worker_pool() { stop(); }

worker& worker_pool::next() {
  return *workers_[next_.fetch_add(1, std::memory_order_relaxed) % workers_.size()];
}

void worker_pool::run() {
  std::vector<std::jthread> threads;
  for (std::size_t i = 1; i < workers_.size(); ++i) {
    threads.emplace_back([this, i] { workers_[i]->context().run(); });
  }
  workers_.front()->context().run();
  for (auto& w : workers_) w->context().stop();
}

void worker_pool::stop() {
  guards_.clear();
  for (auto& w : workers_) w->context().stop();
}

}  // namespace tether::mqtt
