#include "mqtt/session.hpp"

#include "mqtt/codec/encoder.hpp"

#include <algorithm>
#include <utility>

namespace tether::mqtt {

session::session(std::string client_id, bool persistent, session_limits limits, session_journal* journal)
    : client_id_(std::move(client_id)),
      journal_(persistent ? journal : nullptr),
      limits_(limits),
      persistent_(persistent) {}

session::rare_state& session::rare() {
  if (!rare_) rare_ = std::make_unique<rare_state>();
  return *rare_;
}

void session::restore(const std::vector<restored_message>& queue) {
  std::lock_guard lock(mutex_);
  for (const auto& m : queue) {
    rare().last_seq = std::max(rare().last_seq, m.seq);
    if (m.released_packet_id != 0) {
      rare().in_flight.emplace(m.released_packet_id, flight{nullptr, m.qos, m.retain, true, m.seq, 0});
      redeliver_ = true;
    } else {
      queue_.push_back({m.msg, m.qos, m.retain, true, 0, m.seq});
    }
  }
}

std::size_t session::hard_limit() const {
  return link_ ? limits_.max_queued * limits_.online_queue_factor : limits_.max_queued;
}

enqueue_result session::enqueue(const message_ptr& msg, std::uint8_t qos, bool retain_flag,
                                std::uint32_t subscription_id) {
  std::shared_ptr<session_link> to_wake;
  enqueue_result result = enqueue_result::queued;
  {
    std::lock_guard lock(mutex_);
    if (discarded_) return enqueue_result::closed;
    // QoS 0 is not queued for an offline client (nothing promises its delivery).
    if (!link_ && qos == 0) return enqueue_result::offline;
    if (queue_.size() >= hard_limit()) {
      ++rare().dropped;
      return enqueue_result::dropped;
    }
    std::uint64_t seq = 0;
    if (journal_ && qos > 0) {
      seq = ++rare().last_seq;
      journal_->queued(client_id_, seq, msg, qos, retain_flag);  // under the lock: ordered before its ack
    }
    queue_.push_back({msg, qos, retain_flag, false, subscription_id, seq});
    if (link_ && queue_.size() >= limits_.max_queued) result = enqueue_result::congested;
    if (link_ && !wake_requested_) {
      wake_requested_ = true;
      to_wake = link_;
    }
  }
  if (to_wake) to_wake->wake();
  return result;
}

void session::wait_for_room(std::function<void()> resume) {
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= room_mark()) {
      rare().waiters.push_back(std::move(resume));
      return;
    }
  }
  resume();
}

void session::wake_waiters_locked(std::vector<std::function<void()>>& out) {
  if (rare_ && !rare_->waiters.empty() && queue_.size() < room_mark()) out.swap(rare_->waiters);
}

std::shared_ptr<session_link> session::attach(std::shared_ptr<session_link> link, principal_ptr who) {
  std::lock_guard lock(mutex_);
  auto previous = std::exchange(link_, std::move(link));
  owner_ = std::move(who);
  redeliver_ = has_in_flight();
  wake_requested_ = false;
  return previous;
}

principal_ptr session::owner() const {
  std::lock_guard lock(mutex_);
  return owner_;
}

std::pair<std::shared_ptr<session_link>, principal_ptr> session::attachment() const {
  std::lock_guard lock(mutex_);
  return {link_, owner_};
}

void session::detach(const session_link* link) {
  std::vector<std::function<void()>> waiters;
  {
    std::lock_guard lock(mutex_);
    if (link_.get() != link) return;
    link_.reset();
    wake_requested_ = false;
    if (rare_) waiters.swap(rare_->waiters);  // nobody drains an offline session: let publishers go on
  }
  for (auto& w : waiters) w();
}

void session::discard() {
  std::lock_guard lock(mutex_);
  discarded_ = true;
  queue_.clear();
}

bool session::attached_to(const session_link* link) const {
  std::lock_guard lock(mutex_);
  return link_.get() == link;
}

