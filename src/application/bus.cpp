#include "application/bus.hpp"

#include "storage/event_log.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <functional>
#include <stdexcept>

namespace tether::application {

bus::bus(storage::event_log* log, const std::vector<boost::asio::io_context*>& workers, bus_options options)
    : log_(log), deliver_when_durable_(options.deliver_when_durable) {
  if (workers.empty()) throw std::invalid_argument("application::bus needs at least one worker");
  for (std::size_t i = 0; i < workers.size(); ++i) {
    lanes_.push_back(std::make_shared<event_lane>(
        i, *workers[i], log, options.lane_capacity, options.drain_batch, *counters_,
        [this](std::size_t lane, std::vector<lane_event>& batch) { deliver(lane, batch); }));
  }
}

bus::~bus() {
  // A when_durable still outstanding keeps its lane alive; a closed lane delivers nothing.
  for (auto& lane : lanes_) lane->close();
  if (log_) {
    const auto& c = *counters_;
    spdlog::info(
        "application events: {} logged in {} commits, {} delivered, {} waits for a full queue, {} shed from "
        "live delivery",
        c.appended.load(), log_->commits(), c.delivered.load(), c.waited.load(), c.shed.load());
  }
}

void bus::on_join(const network::join_event& event) {
  if (lanes_.empty()) return deliver_now(event);
  publish(event, event_lane::when_full::wait);
}

void bus::on_uplink(const network::uplink_event& event) {
  if (lanes_.empty()) return deliver_now(event);
  publish(event, event_lane::when_full::wait);
}

void bus::on_downlink(const network::downlink_event& event) {
  if (lanes_.empty()) return deliver_now(event);
  publish(event, event_lane::when_full::wait);
}

void bus::report_downlink(const network::downlink_event& event) {
  if (lanes_.empty()) return deliver_now(event);
  publish(event, event_lane::when_full::shed);
}

void bus::deliver_now(const network::join_event& event) {
  for (auto* f : frontends_) f->on_join(event, {});
}

void bus::deliver_now(const network::uplink_event& event) {
  for (auto* f : frontends_) f->on_uplink(event, {});
}

void bus::deliver_now(const network::downlink_event& event) {
  for (auto* f : frontends_) f->on_downlink(event, {});
}

std::int64_t bus::now_ns() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void bus::record(const application_event& event) {
  if (!log_) return;
  log_->append(stream_of(event), encode_event(event), now_ns());
  counters_->appended.fetch_add(1, std::memory_order_relaxed);
}

void bus::publish(application_event event, event_lane::when_full full) {
  lane_event e;
  if (log_) {
    const auto position = log_->append(stream_of(event), encode_event(event), now_ns());
    e.ticket = deliver_when_durable_ ? position.ticket : 0;
    e.seq = position.seq;
    counters_->appended.fetch_add(1, std::memory_order_relaxed);
  }
  auto& lane = lane_for(*ids_of(event));
  e.event = std::move(event);
  lane.push(std::move(e), full);
}

event_lane& bus::lane_for(const network::device_ids& ids) {
  // The worker the event came from (a shard's); from any other thread, a lane chosen by device, so
  // that one device's events still share one.
  for (auto& lane : lanes_) {
    if (lane->runs_here()) return *lane;
  }
  const auto h = std::hash<std::string>{}(ids.application_id) * 31 + std::hash<std::string>{}(ids.device_id);
  return *lanes_[h % lanes_.size()];
}

void bus::deliver(std::size_t lane, std::vector<lane_event>& batch) {
  for (const auto& e : batch) {
    const event_context context{e.seq, lane};
    std::visit(
        [&](const auto& event) {
          using T = std::decay_t<decltype(event)>;
          for (auto* f : frontends_) {
            if constexpr (std::is_same_v<T, network::join_event>) {
              f->on_join(event, context);
            } else if constexpr (std::is_same_v<T, network::uplink_event>) {
              f->on_uplink(event, context);
            } else if constexpr (std::is_same_v<T, network::downlink_event>) {
              f->on_downlink(event, context);
            }
          }
        },
        e.event);
  }
}

bool bus::push_downlinks(network::downlink_request request) {
  if (!downlinks_) return false;
  downlinks_->push_downlinks(std::move(request));
  return true;
}

}  // namespace tether::application
