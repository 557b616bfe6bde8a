#include "mqtt/broker.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

namespace tether::mqtt {

broker::broker(realm& owner, broker_options options, std::size_t workers,
               boost::asio::any_io_executor system_executor, session_journal* journal)
    : realm_(owner),
      options_(options),
      journal_(journal),
      index_(workers + 1),  // the last view belongs to the system executor
      retained_(options.max_retained, journal),
      system_executor_(system_executor),
      sys_timer_(system_executor),
      system_worker_(workers) {
  realm_.attach(*this);
}

broker::~broker() = default;

void broker::restore(const restored_state& state) {
  retained_.restore(state.retained);
  std::lock_guard lock(sessions_mutex_);
  for (const auto& r : state.sessions) {
    auto s = std::make_shared<session>(r.client_id, true, options_.session, journal_);
    s->restore(r.queue);
    for (const auto& [filter, qos] : r.subscriptions) {
      s->set_subscription(filter, qos);
      index_.add(filter, s, qos);
    }
    sessions_.erase(r.client_id);
    sessions_.emplace(s->client_id(), std::move(s));
  }
  spdlog::info("[{}] restored {} persistent session(s) and {} retained message(s)", realm_.name(),
               state.sessions.size(), state.retained.size());
}

session_grant broker::open_session(const std::string& client_id, bool clean, bool persistent,
                                   std::shared_ptr<session_link> link, principal_ptr who) {
  session_grant grant;
  std::shared_ptr<session> discarded;
  {
    std::lock_guard lock(sessions_mutex_);
    std::shared_ptr<session> slot;
    if (auto it = sessions_.find(client_id); it != sessions_.end()) {
      if (clean || !it->second->persistent()) {
        discarded = std::move(it->second);
        sessions_.erase(it);  // before `discarded`, whose ID the key views, can go
        grant.taken_over = discarded->attach(nullptr, nullptr);
        discarded->discard();
        if (discarded->journaled()) journal_->session_closed(client_id);
      } else {
        slot = it->second;
        grant.present = true;
      }
    }
    if (!slot) {
      slot = std::make_shared<session>(client_id, persistent, options_.session, journal_);
      if (slot->journaled()) journal_->session_opened(client_id);
      sessions_.emplace(slot->client_id(), slot);
    }
    grant.state = slot;
    auto previous = slot->attach(std::move(link), std::move(who));
    if (previous) grant.taken_over = std::move(previous);
  }
  if (discarded) drop_subscriptions(*discarded);
  stats_.clients_connected.fetch_add(1, std::memory_order_relaxed);
  stats_.clients_total.fetch_add(1, std::memory_order_relaxed);
  return grant;
}

std::size_t broker::disconnect_if(const std::function<bool(const principal&)>& match,
                                  const std::string& reason) {
  std::vector<std::shared_ptr<session_link>> doomed;
  {
    std::lock_guard lock(sessions_mutex_);
    for (const auto& [id, s] : sessions_) {
      auto [link, who] = s->attachment();
      if (link && who && match(*who)) doomed.push_back(std::move(link));
    }
  }
  for (auto& link : doomed) link->kick(reason);
  return doomed.size();
}

void broker::close_session(const std::shared_ptr<session>& s, const session_link* link, bool end) {
  stats_.clients_connected.fetch_sub(1, std::memory_order_relaxed);
  if (!s->attached_to(link)) return;  // taken over: the session lives on with its new connection
  s->detach(link);
  if (s->persistent() && !end) return;
  s->discard();
  if (s->journaled()) journal_->session_closed(s->client_id());
  {
    std::lock_guard lock(sessions_mutex_);
    auto it = sessions_.find(s->client_id());
    if (it != sessions_.end() && it->second == s) sessions_.erase(it);
  }
  drop_subscriptions(*s);
}

void broker::drop_subscriptions(session& s) {
  for (const auto& [filter, qos] : s.subscriptions()) index_.remove(filter, &s);
}

std::vector<message_ptr> broker::subscribe(const std::shared_ptr<session>& s, const std::string& filter,
                                           std::uint8_t qos, std::string_view share_group,
                                           std::uint8_t options, std::uint32_t id, bool* existed) {
  const auto key = subscription_index::shared_filter(share_group, filter);
  if (existed) *existed = s->subscriptions().contains(key);
  s->set_subscription(key, qos);
  if (s->journaled()) journal_->subscribed(s->client_id(), key, qos);
  index_.add(key, s, qos, options, id);
  return retained_.matching(subscription_index::split_shared(key).second);
}

bool broker::unsubscribe(const std::shared_ptr<session>& s, const std::string& filter,
                         std::string_view share_group) {
  const auto key = subscription_index::shared_filter(share_group, filter);
  if (!s->erase_subscription(key)) return false;
  if (s->journaled()) journal_->unsubscribed(s->client_id(), key);
  index_.remove(key, s.get());
  return true;
}

void broker::route(const message_ptr& msg, std::size_t worker, route_outcome& outcome) {
  if (msg->retain) {
    if (!retained_.put(msg)) {
      stats_.count_drop(drop_reason::retained_store_full);
      spdlog::warn("[{}] retained store full ({} topics): not retaining '{}'", realm_.name(),
                   options_.max_retained, msg->topic);
    } else if (journal_ && msg->qos > 0) {
      outcome.journaled = true;
    }
  }
  auto& matches = outcome.matches;
  index_.match(msg->topic, worker, matches, msg->origin);
  const bool check_reads = realm_.checks_reads();
  for (auto& m : matches) {
    if (check_reads) {
      auto who = m.target->owner();
      if (who && !realm_.authorize_read(*who, msg->topic)) continue;
    }
    auto qos = std::min(m.qos, msg->qos);
    const bool retain = msg->retain && (m.options & retain_as_published_option) != 0;  // [MQTT-3.3.1-12/13]
    auto result = m.target->enqueue(msg, qos, retain, m.id);
    if (result == enqueue_result::queued || result == enqueue_result::congested) {
      ++outcome.delivered;
      if (qos > 0 && m.target->journaled()) outcome.journaled = true;
    }
    switch (result) {
      case enqueue_result::queued:
      case enqueue_result::offline:
        break;
      case enqueue_result::congested:
        outcome.congested.push_back(m.owner);
        break;
      case enqueue_result::dropped: {
        // QoS 0 too: an online subscriber past its hard limit loses a message it would have had.
        stats_.count_drop(drop_reason::queue_full);
        // Logged at the 1st, 2nd, 4th, 8th, ... drop of a session, so a flood cannot flood the log.
        auto n = m.target->dropped();
        if ((n & (n - 1)) == 0) {
          spdlog::warn(
              "[{}] queue of client '{}' full ({} messages): dropped QoS {} message on '{}' ({} so far)",
              realm_.name(), m.target->client_id(), options_.session.max_queued, qos, msg->topic, n);
        }
        break;
      }
      case enqueue_result::closed:  // a race with the session's end; its subscriptions go next
        if (qos > 0) stats_.count_drop(drop_reason::session_closed);
        break;
    }
  }
  matches.clear();  // release the sessions
}

void broker::publish(message_ptr msg) {
  boost::asio::post(system_executor_, [this, msg = std::move(msg)] {
    route_outcome outcome;
    route(msg, system_worker_, outcome);
  });
}

void broker::publish_on(message_ptr msg, std::size_t worker) {
  if (worker >= system_worker_) return publish(std::move(msg));
  route_outcome outcome;
  route(msg, worker, outcome);
}

broker::message_counts broker::count_messages() const {
  message_counts out;
  std::lock_guard lock(sessions_mutex_);
  for (const auto& [id, s] : sessions_) {
    out.queued += s->queued();
    out.in_flight += s->in_flight();
  }
  return out;
}

std::size_t broker::session_count() const {
  std::lock_guard lock(sessions_mutex_);
  return sessions_.size();
}

}  // namespace tether::mqtt