// "No limit" still stops at 65535: there are no more packet identifiers.
bool session::window_full() const {
  constexpr std::size_t identifiers = 65535;
  const std::size_t n = rare_ ? rare_->in_flight.size() : 0;
  return n >= identifiers || (limits_.max_inflight != 0 && n >= limits_.max_inflight) ||
         (delivery_.receive_maximum != 0 && n >= delivery_.receive_maximum);  // [MQTT-3.3.4-9]
}

void session::set_delivery_limits(delivery_limits limits) {
  std::lock_guard lock(mutex_);
  delivery_ = limits;
}

bool session::encode_delivery(std::string_view topic, const message& msg, std::uint8_t qos, bool retain,
                              bool dup, std::uint16_t id, std::uint32_t subscription_id,
                              codec::protocol_version version, std::string& out) const {
  const auto start = out.size();
  if (version != codec::protocol_version::v5 || (!msg.extras && subscription_id == 0)) {
    codec::encode_publish(topic, msg.payload, qos, retain, dup, id, version, out);
  } else {
    codec::property_set props = msg.extras ? msg.extras->properties : codec::property_set{};
    if (msg.extras && msg.extras->expires()) {
      // The remaining lifetime, rounded up: a message that has not expired never shows 0 [MQTT-3.3.2-6].
      auto left = msg.extras->expires_at - std::chrono::steady_clock::now();
      auto secs = std::chrono::ceil<std::chrono::seconds>(left).count();
      props.message_expiry_interval = static_cast<std::uint32_t>(std::max<decltype(secs)>(secs, 1));
    }
    if (subscription_id != 0) props.subscription_identifiers.push_back(subscription_id);
    codec::encode_publish(topic, msg.payload, qos, retain, dup, id, version, props, out);
  }
  if (delivery_.max_packet_size != 0 && out.size() - start > delivery_.max_packet_size) {
    out.resize(start);
    return false;
  }
  return true;
}

std::uint16_t session::next_packet_id() {
  do {
    last_packet_id_ = static_cast<std::uint16_t>(last_packet_id_ + 1);
    if (last_packet_id_ == 0) last_packet_id_ = 1;
  } while (rare_ && rare_->in_flight.contains(last_packet_id_));
  return last_packet_id_;
}

// Paused publishers resume once the queue is below half its limit (and empty for a limit of 1).
std::size_t session::room_mark() const { return std::max<std::size_t>(limits_.max_queued / 2, 1); }

bool session::drain(const session_link* link, std::string& out, codec::protocol_version version,
                    std::size_t max_bytes, std::size_t& sent, drain_skips* skips) {
  std::vector<std::function<void()>> waiters;
  bool more = false;
  drain_skips skipped;
  {
    std::lock_guard lock(mutex_);
    if (link_.get() != link) return false;
    wake_requested_ = false;
    // Topics as the client sees them (principal::topic_map), rebuilt only for realms that map.
    std::string scratch;
    const bool mapped = owner_ && !owner_->topic_map.empty();
    auto unmounted = [&](const std::string& topic) -> std::string_view {
      return mapped ? to_client_topic(*owner_, topic, scratch) : std::string_view(topic);
    };
    if (redeliver_) {
      redeliver_ = false;
      for (const auto& [id, f] : rare().in_flight) {
        if (f.released) {
          codec::encode(codec::pubrel{id}, version, out);
        } else {
          // Already sent once within the client's maximum packet size: the resend fits too.
          encode_delivery(unmounted(f.msg->topic), *f.msg, f.qos, f.retain, true, id, f.subscription_id,
                          version, out);
        }
        ++sent;
      }
    }
    const auto now = std::chrono::steady_clock::now();
    while (!queue_.empty() && out.size() < max_bytes) {
      auto& p = queue_.front();
      if (expired(*p.msg, now)) {
        ++skipped.expired;
        if (journal_ && p.qos > 0) journal_->delivered(client_id_, p.seq);
      } else if (p.qos == 0) {
        if (encode_delivery(unmounted(p.msg->topic), *p.msg, 0, p.retain, false, 0, p.subscription_id,
                            version, out)) {
          ++sent;
        } else {
          ++skipped.too_large;
        }
      } else {
        if (window_full()) break;
        auto id = next_packet_id();
        if (encode_delivery(unmounted(p.msg->topic), *p.msg, p.qos, p.retain, p.dup, id, p.subscription_id,
                            version, out)) {
          rare().in_flight.emplace(
              id, flight{std::move(p.msg), p.qos, p.retain, false, p.seq, p.subscription_id});
          ++sent;
        } else {
          ++skipped.too_large;
          if (journal_) journal_->delivered(client_id_, p.seq);
        }
      }
      queue_.pop_front();
    }
    more = !queue_.empty() && !window_full();
    wake_waiters_locked(waiters);
    if (skipped.expired + skipped.too_large != 0) rare().dropped += skipped.expired + skipped.too_large;
  }
  if (skips) {
    skips->expired += skipped.expired;
    skips->too_large += skipped.too_large;
  }
  for (auto& w : waiters) w();
  return more;
}

