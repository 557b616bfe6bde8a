#pragma once
// Worker threads, each running its own io_context, as `tether serve` runs the network shards.

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <memory>
#include <thread>
#include <vector>

namespace tether::application::test {

class workers {
 public:
  explicit workers(std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
  }
  ~workers() { stop(); }
  void start() {
    for (auto& c : contexts_) {
      guards_.emplace_back(c->get_executor());
      threads_.emplace_back([&c] { c->run(); });
    }
  }
  void stop() {
    guards_.clear();
    for (auto& t : threads_) t.join();
    threads_.clear();
  }
  std::vector<boost::asio::io_context*> pointers() {
    std::vector<boost::asio::io_context*> out;
    for (auto& c : contexts_) out.push_back(c.get());
    return out;
  }
  boost::asio::io_context& at(std::size_t i) { return *contexts_[i]; }

 private:
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guards_;
  std::vector<std::thread> threads_;
};

}  // namespace tether::application::test
