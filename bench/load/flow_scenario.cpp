#include "flow_scenario.hpp"

#include "latency_histogram.hpp"
#include "payload.hpp"
#include "sequence_check.hpp"

#include <fmt/core.h>
#include <boost/asio/steady_timer.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>

namespace tether::bench {
namespace {

using boost::system::error_code;
constexpr std::int64_t ns_per_s = 1'000'000'000;

asio::steady_timer::time_point to_time_point(std::int64_t ns) {
  return asio::steady_timer::time_point(std::chrono::nanoseconds(ns));
}

std::int64_t seconds_to_ns(double s) { return static_cast<std::int64_t>(s * ns_per_s); }

// Topic names are unique per run so that a broker shared with other runs never mixes their messages.
std::string make_run_id() { return fmt::format("{:x}{:x}", ::getpid(), now_ns() & 0xffffff); }

class flow_run {
 public:
  explicit flow_run(const flow_options& o) : o_(o), watch_timer_(io_), run_id_(make_run_id()) {}

  flow_result run() {
    build();
    std::vector<mqtt::client*> all;
    for (auto& p : publishers_) all.push_back(p->client.get());
    for (auto& s : subscribers_) all.push_back(s->client.get());
    run_start_ns_ = now_ns();
    connect_all(all, o_.connect, [this](const connect_outcome& c) { on_connected(c); });
    watch();
    io_.run();
    return summarize();
  }

 private:
  struct publisher {
    std::unique_ptr<mqtt::client> client;
    std::unique_ptr<asio::steady_timer> timer;
    std::string topic;
    std::string payload;
    std::uint32_t id = 0;
    std::uint64_t sent = 0;
    std::int64_t start_ns = 0;  // staggered so that paced publishers do not all fire at once
    bool finished = false;
    bool timer_armed = false;
  };

  struct subscriber {
    subscriber(std::size_t publishers, std::int64_t only) : check(publishers, only) {}
    std::unique_ptr<mqtt::client> client;
    std::string filter;
    sequence_check check;
    latency_histogram latency;
  };

  std::size_t publisher_count() const { return o_.kind == flow_kind::fan_out ? 1 : o_.clients; }
  std::size_t subscriber_count() const { return o_.kind == flow_kind::fan_in ? 1 : o_.clients; }

  std::string topic_of(std::size_t publisher) const {
    auto base = fmt::format("{}/{}", o_.topic_prefix, run_id_);
    switch (o_.kind) {
      case flow_kind::fan_in:
        return fmt::format("{}/in/{}", base, publisher);
      case flow_kind::fan_out:
        return base + "/out";
      case flow_kind::pairs:
        return fmt::format("{}/pair/{}", base, publisher);
    }
    return base;
  }

  std::string filter_of(std::size_t subscriber) const {
    switch (o_.kind) {
      case flow_kind::fan_in:
        return fmt::format("{}/{}/in/+", o_.topic_prefix, run_id_);
      case flow_kind::fan_out:
        return topic_of(0);
      case flow_kind::pairs:
        return topic_of(subscriber);
    }
    return {};
  }

  client_events events_for(publisher* p) {
    client_events e;
    e.on_ready = [this, p] { pump(*p); };
    e.on_error = [this, p](std::string_view what, const error_code& ec) {
      record_error(fmt::format("publisher {}: {}: {}", p->id, what, ec.message()));
    };
    return e;
  }

  client_events events_for(subscriber* s, std::size_t index) {
    client_events e;
    e.on_message = [this, s](std::string_view, std::span<const std::uint8_t> payload, std::uint8_t) {
      on_message(*s, payload);
    };
    e.on_error = [this, index](std::string_view what, const error_code& ec) {
      record_error(fmt::format("subscriber {}: {}: {}", index, what, ec.message()));
    };
    return e;
  }

  void build() {
    for (std::size_t i = 0; i < publisher_count(); ++i) {
      auto p = std::make_unique<publisher>();
      p->id = static_cast<std::uint32_t>(i);
      p->topic = topic_of(i);
      p->payload.assign(std::max(o_.payload_size, stamp_size), 'x');
      p->timer = std::make_unique<asio::steady_timer>(io_);
      client_options co{fmt::format("tb-{}-p{}", run_id_, i), 0, 4096, o_.window};
      p->client = std::make_unique<mqtt::client>(io_, co, events_for(p.get()));
      publishers_.push_back(std::move(p));
    }
    for (std::size_t i = 0; i < subscriber_count(); ++i) {
      auto only = o_.kind == flow_kind::pairs ? static_cast<std::int64_t>(i) : -1;
      auto s = std::make_unique<subscriber>(publisher_count(), only);
      s->filter = filter_of(i);
      client_options co{fmt::format("tb-{}-s{}", run_id_, i), 0, 64 * 1024, o_.window};
      s->client = std::make_unique<mqtt::client>(io_, co, events_for(s.get(), i));
      subscribers_.push_back(std::move(s));
    }
  }

