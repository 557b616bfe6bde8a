#pragma once
// One io_context per worker thread. A connection lives on one worker for its whole life, so its
// state needs no lock; the worker also owns a receive buffer shared by its connections (a socket is
// read only when it is readable, so idle connections hold no buffer) and sweeps keep-alive deadlines.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

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

class worker {
 public:
  explicit worker(std::size_t index);

  std::size_t index() const noexcept { return index_; }
  boost::asio::io_context& context() noexcept { return context_; }
  std::vector<std::uint8_t>& receive_buffer() noexcept { return receive_buffer_; }

  // Worker thread only. A watch is watched at most once and unwatched at most once.
  void watch(deadline_watch* w);
  void unwatch(deadline_watch* w);

  void start_sweeping();

 private:
  void sweep();

  std::size_t index_;
  boost::asio::io_context context_{1};
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
