#include "storage/group_writer.hpp"

#include <spdlog/spdlog.h>

#include <exception>
#include <vector>

namespace tether::storage {

group_writer::group_writer(const std::string& path, group_writer_options options, std::string name)
    : db_(path, options.sync), options_(options), name_(std::move(name)) {}

group_writer::~group_writer() { stop(); }

void group_writer::start(group_source& source) {
  source_ = &source;
  thread_ = std::thread([this] { run(); });
}

void group_writer::stop() {
  {
    std::lock_guard lock(mutex_);
    if (!thread_.joinable()) return;
    stopping_ = true;
  }
  has_work_.notify_one();
  has_room_.notify_all();
  thread_.join();
}

group_writer::ticket group_writer::mark() const {
  std::lock_guard lock(mutex_);
  return recorded_;
}

void group_writer::when_durable(ticket t, std::function<void()> done) {
  {
    std::lock_guard lock(mutex_);
    if (t > durable_) {
      waiters_.emplace(t, std::move(done));
      return;
    }
  }
  done();
}

void group_writer::sync() {
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  when_durable(mark(), [&] {
    std::lock_guard lock(m);
    done = true;
    cv.notify_one();
  });
  std::unique_lock lock(m);
  cv.wait(lock, [&] { return done; });
}

std::uint64_t group_writer::commits() const {
  std::lock_guard lock(mutex_);
  return commits_;
}

void group_writer::write(const std::function<void(database&)>& body) {
  try {
    transaction t(db_);
    body(db_);
    t.commit();
  } catch (const std::exception& e) {
    // The disk (or a bug) refused a change that may already be promised: stop loudly.
    spdlog::critical("{} could not be written: {}", name_, e.what());
    std::terminate();
  }
}

void group_writer::run() {
  using clock = std::chrono::steady_clock;
  const auto interval = options_.maintenance_interval;
  auto next_maintenance = clock::now() + interval;
  for (;;) {
    // Maintenance runs between groups, also under a steady load.
    if (interval.count() > 0 && clock::now() >= next_maintenance) {
      {
        std::lock_guard lock(mutex_);
        writing_ = true;
      }
      write([&](database& db) { source_->maintain(db); });
      {
        std::lock_guard lock(mutex_);
        writing_ = false;
      }
      idle_.notify_all();
      next_maintenance = clock::now() + interval;
    }
    ticket upto = 0;
    std::uint64_t group_size = 0;
    {
      std::unique_lock lock(mutex_);
      auto ready = [&] { return recorded_ != taken_ || stopping_; };
      if (interval.count() > 0) {
        has_work_.wait_until(lock, next_maintenance, ready);
      } else {
        has_work_.wait(lock, ready);
      }
      if (recorded_ == taken_) {
        if (stopping_) return;
        continue;  // time for maintenance
      }
      source_->take_group();
      group_size = recorded_ - taken_;
      upto = taken_ = recorded_;
      pending_ = 0;
      writing_ = true;
    }
    has_room_.notify_all();
    const auto started = clock::now();
    write([&](database& db) { source_->write_group(db); });
    if (auto* stats = options_.stats) {
      stats->group_size.observe(group_size);
      stats->commit_us.observe(static_cast<std::uint64_t>(
          std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - started).count()));
    }
    finish_group(upto);
  }
}

void group_writer::finish_group(ticket upto) {
  std::vector<std::function<void()>> ready;
  {
    std::lock_guard lock(mutex_);
    durable_ = upto;
    writing_ = false;
    ++commits_;
    auto end = waiters_.upper_bound(durable_);
    for (auto it = waiters_.begin(); it != end; ++it) ready.push_back(std::move(it->second));
    waiters_.erase(waiters_.begin(), end);
  }
  idle_.notify_all();
  for (auto& f : ready) f();
}

}  // namespace tether::storage
