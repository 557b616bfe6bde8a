#pragma once
// One client connection: reads bytes, decodes packets, hands each to its handler, and writes what
// the handlers and the session produce. Lives on one worker thread; only `wake` and `kick` are
// called from other threads, and they post onto that thread.
//
// Handlers are split by packet family: connection_connect.cpp, connection_publish.cpp,
// connection_subscribe.cpp; this file's .cpp holds the I/O, dispatch and closing.

#include "core/ring_queue.hpp"
#include "mqtt/broker.hpp"
#include "mqtt/codec/packet.hpp"
#include "mqtt/session.hpp"
#include "mqtt/transport.hpp"
#include "mqtt/worker_pool.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>

namespace tether::mqtt {

class connection : public session_link,
                   public deadline_watch,
                   public read_sink,
                   public std::enable_shared_from_this<connection> {
 public:
  connection(worker& home, broker& target, std::unique_ptr<transport> stream);
  ~connection() override;

  void start();

  // session_link
  void wake() override;
  void kick(std::string reason) override;
  void kick_for(disconnect_reason why, std::string reason) override;
  // deadline_watch
  void check_deadline(std::chrono::steady_clock::time_point now) override;
  // read_sink
  void on_read(boost::system::error_code ec, std::span<const std::uint8_t> data) override;

 private:
  enum class phase : std::uint8_t { awaiting_connect, connected, closed };

  // What an idle connection does not need: routing scratch, acknowledgements held for the disk and
  // flow control (publishers), the will, the tail of a packet split across reads. Allocated on first
  // use and kept, so idle and subscribe-only connections skip it.
  struct extra_state {
    route_outcome route;    // reused across messages
    std::string held_acks;  // acknowledgements of this read batch waiting for the disk
    core::ring_queue<std::pair<session_journal::ticket, std::string>> sealed_acks;  // batches waiting
    std::size_t paused_for = 0;  // congested subscribers not yet below their room mark
    bool realm_paused = false;   // the realm's consumer is congested (realm::congested)
    std::uint64_t received = 0;  // folded into broker stats per batch
    std::optional<codec::will_message> will;
    std::string pending_in;  // the unconsumed tail of a partial packet
  };
  extra_state& extra();

  // What only an MQTT 5 connection needs (connection_v5.cpp), allocated at its CONNECT.
  struct v5_state {
    std::uint32_t session_expiry = 0;        // seconds; 0: the session ends with the connection
    std::uint32_t max_packet_size = 0;       // the client's Maximum Packet Size; 0: none
    std::vector<std::string> topic_aliases;  // inbound: alias N is element N-1 (empty: unset)
    bool disconnect_sent = false;
  };

  // This connection's traffic, for realms that ask (realm::counts_traffic).
  struct traffic_counts {
    std::uint64_t bytes_read = 0;
    std::uint64_t messages_read = 0;
    std::uint64_t bytes_written = 0;
    std::uint64_t messages_written = 0;
  };

  void read_next();
  void consume(std::span<const std::uint8_t> data);
  std::size_t process(std::span<const std::uint8_t> data);
  void pause_while_congested();
  void pause_for_realm();
  // After a batch of input: acknowledgements, output, then the next read unless reading is paused.
  void finish_batch();
  // A pause ended: parse what waited, then read on (unless another pause still holds).
  void resume_reading();
  bool reading_paused() const noexcept { return extra_ && (extra_->paused_for > 0 || extra_->realm_paused); }
  std::string_view client_id() const noexcept;
  void dispatch(codec::packet& p);

  // Handlers (one per packet type).
  void handle_connect(codec::connect& c);
  void handle_publish(codec::publish& p);
  void handle_puback(const codec::puback& p);
  void handle_pubrec(const codec::pubrec& p);
  void handle_pubrel(const codec::pubrel& p);
  void handle_pubcomp(const codec::pubcomp& p);
  void handle_subscribe(codec::subscribe& s);
  void handle_unsubscribe(const codec::unsubscribe& u);

  bool accept_ack(session::ack_result result, std::string_view kind, std::uint16_t packet_id);
  bool accept_client_id(codec::connect& c);
  // `reason` (MQTT 5, when not success) is sent instead of `code`'s reason code.
  void refuse(codec::connack_code code, std::string_view why, std::string_view client_id = {},
              codec::reason_code reason = codec::reason_code::success);

  // MQTT 5 (connection_v5.cpp).
  bool v5() const noexcept { return version_ == codec::protocol_version::v5; }
  // CONNECT checks a 5.0 client must pass before authentication; false when refused.
  bool accept_v5_connect(const codec::connect& c);
  // The capabilities the CONNACK announces [MQTT-3.2.2.3].
  codec::property_set connack_properties(const codec::connect& c, bool assigned_id) const;
  // Shrinks an encoded CONNACK to the client's Maximum Packet Size; false when it cannot fit.
  bool fit_connack(codec::connack& ack, std::string& bytes) const;
  // The topic a PUBLISH names, through its Topic Alias; false when the connection closed for it.
  bool resolve_topic_alias(codec::publish& p);
  // Inbound QoS 2 within the Receive Maximum the CONNACK announced; false when closed for it.
  bool within_receive_maximum();
  // The properties a PUBLISH carries on to subscribers; false when the connection closed for it.
  bool accept_publish_properties(const codec::publish& p);
  std::shared_ptr<const message_extras> extras_of(codec::property_set& props) const;
  void handle_disconnect(const codec::disconnect& d);
  // Publishes the will after `delay_s` seconds unless the client has resumed its session by then.
  void schedule_will(message_ptr will, std::uint32_t delay_s);
  // Sends DISCONNECT with `code` (5.0, once CONNACK went out) and closes after it is written.
  void fail(codec::reason_code code, std::string_view reason, disconnect_reason why);
  void send_disconnect(codec::reason_code code, std::string_view reason_string);
  void publish_will();
  // The topic or filter inside the broker's namespace (the principal's mount point prepended).
  std::string mounted(std::string topic) const;
  // A publish or subscribe the realm refused: true when the connection is closed for it.
  bool closes_on_refusal(std::string_view what);

  // Output.
  void send(const codec::packet& p);
  // PUBACK/PUBREC: held back while what they acknowledge is not yet on disk (and behind earlier
  // held-back ones, since acknowledgements keep the order of the PUBLISHes [MQTT-4.6.0-2]).
  void send_ack(const codec::packet& p, bool needs_disk);
  void seal_held_acks();
  void release_acks(session_journal::ticket durable);
  void flush();
  void count_skips(const session::drain_skips& skips);
  void start_write();
  void on_written(boost::system::error_code ec);

  // Ends the connection. `graceful`: the client sent DISCONNECT (no will). Pending output is
  // written first when `after_write` is set (a refusing CONNACK must reach the client). `why` tells the
  // realm; connection_lost with a reason starting "protocol error" counts as protocol_error.
  void close(std::string_view reason, bool graceful = false, bool after_write = false,
             disconnect_reason why = disconnect_reason::connection_lost);
  void finish_close();

  // Ordered to pack: an idle connection is a few hundred bytes (issue #3's memory target).
  worker& home_;
  broker& broker_;
  std::unique_ptr<transport> transport_;
  principal_ptr principal_;
  std::shared_ptr<session> session_;
  std::unique_ptr<extra_state> extra_;
  std::unique_ptr<traffic_counts> traffic_;
  std::unique_ptr<v5_state> v5_;
  std::chrono::steady_clock::time_point deadline_;

  std::string tx_;          // output being gathered
  std::string tx_writing_;  // output being written

  std::uint32_t keep_alive_ms_ = 0;  // 1.5 × the client's keep-alive; 0: none
  phase phase_ = phase::awaiting_connect;
  codec::protocol_version version_ = codec::protocol_version::v3_1_1;
  bool writing_ = false;
  bool more_queued_ = false;  // the session holds more than one drain took
  bool close_after_write_ = false;
  bool socket_closed_ = false;
};

}  // namespace tether::mqtt