  void on_connected(const connect_outcome& c) {
    if (c.failed > 0) {
      errors_ += c.failed;
      if (first_error_.empty()) first_error_ = "connect: " + c.first_error;
      return finish();
    }
    for (auto& s : subscribers_) {
      s->client->subscribe(s->filter, o_.qos, [this](std::uint8_t granted) {
        if (granted != o_.qos) {
          record_error(fmt::format("SUBACK granted {} instead of QoS {}", granted, o_.qos));
          return finish();
        }
        if (++subscribed_ == subscribers_.size()) start_publishing();
      });
    }
  }

  void start_publishing() {
    auto now = now_ns();
    first_send_ns_ = now;
    end_ns_ = o_.duration_s > 0 ? now + seconds_to_ns(o_.duration_s) : 0;
    for (auto& p : publishers_) {
      p->start_ns = o_.rate > 0 ? now + static_cast<std::int64_t>(p->id * ns_per_s / o_.rate) : now;
      pump(*p);
    }
  }

  // Messages a paced publisher should have sent by `now`.
  std::uint64_t due_by(const publisher& p, std::int64_t now) const {
    if (now < p.start_ns) return 0;
    double per_publisher = o_.rate / static_cast<double>(publishers_.size());
    return static_cast<std::uint64_t>(static_cast<double>(now - p.start_ns) * per_publisher / ns_per_s) + 1;
  }

  std::int64_t due_time(const publisher& p, std::uint64_t n) const {
    double per_publisher = o_.rate / static_cast<double>(publishers_.size());
    return p.start_ns + static_cast<std::int64_t>(static_cast<double>(n) * ns_per_s / per_publisher);
  }

  bool done_sending(publisher& p, std::int64_t now) {
    if (o_.duration_s > 0 ? now >= end_ns_ : p.sent >= o_.count) p.finished = true;
    return p.finished;
  }

  // Queues as many publishes as the window, the batch size and the pace allow, then writes them.
  void pump(publisher& p) {
    if (finished_ || first_send_ns_ == 0 || p.finished) return;
    auto& c = *p.client;
    while (true) {
      auto now = now_ns();
      if (done_sending(p, now)) break;
      if ((o_.qos > 0 && !c.window_open()) || c.buffered() >= o_.batch_bytes) break;
      if (o_.rate > 0 && p.sent >= due_by(p, now)) {
        arm_timer(p);
        break;
      }
      write_stamp({p.id, p.sent, now}, p.payload);
      c.publish(p.topic, p.payload, o_.qos);
      ++p.sent;
      last_send_ns_ = now;
    }
    c.flush();
  }

  void arm_timer(publisher& p) {
    if (p.timer_armed) return;
    p.timer_armed = true;
    p.timer->expires_at(to_time_point(due_time(p, p.sent)));
    p.timer->async_wait([this, &p](const error_code& ec) {
      p.timer_armed = false;
      if (!ec) pump(p);
    });
  }

  void on_message(subscriber& s, std::span<const std::uint8_t> payload) {
    auto now = now_ns();
    auto st = read_stamp(payload);
    if (!st) {
      s.check.observe(~0u, 0);  // not ours: counted as unexpected
      return;
    }
    s.check.observe(st->publisher, st->sequence);
    s.latency.record(now - st->sent_ns);
    last_receive_ns_ = now;
    ++delivered_;
  }

  void record_error(std::string text) {
    ++errors_;
    if (first_error_.empty()) first_error_ = std::move(text);
  }

  std::vector<std::uint64_t> sent_counts() const {
    std::vector<std::uint64_t> sent;
    for (auto& p : publishers_) sent.push_back(p->sent);
    return sent;
  }

  std::uint64_t expected_deliveries() const {
    std::uint64_t total = 0;
    auto sent = sent_counts();
    for (auto& s : subscribers_) total += s->check.expected(sent);
    return total;
  }

  bool publishers_done() const {
    return std::all_of(publishers_.begin(), publishers_.end(),
                       [](auto& p) { return p->finished && p->client->inflight() == 0; });
  }

