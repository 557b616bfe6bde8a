#include "storage/mqtt_state_store.hpp"

namespace tether::storage {

// One recorded change. Strings are copied: the caller's views do not outlive the call.
struct mqtt_state_store::op {
  enum class kind {
    session_opened,
    session_closed,
    subscribed,
    unsubscribed,
    queued,
    released,
    delivered,
    retained
  };
  kind what;
  std::string realm;
  std::string client_id;
  std::string filter;  // subscribed/unsubscribed
  std::uint64_t seq = 0;
  std::uint16_t packet_id = 0;
  std::uint8_t qos = 0;
  bool retain = false;
  mqtt::message_ptr msg;  // queued/retained: shared, never copied
};

struct mqtt_state_store::statements {
  explicit statements(database& db)
      : insert_session(db.prepare("INSERT OR IGNORE INTO mqtt_sessions (realm, client_id) VALUES (?1, ?2)")),
        delete_session(db.prepare("DELETE FROM mqtt_sessions WHERE realm = ?1 AND client_id = ?2")),
        delete_session_subscriptions(
            db.prepare("DELETE FROM mqtt_subscriptions WHERE realm = ?1 AND client_id = ?2")),
        delete_session_queue(db.prepare("DELETE FROM mqtt_queue WHERE realm = ?1 AND client_id = ?2")),
        upsert_subscription(db.prepare(
            "INSERT INTO mqtt_subscriptions (realm, client_id, filter, qos) VALUES (?1, ?2, ?3, ?4) "
            "ON CONFLICT (realm, client_id, filter) DO UPDATE SET qos = excluded.qos")),
        delete_subscription(
            db.prepare("DELETE FROM mqtt_subscriptions WHERE realm = ?1 AND client_id = ?2 AND filter = ?3")),
        insert_queued(db.prepare("INSERT OR REPLACE INTO mqtt_queue (realm, client_id, seq, topic, payload, "
                                 "qos, retain, released) "
                                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0)")),
        release_queued(db.prepare(
            "UPDATE mqtt_queue SET released = ?4 WHERE realm = ?1 AND client_id = ?2 AND seq = ?3")),
        delete_queued(db.prepare("DELETE FROM mqtt_queue WHERE realm = ?1 AND client_id = ?2 AND seq = ?3")),
        upsert_retained(db.prepare(
            "INSERT INTO mqtt_retained (realm, topic, payload, qos) VALUES (?1, ?2, ?3, ?4) "
            "ON CONFLICT (realm, topic) DO UPDATE SET payload = excluded.payload, qos = excluded.qos")),
        delete_retained(db.prepare("DELETE FROM mqtt_retained WHERE realm = ?1 AND topic = ?2")) {}

  statement insert_session, delete_session, delete_session_subscriptions, delete_session_queue;
  statement upsert_subscription, delete_subscription;
  statement insert_queued, release_queued, delete_queued;
  statement upsert_retained, delete_retained;
};

class mqtt_state_store::realm_journal final : public mqtt::session_journal {
 public:
  realm_journal(mqtt_state_store& store, std::string realm) : store_(store), realm_(std::move(realm)) {}

  void session_opened(std::string_view client_id) override { record(op::kind::session_opened, client_id); }
  void session_closed(std::string_view client_id) override { record(op::kind::session_closed, client_id); }
  void subscribed(std::string_view client_id, std::string_view filter, std::uint8_t qos) override {
    auto o = make(op::kind::subscribed, client_id);
    o.filter = filter;
    o.qos = qos;
    store_.record(std::move(o));
  }
  void unsubscribed(std::string_view client_id, std::string_view filter) override {
    auto o = make(op::kind::unsubscribed, client_id);
    o.filter = filter;
    store_.record(std::move(o));
  }
  void queued(std::string_view client_id, std::uint64_t seq, const mqtt::message_ptr& msg, std::uint8_t qos,
              bool retain) override {
    auto o = make(op::kind::queued, client_id);
    o.seq = seq;
    o.msg = msg;
    o.qos = qos;
    o.retain = retain;
    store_.record(std::move(o));
  }
  void released(std::string_view client_id, std::uint64_t seq, std::uint16_t packet_id) override {
    auto o = make(op::kind::released, client_id);
    o.seq = seq;
    o.packet_id = packet_id;
    store_.record(std::move(o));
  }
  void delivered(std::string_view client_id, std::uint64_t seq) override {
    auto o = make(op::kind::delivered, client_id);
    o.seq = seq;
    store_.record(std::move(o));
  }
  void retained(const mqtt::message_ptr& msg) override {
    auto o = make(op::kind::retained, {});
    o.msg = msg;
    store_.record(std::move(o));
  }
  ticket mark() override { return store_.writer_.mark(); }
  void when_durable(ticket t, std::function<void()> done) override {
    store_.writer_.when_durable(t, std::move(done));
  }

 private:
  op make(op::kind what, std::string_view client_id) const {
    op o{what, realm_, std::string(client_id)};
    return o;
  }
  void record(op::kind what, std::string_view client_id) { store_.record(make(what, client_id)); }

