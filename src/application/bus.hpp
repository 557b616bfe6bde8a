#pragma once
// The application side's meeting point: events from the network core fan out to every application
// frontend (the TTS-style MQTT realm now; outbound connectors later). Implements the core's
// network::event_sink.
//
// With an event log, every event (join, uplink, each downlink outcome) is first appended to it, in
// the stream named by its application ID, where it gets its number: 1, 2, 3, ... per application,
// never reused (see storage/event_log.hpp; a reader resuming after n expects n + 1, so a gap shows
// what retention trimmed before it was read). Only once the event is durable does a frontend see it,
// with its number, on the worker the event came from (see event_lane.hpp for the bounded per-worker
// queue and what happens when it is full: the shards wait, a frontend's own report is shed from
// live delivery, counted, and stays in the log). Without workers the bus delivers at once on the caller's
// thread and numbers nothing (tests, tools). Drops and gateway events (for the live event stream over
// HTTP) are only appended to the log.

#include "application/event_codec.hpp"
#include "application/event_lane.hpp"
#include "network/downlinks.hpp"
#include "network/events.hpp"

#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

namespace tether::storage {
class event_log;
}

namespace tether::application {

// What the bus tells a frontend with each event.
struct event_context {
  static constexpr std::size_t any_worker = std::numeric_limits<std::size_t>::max();
  std::uint64_t seq = 0;            // the event's number in its application's stream (0: no event log)
  std::size_t worker = any_worker;  // the worker delivering it (its thread, outside any MQTT hook)
};

// An application frontend: renders events in its own format and delivers them. Called from the
// workers' threads, several at once: must be thread-safe and must not block. One device's events
// arrive in order.
class frontend {
 public:
  virtual ~frontend() = default;
  virtual void on_join(const network::join_event& event, const event_context& context) = 0;
  virtual void on_uplink(const network::uplink_event& event, const event_context& context) = 0;
  virtual void on_downlink(const network::downlink_event& event, const event_context& context) = 0;
};

struct bus_options {
  std::size_t lane_capacity = 16'384;  // events waiting per worker; beyond, live delivery sheds
  std::size_t drain_batch = 4096;      // events one drain delivers before yielding its worker
  // Hold each event until the log has it on disk (a number a frontend saw always names that event);
  // false: deliver once appended (a crash may then renumber what a frontend saw but the log lost).
  bool deliver_when_durable = true;
};

class bus : public network::event_sink {
 public:
  // No log, no workers: frontends hear each event at once on the caller's thread.
  bus() = default;
  // `workers`: the io_contexts of the threads the network core runs on, in worker order (lane i
  // delivers on worker i). `log` may be null (nothing is stored or numbered). Destroy the bus only
  // once the workers stopped; the log must outlive it.
  bus(storage::event_log* log, const std::vector<boost::asio::io_context*>& workers,
      bus_options options = {});
  ~bus() override;
  bus(const bus&) = delete;
  bus& operator=(const bus&) = delete;

  // Before the core starts; frontends outlive the bus's use of them (main owns both).
  void attach(frontend& f) { frontends_.push_back(&f); }
  // The core that takes downlinks (set once, before traffic).
  void set_downlink_handler(network::downlink_handler& handler) { downlinks_ = &handler; }

  // From a frontend: queue downlinks. False when no core takes downlinks (nothing was queued).
  bool push_downlinks(network::downlink_request request);

  // From the network core's shards. May wait while the event's lane is full (event_lane.hpp).
  void on_join(const network::join_event& event) override;
  void on_uplink(const network::uplink_event& event) override;
  void on_downlink(const network::downlink_event& event) override;
  // Drops of a device's frames and gateway events: appended to the event log only (the device's
  // application stream, the gateway's stream), never delivered to frontends; nothing without a log.
  void on_drop(const network::drop_event& event) override { record(event); }
  void on_gateway(const network::gateway_event& event) override { record(event); }
  // From a frontend inside an MQTT hook: a downlink it refused itself. Logged and delivered like the
  // others, but never waits: a full lane sheds it from live delivery (counted; it stays in the log).
  void report_downlink(const network::downlink_event& event);

  const bus_counters& counters() const noexcept { return *counters_; }

 private:
  void publish(application_event event, event_lane::when_full full);
  void record(const application_event& event);
  std::int64_t now_ns() const;
  event_lane& lane_for(const network::device_ids& ids);
  void deliver(std::size_t lane, std::vector<lane_event>& batch);
  void deliver_now(const network::join_event& event);
  void deliver_now(const network::uplink_event& event);
  void deliver_now(const network::downlink_event& event);

  storage::event_log* log_ = nullptr;
  bool deliver_when_durable_ = true;
  std::vector<frontend*> frontends_;
  network::downlink_handler* downlinks_ = nullptr;
  std::unique_ptr<bus_counters> counters_ = std::make_unique<bus_counters>();
  std::vector<std::shared_ptr<event_lane>> lanes_;
};

}  // namespace tether::application
