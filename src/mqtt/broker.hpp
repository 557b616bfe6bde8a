#pragma once
// One realm's MQTT namespace: its sessions, subscriptions, retained messages and routing. Several
// listeners (TCP, TLS, WebSocket) may feed one broker; every worker thread routes through it
// without a shared lock (see subscription_index).

#include "mqtt/broker_options.hpp"
#include "mqtt/broker_stats.hpp"
#include "mqtt/realm.hpp"
#include "mqtt/retained_store.hpp"
#include "mqtt/session.hpp"
#include "mqtt/subscription_index.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tether::mqtt {

struct session_grant {
  std::shared_ptr<session> state;
  bool present = false;                      // an earlier session was resumed (CONNACK session-present flag)
  std::shared_ptr<session_link> taken_over;  // the connection that held this client ID before
};

// What routing one message did, for the publisher's flow control.
// Reused by the caller across messages, so routing does not allocate in the steady state.
struct route_outcome {
  std::size_t delivered = 0;
  bool journaled = false;  // some of it must reach the disk before the publisher's acknowledgement
  std::vector<std::shared_ptr<session>> congested;  // sessions over their queue limit
  std::vector<subscriber_match> matches;            // scratch
};

class broker : public realm_publisher {
 public:
  // `journal` (may be null: nothing survives a restart) records persistent sessions and retained messages.
  broker(realm& owner, broker_options options, std::size_t workers,
         boost::asio::any_io_executor system_executor, session_journal* journal = nullptr);
  ~broker() override;

  realm& owner() noexcept { return realm_; }
  session_journal* journal() noexcept { return journal_; }

  // Before the first client connects: persistent sessions and retained messages from the journal.
  void restore(const restored_state& state);
  const broker_options& options() const noexcept { return options_; }
  broker_stats& stats() noexcept { return stats_; }

  // Session lifecycle (connection threads).
  // `clean`: discard any earlier session (Clean Session / Clean Start); `persistent`: the session
  // outlives the connection (3.1.1: !clean; 5.0: a Session Expiry Interval above 0).
  session_grant open_session(const std::string& client_id, bool clean, bool persistent,
                             std::shared_ptr<session_link> link, principal_ptr who);
  session_grant open_session(const std::string& client_id, bool clean, std::shared_ptr<session_link> link,
                             principal_ptr who) {
    return open_session(client_id, clean, !clean, std::move(link), std::move(who));
  }
  // A connection ends: detach it, and drop the session if it was not persistent or `end` is set
  // (an MQTT 5 client resumed it with, or disconnected with, a Session Expiry Interval of 0).
  void close_session(const std::shared_ptr<session>& s, const session_link* link, bool end = false);

  // Subscriptions. Returns the retained messages now due to the subscriber. With `share_group`, the
  // subscription is shared (kept as "$share/{group}/{filter}", see subscription_index). `options`
  // and `id`: MQTT 5 subscription options and Subscription Identifier (subscription_index.hpp).
  // `existed` (optional) tells whether the session already had this subscription.
  std::vector<message_ptr> subscribe(const std::shared_ptr<session>& s, const std::string& filter,
                                     std::uint8_t qos, std::string_view share_group = {},
                                     std::uint8_t options = 0, std::uint32_t id = 0, bool* existed = nullptr);
  // False when the session had no such subscription.
  bool unsubscribe(const std::shared_ptr<session>& s, const std::string& filter,
                   std::string_view share_group = {});

  // Routes a message published by a client on worker `worker`.
  void route(const message_ptr& msg, std::size_t worker, route_outcome& outcome);

  // realm_publisher: queued onto the system executor so realm hooks never re-enter the broker.
  void publish(message_ptr msg) override;
  // realm_publisher: routed at once on `worker` (the caller runs on its thread, outside any hook), so
  // realm events spread over the workers instead of all running on the system executor.
  void publish_on(message_ptr msg, std::size_t worker) override;

  // Closes every connected client whose principal matches (a revoked key, a deleted gateway), from
  // any thread. Returns how many were asked to close.
  std::size_t disconnect_if(const std::function<bool(const principal&)>& match, const std::string& reason);

  std::size_t session_count() const;
  // Messages waiting in sessions' queues, and QoS 1/2 messages sent and not yet acknowledged, summed
  // over every session (each session's lock taken in turn).
  struct message_counts {
    std::size_t queued = 0;
    std::size_t in_flight = 0;
  };
  message_counts count_messages() const;
  std::size_t subscription_count() const noexcept { return index_.subscription_count(); }
  std::size_t retained_count() const { return retained_.size(); }

  // Starts the $SYS/broker/... updates.
  void start_sys_topics(std::string version);

 private:
  void drop_subscriptions(session& s);
  void publish_sys(std::string topic, std::string payload);
  void schedule_sys();

  realm& realm_;
  broker_options options_;
  broker_stats stats_;
  session_journal* journal_;
  subscription_index index_;
  retained_store retained_;
  boost::asio::any_io_executor system_executor_;
  boost::asio::steady_timer sys_timer_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::string version_;
  std::unordered_map<std::string, std::string> sys_values_;  // last published $SYS values

  mutable std::mutex sessions_mutex_;
  // Keyed by a view of the session's own client ID: one copy of the ID per session.
  std::unordered_map<std::string_view, std::shared_ptr<session>> sessions_;
  const std::size_t system_worker_;  // the index view used by the system executor
};

}  // namespace tether::mqtt