  // Ends the run when every expected message has arrived, or when none has for drain_timeout_s
  // after the publishers stopped, or at the overall timeout.
  void watch() {
    if (finished_) return;
    auto now = now_ns();
    if (now - run_start_ns_ > seconds_to_ns(o_.timeout_s)) {
      timed_out_ = true;
      return finish();
    }
    if (delivered_ != progress_mark_) {
      progress_mark_ = delivered_;
      progress_ns_ = now;
    }
    if (first_send_ns_ != 0 && publishers_done()) {
      if (delivered_ >= expected_deliveries()) return finish();
      if (now - progress_ns_ > seconds_to_ns(o_.drain_timeout_s)) return finish();
    }
    watch_timer_.expires_after(std::chrono::milliseconds(20));
    watch_timer_.async_wait([this](const error_code& ec) {
      if (!ec) watch();
    });
  }

  // Disconnects everyone; clients that cannot get their DISCONNECT out are closed after a grace period.
  void finish() {
    if (finished_) return;
    finished_ = true;
    for (auto& p : publishers_) p->timer->cancel();
    for (auto& p : publishers_) p->client->disconnect();
    for (auto& s : subscribers_) s->client->disconnect();
    watch_timer_.expires_after(std::chrono::seconds(2));
    watch_timer_.async_wait([this](const error_code&) {
      for (auto& p : publishers_) p->client->close();
      for (auto& s : subscribers_) s->client->close();
    });
  }

  flow_result summarize() const {
    flow_result r;
    r.scenario = to_string(o_.kind);
    r.qos = o_.qos;
    r.publishers = publishers_.size();
    r.subscribers = subscribers_.size();
    r.payload_size = std::max(o_.payload_size, stamp_size);
    r.target_rate = o_.rate;
    auto sent = sent_counts();
    latency_histogram latency;
    for (auto& p : publishers_) r.sent += p->sent;
    for (auto& s : subscribers_) {
      r.expected += s->check.expected(sent);
      r.missing += s->check.missing(sent);
      r.delivered += s->check.totals().received;
      r.disordered += s->check.totals().disordered;
      r.unexpected += s->check.totals().unexpected;
      latency.merge(s->latency);
    }
    r.errors = errors_;
    r.first_error = first_error_;
    r.timed_out = timed_out_;
    if (first_send_ns_ != 0 && last_receive_ns_ > first_send_ns_) {
      r.elapsed_s = static_cast<double>(last_receive_ns_ - first_send_ns_) / ns_per_s;
      r.delivered_per_s = static_cast<double>(r.delivered) / r.elapsed_s;
    }
    if (last_send_ns_ > first_send_ns_) {
      r.sent_per_s =
          static_cast<double>(r.sent) / (static_cast<double>(last_send_ns_ - first_send_ns_) / ns_per_s);
    }
    r.latency = {latency.count(), latency.percentile_ns(0.5) / 1e3, latency.percentile_ns(0.99) / 1e3,
                 latency.percentile_ns(0.999) / 1e3, static_cast<double>(latency.max_ns()) / 1e3};
    r.ok = r.errors == 0 && r.missing == 0 && r.unexpected == 0 && !r.timed_out && r.sent > 0 &&
           (o_.qos == 0 || r.disordered == 0);
    return r;
  }

  asio::io_context io_;
  flow_options o_;
  asio::steady_timer watch_timer_;
  std::string run_id_;
  std::vector<std::unique_ptr<publisher>> publishers_;
  std::vector<std::unique_ptr<subscriber>> subscribers_;
  std::size_t subscribed_ = 0;
  std::int64_t run_start_ns_ = 0;
  std::int64_t first_send_ns_ = 0;
  std::int64_t last_send_ns_ = 0;
  std::int64_t last_receive_ns_ = 0;
  std::int64_t end_ns_ = 0;
  std::uint64_t delivered_ = 0;
  std::uint64_t progress_mark_ = 0;
  std::int64_t progress_ns_ = 0;
  std::uint64_t errors_ = 0;
  std::string first_error_;
  bool finished_ = false;
  bool timed_out_ = false;
};

}  // namespace

std::string to_string(flow_kind kind) {
  switch (kind) {
    case flow_kind::fan_in:
      return "fan-in";
    case flow_kind::fan_out:
      return "fan-out";
    case flow_kind::pairs:
      return "pairs";
  }
  return "?";
}

flow_result run_flow(const flow_options& options) { return flow_run(options).run(); }

}  // namespace tether::bench
