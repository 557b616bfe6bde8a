// The delivery half of link (link.hpp): the window, acknowledgements, the cursor and the tick.

#include "application/connector/link.hpp"

#include "mqtt/client/client.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>

namespace tether::application::connector {
using boost::system::error_code;

namespace {

std::string label(const connector_config& c) { return c.application_id + "/" + c.name; }

std::int64_t unix_ns_now() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

// Publishes while the window has room: re-sends first, then the outbox, then the stream in order.
void link::fill() {
  if (state_ != state::connected || !client_ || !client_->is_connected()) return;
  entry e;
  while (client_->window_open() && take_next(e)) {
    if (!e.has_message) {
      e.acked = true;  // nothing to publish: only moves the cursor once what is before it is acked
      inflight_.push_back(std::move(e));
      continue;
    }
    e.packet_id = client_->publish(e.message.topic, e.message.payload, 1);
    e.sent_at = clock::now();
    by_packet_id_[e.packet_id] = front_serial_ + inflight_.size();
    inflight_.push_back(std::move(e));
    ++awaiting_;
    ++counters_.published;
  }
  if (awaiting_ > counters_.max_inflight) counters_.max_inflight = awaiting_;
  advance();
  client_->flush();
}

bool link::take_next(entry& out) {
  out = entry{};
  if (!resend_.empty()) {
    out = std::move(resend_.front());
    resend_.pop_front();
    return true;
  }
  {
    std::lock_guard lock(outbox_mutex_);
    if (!outbox_.empty()) {
      out.message = std::move(outbox_.front());
      outbox_.pop_front();
      return true;
    }
  }
  if (ready_.empty()) read_stream();
  if (ready_.empty()) return false;
  out = std::move(ready_.front());
  ready_.pop_front();
  return true;
}

void link::read_stream() {
  event_batch batch;
  try {
    batch = stream_.read(config_.application_id, read_after_, options_.read_batch);
  } catch (const std::exception& e) {
    spdlog::warn("connector {}: reading the event stream failed: {}", label(config_), e.what());
    return;
  }
  counters_.missing += batch.missing;
  for (const auto& event : batch.events) render(event);
  if (batch.last_seq <= read_after_) return;
  if (batch.events.empty() || batch.events.back().seq < batch.last_seq) {
    entry marker;  // numbers that were trimmed or unreadable: the cursor moves past them
    marker.seq = batch.last_seq;
    marker.last_of_event = true;
    marker.has_message = false;
    ready_.push_back(std::move(marker));
  }
  read_after_ = batch.last_seq;
}

void link::render(const stream_event& event) {
  const bool history = event.seq <= history_until_;
  scratch_.clear();
  try {
    codec_.renderer->render(event, render_context{.history = history}, scratch_);
  } catch (const std::exception& e) {
    spdlog::warn("connector {}: event #{} could not be rendered: {}", label(config_), event.seq, e.what());
    scratch_.clear();
  }
  const auto age = std::chrono::nanoseconds(unix_ns_now() - event.logged_at);
  bool kept = false;
  for (auto& m : scratch_) {
    if (!config_.types.contains(m.type)) {
      ++counters_.filtered;
      continue;
    }
    if (history && age > retention_of(m.type)) {
      ++counters_.expired;
      if (auto n = expired_log_.due())
        spdlog::warn("connector {}: event #{} is older than its retention, not replayed{}", label(config_),
                     event.seq, core::repeat_note(*n));
      continue;
    }
    if (history) ++counters_.replayed;
    entry e;
    e.seq = event.seq;
    e.message = std::move(m);
    ready_.push_back(std::move(e));
    kept = true;
  }
  if (!kept) {
    entry marker;
    marker.seq = event.seq;
    marker.has_message = false;
    ready_.push_back(std::move(marker));
  }
  ready_.back().last_of_event = true;
}

std::chrono::seconds link::retention_of(message_type type) const {
  return type == message_type::uplink || type == message_type::downlink ? options_.retention_long
                                                                        : options_.retention_short;
}

void link::on_puback(std::uint16_t packet_id) {
  auto it = by_packet_id_.find(packet_id);
  if (it == by_packet_id_.end()) return;
  auto& e = inflight_[it->second - front_serial_];
  by_packet_id_.erase(it);
  if (!e.acked) {
    e.acked = true;
    --awaiting_;
    ++counters_.acked;
  }
  advance();
}

// Drops acknowledged messages from the front; the cursor follows the last event completed in order.
void link::advance() {
  while (!inflight_.empty() && inflight_.front().acked) {
    const auto& f = inflight_.front();
    if (f.seq != 0 && f.last_of_event) acked_seq_ = f.seq;
    inflight_.pop_front();
    ++front_serial_;
  }
}

void link::arm_tick() {
  tick_timer_.expires_after(options_.tick);
  tick_timer_.async_wait([self = shared_from_this()](const error_code& ec) {
    if (!ec) self->on_tick();
  });
}

void link::on_tick() {
  if (state_ == state::stopped) return;
  const auto now = clock::now();
  if (state_ == state::connected) {
    if (!inflight_.empty() && !inflight_.front().acked &&
        now - inflight_.front().sent_at > options_.ack_timeout) {
      ++counters_.ack_timeouts;
      broken("puback", make_error_code(boost::system::errc::timed_out));
    } else {
      fill();  // picks up events no wake-up announced
    }
  }
  if (now - last_save_ >= options_.save_interval) save_cursor();
  std::erase_if(retired_, [&](const auto& r) { return now - r.first > std::chrono::seconds(2); });
  arm_tick();
}

void link::save_cursor() {
  last_save_ = clock::now();
  if (acked_seq_ == saved_seq_) return;
  try {
    stream_.save_cursor(reader_, config_.application_id, acked_seq_);
    saved_seq_ = acked_seq_;
    counters_.cursor = saved_seq_;
  } catch (const std::exception& e) {
    spdlog::warn("connector {}: saving the cursor failed: {}", label(config_), e.what());
  }
}

}  // namespace tether::application::connector
