#pragma once
// Device management (spec A3) on a running server: a thread of its own with its own registry
// connection, so the workers never wait for SQLite. The realm hands it every message a device or
// gateway publishes under iotdevice-1/ (submit, from any worker thread); it stores what the device
// reports, answers on iotdm-1/response, and runs the server → device requests (dm_engine), ticking
// every `tick` for new requests, deadlines and lapsed lifetimes.
//
// Overflow: at most max_queued device messages wait; one more is answered at once with rc 409 ("retry
// later", A3), counted (stats().overflow) and logged at warn at most once per 10 s.

#include "core/log_limiter.hpp"
#include "iotp/dm_engine.hpp"
#include "iotp/dm_handler.hpp"
#include "iotp/dm_store.hpp"
#include "mqtt/message.hpp"
#include "storage/sqlite.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace tether::iotp {

struct dm_service_options {
  dm_handler_options handler;
  dm_bounds bounds;
  std::chrono::milliseconds tick{250};
  std::size_t max_queued = 10'000;
};

struct dm_service_stats {
  std::atomic<std::uint64_t> requests{0};   // device → server requests handled
  std::atomic<std::uint64_t> refused{0};    // of which answered with an rc other than 200
  std::atomic<std::uint64_t> overflow{0};   // answered 409 without being handled: the queue was full
  std::atomic<std::uint64_t> trimmed{0};    // old error codes and logs dropped for the bounds
  std::atomic<std::uint64_t> unmatched{0};  // device responses naming no open request
};

class dm_service {
 public:
  using publish_fn = std::function<void(mqtt::message_ptr)>;

  dm_service(const std::string& database_path, dm_service_options options);
  ~dm_service();
  dm_service(const dm_service&) = delete;
  dm_service& operator=(const dm_service&) = delete;

  // Starts the thread; `publish` sends a message into the realm's broker (full topic, org prefix first).
  void start(publish_fn publish);
  void stop();

  // A message `sender` published on `{org}/iotdevice-1/type/T/id/D/{rest}`.
  void submit(dm_sender sender, std::string rest, std::string payload);

  const dm_service_stats& stats() const noexcept { return stats_; }

 private:
  void handle(const dm_sender& sender, const std::string& rest, const std::string& payload);
  void respond(const device_ref& device, int rc, std::string_view message,
               const std::optional<std::string>& req_id);
  void schedule_tick();
  void tick();

  dm_service_options options_;
  storage::database db_;
  dm_store store_;
  publish_fn publish_;
  dm_engine engine_;
  dm_service_stats stats_;
  std::atomic<std::size_t> queued_{0};
  std::mutex log_mutex_;
  core::log_limiter overflow_log_{std::chrono::seconds(10)};
  core::log_limiter trim_log_{std::chrono::seconds(10)};
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  boost::asio::steady_timer timer_;
  std::thread thread_;
};

}  // namespace tether::iotp
