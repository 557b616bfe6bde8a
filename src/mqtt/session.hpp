#pragma once
// One client's MQTT session: its subscriptions, the messages waiting for it, the QoS 1/2 messages
// in flight to it, and the QoS 2 packet identifiers it has sent us. It outlives a connection when
// the client asked for a persistent session. Publishers on any worker thread enqueue into it; the
// attached connection drains it on its own thread. A mutex per session guards this hand-over, so
// no lock is shared between sessions.

#include "core/ring_queue.hpp"
#include "mqtt/codec/packet.hpp"
#include "mqtt/message.hpp"
#include "mqtt/realm.hpp"
#include "mqtt/session_journal.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace tether::mqtt {

// What a session needs from the connection it is attached to.
class session_link {
 public:
  virtual ~session_link() = default;
  // Thread-safe: asks the connection to call `session::drain` on its own thread soon.
  virtual void wake() = 0;
  // Thread-safe: closes the connection (another one took its session over, its key was revoked, ...).
  virtual void kick(std::string reason) = 0;
  // As kick, telling the realm why (disconnect_info::reason); by default the reason is lost.
  virtual void kick_for(disconnect_reason /*why*/, std::string reason) { kick(std::move(reason)); }
};

struct session_limits {
  std::size_t max_queued = 1000;          // waiting messages; offline QoS 1/2 past this are dropped
  std::size_t max_inflight = 100;         // unacknowledged QoS 1/2 messages to the client (0: no limit)
  std::size_t online_queue_factor = 100;  // an online session's hard limit is max_queued × this
};

enum class enqueue_result {
  queued,     // accepted
  congested,  // accepted, but the queue is over its limit: the publisher should pause
  dropped,    // not accepted, a loss to count: offline queue full, or an online session's hard limit
  offline,    // QoS 0 to an offline session: not queued, and no loss (nothing promised its delivery)
  closed,     // not accepted: the session has ended (discarded)
};

class session {
 public:
  // `journal` (persistent sessions only, may be null) records what must survive a restart.
  session(std::string client_id, bool persistent, session_limits limits, session_journal* journal = nullptr);

  const std::string& client_id() const noexcept { return client_id_; }
  bool persistent() const noexcept { return persistent_; }
  // Whether QoS 1/2 messages queued here are written to disk (their acknowledgement waits for it).
  bool journaled() const noexcept { return journal_ != nullptr; }

  // After a restart: messages that were queued or in flight. They go out again with DUP set, since
  // the client may have seen them before the restart.
  void restore(const std::vector<restored_message>& queue);

  // Any thread.
  // `subscription_id`: the MQTT 5 Subscription Identifier the delivery carries (0: none).
  enqueue_result enqueue(const message_ptr& msg, std::uint8_t qos, bool retain_flag,
                         std::uint32_t subscription_id = 0);
  // Calls `resume` (once) when the queue has drained below half its limit.
  void wait_for_room(std::function<void()> resume);

  // The attached connection's thread.
  // Returns the link it replaces (a connection being taken over), if any.
  std::shared_ptr<session_link> attach(std::shared_ptr<session_link> link, principal_ptr who);
  void detach(const session_link* link);
  // The session is gone (clean disconnect or replaced): refuse every later message.
  void discard();
  bool attached_to(const session_link* link) const;
  principal_ptr owner() const;
  // The attached connection and who it is (both null when offline), read together.
  std::pair<std::shared_ptr<session_link>, principal_ptr> attachment() const;

  // What the attached MQTT 5 client asked of what it receives (CONNECT properties); 0: no limit.
  struct delivery_limits {
    std::uint16_t receive_maximum = 0;  // QoS 1/2 messages unacknowledged at a time
    std::uint32_t max_packet_size = 0;  // a larger PUBLISH is skipped for this client [MQTT-3.1.2-25]
  };
  void set_delivery_limits(delivery_limits limits);