session::ack_result session::on_puback(std::uint16_t packet_id) {
  std::lock_guard lock(mutex_);
  if (!rare_) return ack_result::unknown;
  auto& flights = rare_->in_flight;
  auto it = flights.find(packet_id);
  if (it == flights.end()) return ack_result::unknown;
  if (it->second.qos != 1) return ack_result::mismatch;
  if (journal_) journal_->delivered(client_id_, it->second.seq);
  flights.erase(it);
  return ack_result::ok;
}

session::ack_result session::on_pubrec(std::uint16_t packet_id) {
  std::lock_guard lock(mutex_);
  if (!rare_) return ack_result::unknown;
  auto& flights = rare_->in_flight;
  auto it = flights.find(packet_id);
  if (it == flights.end()) return ack_result::unknown;
  if (it->second.qos != 2) return ack_result::mismatch;
  if (journal_ && !it->second.released) journal_->released(client_id_, it->second.seq, packet_id);
  it->second.released = true;  // a repeated PUBREC just gets PUBREL again
  it->second.msg.reset();      // only the identifier matters from here on
  return ack_result::ok;
}

session::ack_result session::on_pubcomp(std::uint16_t packet_id) {
  std::lock_guard lock(mutex_);
  if (!rare_) return ack_result::unknown;
  auto& flights = rare_->in_flight;
  auto it = flights.find(packet_id);
  if (it == flights.end()) return ack_result::unknown;
  if (!it->second.released) return ack_result::mismatch;
  if (journal_) journal_->delivered(client_id_, it->second.seq);
  flights.erase(it);
  return ack_result::ok;
}

bool session::begin_inbound_qos2(std::uint16_t packet_id) {
  std::lock_guard lock(mutex_);
  return rare().inbound_qos2.insert(packet_id).second;
}

void session::end_inbound_qos2(std::uint16_t packet_id) {
  std::lock_guard lock(mutex_);
  if (rare_) rare_->inbound_qos2.erase(packet_id);
}

std::size_t session::inbound_qos2_pending() const {
  std::lock_guard lock(mutex_);
  return rare_ ? rare_->inbound_qos2.size() : 0;
}

void session::set_subscription(const std::string& filter, std::uint8_t qos) {
  std::lock_guard lock(mutex_);
  rare().subscriptions[filter] = qos;
}

bool session::erase_subscription(const std::string& filter) {
  std::lock_guard lock(mutex_);
  return rare_ && rare_->subscriptions.erase(filter) > 0;
}

std::map<std::string, std::uint8_t> session::subscriptions() const {
  std::lock_guard lock(mutex_);
  return rare_ ? rare_->subscriptions : std::map<std::string, std::uint8_t>{};
}

std::size_t session::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

std::size_t session::in_flight() const {
  std::lock_guard lock(mutex_);
  return rare_ ? rare_->in_flight.size() : 0;
}

std::uint64_t session::dropped() const {
  std::lock_guard lock(mutex_);
  return rare_ ? rare_->dropped : 0;
}

}  // namespace tether::mqtt
