#pragma once
// One connector's link to the user's broker: reads its application's durable event stream from the
// connector's stored cursor, renders each event (message_renderer.hpp) and publishes the messages
// QoS 1 through the project's MQTT client, over TCP, TLS, WebSocket or WSS.
//
// Delivery (Everynet's connector, B1): at most `window` (100) publishes await PUBACK; a PUBACK missing
// after `ack_timeout` (1 s) means the link is broken. A broken link or a failed attempt (no CONNACK
// within `connect_timeout`) reconnects after a backoff that starts at 0.1 s, doubles after each failed
// attempt up to 60 s, and starts again from 0.1 s after a CONNACK. After each CONNACK the link re-reads
// the stream from the last event whose messages were all PUBACK'd, in order: what was unacknowledged
// is re-sent, what was produced while the link was down follows, all of it marked history, then live
// events. The cursor moves only past acknowledged events, in order, and is saved every `save_interval`
// (and on stop), so a restart of Tether resumes there too: at least once, never lost. Replayed
// messages older than their type's retention (uplink and downlink 48 h, others 1 h) are skipped,
// counted and logged.
//
// A connector that never saved a cursor starts at the end of the stream (it gets what comes after its
// creation, not the application's whole history).
//
// Queues: at most `read_ahead` rendered messages wait for the window (the stream is read again when
// fewer are left; nothing is dropped). The outbox (messages not from the stream) holds at most
// `outbox_capacity`; beyond, post() refuses, counted and logged.
//
// Threads: everything runs on the io_context given (one thread); wake(), post(), counters() and
// stop_async() may be called from any thread. Held by shared_ptr: pending handlers keep it alive.

#include "application/connector/connector_config.hpp"
#include "application/connector/message_renderer.hpp"
#include "core/log_limiter.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace tether::mqtt {
class client;
}

namespace tether::application::connector {

struct link_options {
  std::size_t window = 100;
  std::chrono::milliseconds ack_timeout{1000};
  std::chrono::milliseconds backoff_min{100};
  std::chrono::milliseconds backoff_max{60'000};
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds tick{100};  // ack-timeout check, stream poll and cursor save
  std::chrono::milliseconds save_interval{100};
  std::chrono::seconds retention_long{48 * 3600};  // uplink, downlink
  std::chrono::seconds retention_short{3600};      // every other type
  std::uint16_t keep_alive = 30;                   // seconds
  std::size_t read_batch = 500;
  std::size_t read_ahead = 1000;
  std::size_t outbox_capacity = 1000;
};

// Monotonic counts since the link was made (read from any thread).
struct link_counters {
  std::atomic<std::uint64_t> published{0};  // PUBLISH packets sent, re-sends included
  std::atomic<std::uint64_t> acked{0};      // PUBACKs received
  std::atomic<std::uint64_t> replayed{0};   // messages rendered as history
  std::atomic<std::uint64_t> expired{0};    // history messages skipped: older than their retention
  std::atomic<std::uint64_t> missing{0};    // stream numbers trimmed before the link read them
  std::atomic<std::uint64_t> filtered{0};   // messages of types the connector does not take
  std::atomic<std::uint64_t> outbox_dropped{0};
  std::atomic<std::uint64_t> downstream{0};          // messages received on topic_down
  std::atomic<std::uint64_t> downstream_dropped{0};  // ... without a handler
  std::atomic<std::uint64_t> connects{0};            // CONNACKs
  std::atomic<std::uint64_t> connect_failures{0};
  std::atomic<std::uint64_t> ack_timeouts{0};
  std::atomic<std::uint64_t> link_errors{0};  // connections lost after CONNACK
  std::atomic<std::uint64_t> max_inflight{0};
  std::atomic<std::uint64_t> cursor{0};  // the last saved position
};

class link final : public outbox, public std::enable_shared_from_this<link> {
 public:
  link(boost::asio::io_context& io, event_stream& stream, connector_config config, connector_codec codec,
       link_options options = {});
  ~link() override;
  link(const link&) = delete;
  link& operator=(const link&) = delete;