  // Appends ready packets (redeliveries first, then queued messages within the in-flight window)
  // to `out` until it holds `max_bytes`. Returns true when more is waiting. Expired messages are
  // dropped instead [MQTT-3.3.2-5]. Only the attached `link` may drain (a connection being taken
  // over gets nothing more).
  struct drain_skips {
    std::size_t expired = 0;
    std::size_t too_large = 0;
  };
  bool drain(const session_link* link, std::string& out, codec::protocol_version version,
             std::size_t max_bytes, std::size_t& sent, drain_skips* skips = nullptr);

  // Acknowledgements from the client. `mismatch`: the identifier is in flight but this is the
  // wrong acknowledgement for its QoS or stage (a protocol violation).
  enum class ack_result { ok, unknown, mismatch };
  ack_result on_puback(std::uint16_t packet_id);
  ack_result on_pubrec(std::uint16_t packet_id);
  ack_result on_pubcomp(std::uint16_t packet_id);

  // Inbound QoS 2: true when the identifier is new (route the message), false for a resend.
  bool begin_inbound_qos2(std::uint16_t packet_id);
  void end_inbound_qos2(std::uint16_t packet_id);
  std::size_t inbound_qos2_pending() const;  // identifiers awaiting PUBREL

  // Subscriptions as the client made them (filter → granted QoS).
  void set_subscription(const std::string& filter, std::uint8_t qos);
  bool erase_subscription(const std::string& filter);
  std::map<std::string, std::uint8_t> subscriptions() const;

  std::size_t queued() const;
  std::size_t in_flight() const;  // QoS 1/2 messages sent and not yet acknowledged
  std::uint64_t dropped() const;

 private:
  struct pending {
    message_ptr msg;
    std::uint8_t qos = 0;
    bool retain = false;
    bool dup = false;
    std::uint32_t subscription_id = 0;
    std::uint64_t seq = 0;  // journal position (journaled sessions only)
  };
  struct flight {
    message_ptr msg;
    std::uint8_t qos = 0;
    bool retain = false;
    bool released = false;  // QoS 2: PUBREC received, PUBREL sent
    std::uint64_t seq = 0;
    std::uint32_t subscription_id = 0;
  };

  // Parts that an idle session does not use (empty std::map and std::set still cost 48 bytes each),
  // allocated on first use and kept for the session's life.
  struct rare_state {
    std::map<std::uint16_t, flight> in_flight;
    std::set<std::uint16_t> inbound_qos2;
    std::map<std::string, std::uint8_t> subscriptions;
    std::vector<std::function<void()>> waiters;
    std::uint64_t last_seq = 0;  // journal position of the last queued message
    std::uint64_t dropped = 0;
  };
  rare_state& rare();  // under the lock
  bool has_in_flight() const noexcept { return rare_ && !rare_->in_flight.empty(); }

  std::uint16_t next_packet_id();
  bool window_full() const;
  std::size_t room_mark() const;
  std::size_t hard_limit() const;
  void wake_waiters_locked(std::vector<std::function<void()>>& out);
  // Encodes one PUBLISH; false (nothing written) when it is over the client's maximum packet size.
  bool encode_delivery(std::string_view topic, const message& msg, std::uint8_t qos, bool retain, bool dup,
                       std::uint16_t id, std::uint32_t subscription_id, codec::protocol_version version,
                       std::string& out) const;

  const std::string client_id_;
  session_journal* const journal_;
  const session_limits limits_;

  mutable std::mutex mutex_;
  std::shared_ptr<session_link> link_;
  principal_ptr owner_;
  core::ring_queue<pending> queue_;
  std::unique_ptr<rare_state> rare_;
  std::uint16_t last_packet_id_ = 0;
  delivery_limits delivery_;
  const bool persistent_;
  bool wake_requested_ = false;
  bool redeliver_ = false;  // after a reconnect, resend everything in flight with DUP
  bool discarded_ = false;
};

}  // namespace tether::mqtt
