#pragma once
// One io_context per worker thread. A connection lives on one worker for its whole life, so its
// state needs no lock; the worker also owns a receive buffer shared by its connections (a socket is
// read only when it is readable, so idle connections hold no buffer), an epoll set for plain TCP
// sockets and sweeps keep-alive deadlines.

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>

#include <sys/epoll.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

namespace tether::mqtt {

// Something with a deadline that the worker checks once a second (a connection's keep-alive).
// Watches are linked through themselves, so watching costs no allocation per connection.
class deadline_watch {
 public:
  virtual ~deadline_watch() = default;
  virtual void check_deadline(std::chrono::steady_clock::time_point now) = 0;

 private:
  friend class worker;
  deadline_watch* prev_ = nullptr;
  deadline_watch* next_ = nullptr;
};

// A socket in its worker's epoll set (plain TCP): told which events fired. Asio gives each socket a
// reactor entry (a mutex and three operation queues) and each pending wait an operation; a socket in
// the worker's set costs neither, which is most of an idle connection (issue #3).
class poll_target {
 public:
  // Worker thread. `events`: EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP, EPOLLRDHUP bits.
  virtual void on_poll(std::uint32_t events) = 0;

 protected:
  ~poll_target() = default;
};

class worker {
 public:
  explicit worker(std::size_t index);
  ~worker();
  worker(const worker&) = delete;
  worker& operator=(const worker&) = delete;

  std::size_t index() const noexcept { return index_; }
  boost::asio::io_context& context() noexcept { return context_; }
  std::vector<std::uint8_t>& receive_buffer() noexcept { return receive_buffer_; }

  // Worker thread only. A watch is watched at most once and unwatched at most once.
  void watch(deadline_watch* w);
  void unwatch(deadline_watch* w);

  void start_sweeping();

  // Worker thread only. Adds `fd` to the worker's epoll set, edge-triggered for input and output:
  // `target` hears of every change of readiness until `poll_remove`, which must come before `fd` is
  // closed or `target` destroyed.
  boost::system::error_code poll_add(int fd, poll_target* target);
  void poll_remove(int fd, poll_target* target);

 private:
  void sweep();
  void wait_for_poll();
  void dispatch_poll();

  std::size_t index_;
  // The epoll set and the batch being dispatched are declared before the io_context: handlers that
  // it destroys may still remove their sockets.
  struct epoll_set {
    epoll_set();
    ~epoll_set();
    epoll_set(const epoll_set&) = delete;
    epoll_set& operator=(const epoll_set&) = delete;
    int fd;
  };
  epoll_set epoll_;
  std::array<epoll_event, 256> ready_{};
  std::size_t ready_next_ = 0;  // the batch's next event, while dispatching
  std::size_t ready_end_ = 0;
  boost::asio::io_context context_{1};
  boost::asio::posix::stream_descriptor poll_watch_{context_};  // readable when the set has events
  std::vector<std::uint8_t> receive_buffer_;
  deadline_watch* watched_ = nullptr;     // head of the list
  deadline_watch* sweep_next_ = nullptr;  // where a sweep goes on, kept valid by unwatch
  boost::asio::steady_timer sweep_timer_{context_};
};

class worker_pool {
 public:
  explicit worker_pool(std::size_t count);
  ~worker_pool();

  std::size_t size() const noexcept { return workers_.size(); }
  worker& at(std::size_t i) { return *workers_[i]; }
  // Round-robin choice for a new connection.
  worker& next();
  // The worker that runs housekeeping ($SYS, realm publishes).
  worker& system() { return *workers_.front(); }

  // Runs every worker until stop(); worker 0 runs on the calling thread.
  void run();
  void stop();

 private:
  std::vector<std::unique_ptr<worker>> workers_;
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guards_;
  std::atomic<std::size_t> next_{0};
};

}  // namespace tether::mqtt