  // On the link's thread (or before the io_context runs).
  void start();
  // Posts the stop: saves the cursor, disconnects; pending handlers then end.
  void stop_async();
  // New events may be in the stream (thread-safe, cheap: at most one wake-up is pending).
  void wake();
  bool post(rendered_message message) override;

  const connector_config& config() const noexcept { return config_; }
  const link_counters& counters() const noexcept { return counters_; }
  // The reader name of the cursor in the event stream.
  static std::string reader_name(const connector_config& config);

 private:
  using clock = std::chrono::steady_clock;
  enum class state : std::uint8_t { idle, connecting, connected, waiting, stopped };
  struct entry {
    std::uint64_t seq = 0;  // the stream event it renders; 0: from the outbox
    bool last_of_event = false;
    bool has_message = true;  // false: an event that yielded nothing to publish (moves the cursor)
    bool acked = false;
    std::uint16_t packet_id = 0;
    clock::time_point sent_at{};
    rendered_message message;
  };

  void attempt();
  void connect_next();
  void on_connected();
  void attempt_failed(std::string_view what, const boost::system::error_code& ec);
  void broken(std::string_view what, const boost::system::error_code& ec);
  void schedule_attempt();
  void retire_client();
  void requeue();
  void on_downstream(std::string_view topic, std::span<const std::uint8_t> payload);

  void fill();
  bool take_next(entry& out);
  void read_stream();
  void render(const stream_event& event);
  void on_puback(std::uint16_t packet_id);
  void advance();
  void on_tick();
  void arm_tick();
  void save_cursor();
  std::chrono::seconds retention_of(message_type type) const;

  boost::asio::io_context& io_;
  event_stream& stream_;
  connector_config config_;
  connector_codec codec_;
  link_options options_;
  std::string reader_;
  link_counters counters_;

  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::steady_timer retry_timer_;
  boost::asio::steady_timer connect_timer_;
  boost::asio::steady_timer tick_timer_;
  std::unique_ptr<mqtt::client> client_;
  // Closed clients, kept until their aborted handlers have run.
  std::vector<std::pair<clock::time_point, std::unique_ptr<mqtt::client>>> retired_;
  state state_ = state::idle;
  std::chrono::milliseconds backoff_;
  std::uint64_t attempt_id_ = 0;                           // tells a stale handler from the current attempt's
  std::vector<boost::asio::ip::tcp::endpoint> endpoints_;  // the host's addresses, tried in order
  std::size_t next_endpoint_ = 0;

  std::uint64_t acked_seq_ = 0;      // every event up to it is delivered
  std::uint64_t saved_seq_ = 0;      // the stored cursor
  std::uint64_t read_after_ = 0;     // the stream is read from here
  std::uint64_t history_until_ = 0;  // events up to it were produced before the last CONNACK
  clock::time_point last_save_{};
  std::deque<entry> ready_;     // rendered, not yet sent
  std::deque<entry> inflight_;  // sent in order; acked ones leave from the front
  std::unordered_map<std::uint16_t, std::size_t> by_packet_id_;  // -> serial
  std::size_t front_serial_ = 0;                                 // serial of inflight_.front()
  std::size_t awaiting_ = 0;                                     // unacked in inflight_
  std::vector<rendered_message> scratch_;

  std::mutex outbox_mutex_;
  std::deque<rendered_message> outbox_;  // guarded by outbox_mutex_
  std::deque<entry> resend_;             // outbox messages to send again after a reconnect
  std::atomic<bool> wake_pending_{false};

  core::log_limiter connect_log_;
  core::log_limiter expired_log_;
  core::log_limiter outbox_log_;
  core::log_limiter downstream_log_;
};

}  // namespace tether::application::connector