  mqtt_state_store& store_;
  const std::string realm_;
};

mqtt_state_store::mqtt_state_store(const std::string& path, mqtt_state_options options)
    : writer_(path, {.max_pending = options.max_pending, .sync = options.sync, .stats = options.stats},
              "MQTT state"),
      sql_(std::make_unique<statements>(writer_.db())) {
  writer_.start(*this);
}

mqtt_state_store::~mqtt_state_store() { writer_.stop(); }

mqtt::session_journal& mqtt_state_store::journal_for(const std::string& realm) {
  auto& j = journals_[realm];
  if (!j) j = std::make_unique<realm_journal>(*this, realm);
  return *j;
}

void mqtt_state_store::record(op change) {
  writer_.record([&] {
    pending_.push_back(std::move(change));
    return 1;
  });
}

void mqtt_state_store::sync() { writer_.sync(); }

std::uint64_t mqtt_state_store::commits() const { return writer_.commits(); }

void mqtt_state_store::take_group() { group_.swap(pending_); }

void mqtt_state_store::write_group(database&) {
  for (const auto& change : group_) apply(change);
  group_.clear();
}

void mqtt_state_store::apply(const op& c) {
  auto& s = *sql_;
  auto key = [&](statement& st) -> statement& { return st.bind(1, c.realm).bind(2, c.client_id); };
  switch (c.what) {
    case op::kind::session_opened:
      key(s.insert_session).run();
      break;
    case op::kind::session_closed:
      key(s.delete_session).run();
      key(s.delete_session_subscriptions).run();
      key(s.delete_session_queue).run();
      break;
    case op::kind::subscribed:
      key(s.upsert_subscription).bind(3, c.filter).bind(4, c.qos).run();
      break;
    case op::kind::unsubscribed:
      key(s.delete_subscription).bind(3, c.filter).run();
      break;
    case op::kind::queued:
      key(s.insert_queued)
          .bind(3, static_cast<std::int64_t>(c.seq))
          .bind(4, c.msg->topic)
          .bind_blob(5, c.msg->payload)
          .bind(6, c.qos)
          .bind(7, c.retain ? 1 : 0)
          .run();
      break;
    case op::kind::released:
      key(s.release_queued).bind(3, static_cast<std::int64_t>(c.seq)).bind(4, c.packet_id).run();
      break;
    case op::kind::delivered:
      key(s.delete_queued).bind(3, static_cast<std::int64_t>(c.seq)).run();
      break;
    case op::kind::retained:
      if (c.msg->payload.empty()) {
        s.delete_retained.bind(1, c.realm).bind(2, c.msg->topic).run();
      } else {
        s.upsert_retained.bind(1, c.realm)
            .bind(2, c.msg->topic)
            .bind_blob(3, c.msg->payload)
            .bind(4, c.msg->qos)
            .run();
      }
      break;
  }
}

mqtt::restored_state mqtt_state_store::load(const std::string& realm) {
  return writer_.exclusive([&](database& db) { return read(db, realm); });
}

mqtt::restored_state mqtt_state_store::read(database& db, const std::string& realm) {
  mqtt::restored_state state;
  std::map<std::string, mqtt::restored_session> sessions;
  auto q = db.prepare("SELECT client_id FROM mqtt_sessions WHERE realm = ?1");
  q.bind(1, realm);
  while (q.step()) {
    auto id = q.column_text(0);
    sessions[id].client_id = id;
  }
  auto subs = db.prepare("SELECT client_id, filter, qos FROM mqtt_subscriptions WHERE realm = ?1");
  subs.bind(1, realm);
  while (subs.step()) {
    if (auto it = sessions.find(subs.column_text(0)); it != sessions.end()) {
      it->second.subscriptions[subs.column_text(1)] = static_cast<std::uint8_t>(subs.column_int(2));
    }
  }
  auto queue = db.prepare(
      "SELECT client_id, seq, topic, payload, qos, retain, released FROM mqtt_queue WHERE realm = ?1 "
      "ORDER BY client_id, seq");
  queue.bind(1, realm);
  while (queue.step()) {
    auto it = sessions.find(queue.column_text(0));
    if (it == sessions.end()) continue;
    mqtt::restored_message m;
    m.seq = static_cast<std::uint64_t>(queue.column_int(1));
    m.qos = static_cast<std::uint8_t>(queue.column_int(4));
    m.retain = queue.column_int(5) != 0;
    m.msg = mqtt::make_message(queue.column_text(2), queue.column_blob(3), m.qos, m.retain);
    m.released_packet_id = static_cast<std::uint16_t>(queue.column_int(6));
    it->second.queue.push_back(std::move(m));
  }
  for (auto& [id, s] : sessions) state.sessions.push_back(std::move(s));
  auto retained = db.prepare("SELECT topic, payload, qos FROM mqtt_retained WHERE realm = ?1");
  retained.bind(1, realm);
  while (retained.step()) {
    state.retained.push_back(mqtt::make_message(retained.column_text(0), retained.column_blob(1),
                                                static_cast<std::uint8_t>(retained.column_int(2)), true));
  }
  return state;
}

}  // namespace tether::storage
