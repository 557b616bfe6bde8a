#include "mqtt/worker_pool.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

namespace tether::mqtt {

namespace {
constexpr std::size_t receive_buffer_size = 64 * 1024;
constexpr auto sweep_interval = std::chrono::milliseconds(250);
}  // namespace

worker::epoll_set::epoll_set() : fd(::epoll_create1(EPOLL_CLOEXEC)) {
  if (fd < 0) throw std::system_error(errno, std::system_category(), "epoll_create1");
}

worker::epoll_set::~epoll_set() { ::close(fd); }

worker::worker(std::size_t index) : index_(index), receive_buffer_(receive_buffer_size) {
  poll_watch_.assign(epoll_.fd);
  wait_for_poll();
}

// The set's descriptor belongs to epoll_, which outlives the io_context: poll_watch_ lets go of it.
worker::~worker() { poll_watch_.release(); }

void worker::start_sweeping() {
  sweep_timer_.expires_after(sweep_interval);
  sweep_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    sweep();
    start_sweeping();
  });
}

boost::system::error_code worker::poll_add(int fd, poll_target* target) {
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  ev.data.ptr = target;
  if (::epoll_ctl(epoll_.fd, EPOLL_CTL_ADD, fd, &ev) != 0) return {errno, boost::system::system_category()};
  return {};
}

void worker::poll_remove(int fd, poll_target* target) {
  ::epoll_ctl(epoll_.fd, EPOLL_CTL_DEL, fd, nullptr);
  // Events of the batch being dispatched may name the target: it may be gone when their turn comes.
  for (auto i = ready_next_; i < ready_end_; ++i) {
    if (ready_[i].data.ptr == target) ready_[i].data.ptr = nullptr;
  }
}

// The set is edge-triggered and so is Asio's registration of it: each wait is armed before the
// reactor next runs (this thread runs it), and a full batch is followed by another read of the set.
void worker::wait_for_poll() {
  poll_watch_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                         [this](boost::system::error_code ec) {
                           if (ec) return;
                           dispatch_poll();
                         });
}

void worker::dispatch_poll() {
  int n = ::epoll_wait(epoll_.fd, ready_.data(), static_cast<int>(ready_.size()), 0);
  if (n < 0) {
    if (errno == EINTR) {
      boost::asio::post(context_, [this] { dispatch_poll(); });
      return;
    }
    spdlog::error("worker {}: epoll_wait failed: {}", index_, std::strerror(errno));
    n = 0;
  }
  ready_end_ = static_cast<std::size_t>(n);
  for (ready_next_ = 0; ready_next_ < ready_end_;) {
    auto& ev = ready_[ready_next_++];
    if (ev.data.ptr) static_cast<poll_target*>(ev.data.ptr)->on_poll(ev.events);
  }
  ready_next_ = ready_end_ = 0;
  if (static_cast<std::size_t>(n) == ready_.size()) {
    // More may be ready: read the set again after what else is queued (no new edge would tell).
    boost::asio::post(context_, [this] { dispatch_poll(); });
  } else {
    wait_for_poll();
  }
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
