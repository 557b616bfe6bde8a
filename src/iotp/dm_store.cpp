#include "iotp/dm_store.hpp"

namespace tether::iotp {
namespace {

using nlohmann::json;

constexpr const char* where_device = " WHERE org_id = ? AND type_id = ? AND device_id = ?";

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json load(const std::string& text) {
  auto j = json::parse(text, nullptr, false);
  return j.is_discarded() ? json() : j;
}

storage::statement& bind_ref(storage::statement& s, int first, const device_ref& ref) {
  return s.bind(first, ref.org).bind(first + 1, ref.type).bind(first + 2, ref.id);
}

std::optional<std::int64_t> optional_int(const storage::statement& s, int col) {
  if (s.column_is_null(col)) return std::nullopt;
  return s.column_int(col);
}

constexpr const char* request_columns =
    "SELECT req_id, org_id, type_id, device_id, action, params, override, state, step, rc, message, "
    "created_at, updated_at, deadline_at FROM iot_dm_requests";

dm_request read_request(const storage::statement& s) {
  dm_request r;
  r.req_id = s.column_text(0);
  r.device = {s.column_text(1), s.column_text(2), s.column_text(3)};
  r.kind = parse_action_kind(s.column_text(4)).value_or(dm_action_kind::reboot);
  r.params = load(s.column_text(5));
  if (!r.params.is_object()) r.params = json::object();
  r.override_others = s.column_int(6) != 0;
  r.state = parse_request_state(s.column_text(7)).value_or(dm_request_state::failed);
  r.step = static_cast<int>(s.column_int(8));
  if (auto rc = optional_int(s, 9)) r.rc = static_cast<int>(*rc);
  r.message = s.column_text(10);
  r.created_at = s.column_int(11);
  r.updated_at = s.column_int(12);
  r.deadline_at = s.column_int(13);
  return r;
}

}  // namespace

bool dm_store::device_exists(const device_ref& ref) {
  auto s = db_.prepare(std::string("SELECT 1 FROM iot_devices") + where_device);
  bind_ref(s, 1, ref);
  return s.step();
}

void dm_store::ensure_row(const device_ref& ref) {
  auto s = db_.prepare("INSERT OR IGNORE INTO iot_dm_devices (org_id, type_id, device_id) VALUES (?, ?, ?)");
  bind_ref(s, 1, ref).run();
}

void dm_store::set_column(const device_ref& ref, const char* column, const json& value) {
  ensure_row(ref);
  auto s = db_.prepare(std::string("UPDATE iot_dm_devices SET ") + column + " = ?" + where_device);
  s.bind(1, dump(value));
  bind_ref(s, 2, ref).run();
}

void dm_store::manage(const device_ref& ref, const manage_request& m, std::int64_t now,
                      const std::string& via) {
  storage::transaction t(db_);
  ensure_row(ref);
  json supports{{"deviceActions", m.device_actions}, {"firmwareActions", m.firmware_actions}};
  for (const auto& b : m.bundles) supports[b] = true;
  auto s = db_.prepare(std::string("UPDATE iot_dm_devices SET managed = 1, dormant = 0, lifetime = ?, "
                                   "managed_at = ?, expires_at = ?, supports = ?, via = ?") +
                       where_device);
  s.bind(1, m.lifetime).bind(2, now);
  if (m.lifetime > 0) {
    s.bind(3, now + m.lifetime);
  } else {
    s.bind_null(3);
  }
  s.bind(4, dump(supports)).bind(5, via);
  bind_ref(s, 6, ref).run();
  if (m.metadata) set_column(ref, "metadata", *m.metadata);
  if (m.device_info) set_column(ref, "device_info", *m.device_info);
  t.commit();
}

void dm_store::unmanage(const device_ref& ref) {
  auto s =
      db_.prepare(std::string("UPDATE iot_dm_devices SET managed = 0, expires_at = NULL") + where_device);
  bind_ref(s, 1, ref).run();
}

std::vector<device_ref> dm_store::expire_lifetimes(std::int64_t now) {
  std::vector<device_ref> out;
  storage::transaction t(db_);
  auto s = db_.prepare(
      "SELECT org_id, type_id, device_id FROM iot_dm_devices WHERE managed = 1 AND expires_at IS NOT NULL "
      "AND expires_at <= ?");
  s.bind(1, now);
  while (s.step()) out.push_back({s.column_text(0), s.column_text(1), s.column_text(2)});
  auto u = db_.prepare(std::string("UPDATE iot_dm_devices SET managed = 0, dormant = 1, expires_at = NULL") +
                       where_device);
  for (const auto& ref : out) {
    bind_ref(u, 1, ref).run();
    u.reset();
  }
  t.commit();
  return out;
}

std::optional<dm_device_state> dm_store::state(const device_ref& ref) {
  auto s = db_.prepare(
      std::string(
          "SELECT managed, dormant, lifetime, managed_at, expires_at, supports, metadata, device_info, "
          "firmware, via FROM iot_dm_devices") +
      where_device);
  bind_ref(s, 1, ref);
  if (!s.step()) return std::nullopt;
  dm_device_state st;
  st.managed = s.column_int(0) != 0;
  st.dormant = s.column_int(1) != 0;
  st.lifetime = s.column_int(2);
  st.managed_at = optional_int(s, 3);
  st.expires_at = optional_int(s, 4);
  st.supports = load(s.column_text(5));
  st.metadata = load(s.column_text(6));
  st.device_info = load(s.column_text(7));
  if (!s.column_is_null(8)) st.firmware = load(s.column_text(8));
  st.via = s.column_text(9);
  return st;
}

void dm_store::set_location(const device_ref& ref, const json& location) {
  auto s = db_.prepare(std::string("UPDATE iot_devices SET last_location = ?") + where_device);
  s.bind(1, dump(location));
  bind_ref(s, 2, ref).run();
}

std::size_t dm_store::add_error_code(const device_ref& ref, std::int64_t code, std::int64_t now) {
  storage::transaction t(db_);
  auto s = db_.prepare(
      "INSERT INTO iot_dm_error_codes (org_id, type_id, device_id, seq, code, at) SELECT ?, ?, ?, "
      "coalesce(max(seq), 0) + 1, ?, ? FROM iot_dm_error_codes WHERE org_id = ?1 AND type_id = ?2 AND "
      "device_id = ?3");
  bind_ref(s, 1, ref).bind(4, code).bind(5, now).run();
  auto trim = db_.prepare(std::string("DELETE FROM iot_dm_error_codes") + where_device +
                          " AND seq <= (SELECT max(seq) FROM iot_dm_error_codes" + where_device + ") - ?");
  bind_ref(trim, 1, ref);
  bind_ref(trim, 4, ref).bind(7, static_cast<std::int64_t>(bounds_.max_error_codes)).run();
  const auto dropped = static_cast<std::size_t>(db_.changes());
  t.commit();
  return dropped;
}

void dm_store::clear_error_codes(const device_ref& ref) {
  auto s = db_.prepare(std::string("DELETE FROM iot_dm_error_codes") + where_device);
  bind_ref(s, 1, ref).run();
}

std::vector<dm_error_code> dm_store::error_codes(const device_ref& ref) {
  auto s =
      db_.prepare(std::string("SELECT code, at FROM iot_dm_error_codes") + where_device + " ORDER BY seq");
  bind_ref(s, 1, ref);
  std::vector<dm_error_code> out;
  while (s.step()) out.push_back({s.column_int(0), s.column_int(1)});
  return out;
}

std::size_t dm_store::add_log(const device_ref& ref, const log_entry& e) {
  storage::transaction t(db_);
  const auto size = static_cast<std::int64_t>(e.message.size() + e.data.size() + e.timestamp.size());
  auto s = db_.prepare(
      "INSERT INTO iot_dm_logs (org_id, type_id, device_id, seq, message, timestamp, data, severity, size) "
      "SELECT ?, ?, ?, coalesce(max(seq), 0) + 1, ?, ?, ?, ?, ? FROM iot_dm_logs WHERE org_id = ?1 AND "
      "type_id = ?2 AND device_id = ?3");
  bind_ref(s, 1, ref).bind(4, e.message).bind(5, e.timestamp).bind(6, e.data);
  s.bind(7, std::int64_t{e.severity}).bind(8, size).run();
  // The newest entries whose sizes add up to the bound stay, at most max_logs of them.
  auto trim = db_.prepare(
      std::string("DELETE FROM iot_dm_logs") + where_device +
      " AND seq NOT IN (SELECT seq FROM (SELECT seq, sum(size) OVER (ORDER BY seq DESC) AS total FROM "
      "iot_dm_logs" +
      where_device + " ORDER BY seq DESC LIMIT ?) WHERE total <= ?)");
  bind_ref(trim, 1, ref);
  bind_ref(trim, 4, ref);
  trim.bind(7, static_cast<std::int64_t>(bounds_.max_logs))
      .bind(8, static_cast<std::int64_t>(bounds_.max_log_bytes))
      .run();
  const auto dropped = static_cast<std::size_t>(db_.changes());
  t.commit();
  return dropped;
}

void dm_store::clear_logs(const device_ref& ref) {
  auto s = db_.prepare(std::string("DELETE FROM iot_dm_logs") + where_device);
  bind_ref(s, 1, ref).run();
}

std::vector<log_entry> dm_store::logs(const device_ref& ref) {
  auto s = db_.prepare(std::string("SELECT message, timestamp, data, severity FROM iot_dm_logs") +
                       where_device + " ORDER BY seq");
  bind_ref(s, 1, ref);
  std::vector<log_entry> out;
  while (s.step()) {
    out.push_back({s.column_text(0), s.column_text(1), s.column_text(2), static_cast<int>(s.column_int(3))});
  }
  return out;
}

void dm_store::apply_fields(const device_ref& ref, const std::vector<dm_field>& fields) {
  storage::transaction t(db_);
  for (const auto& f : fields) {
    if (f.field == "location") {
      set_location(ref, f.value);
    } else {
      set_column(ref,
                 f.field == "mgmt.firmware" ? "firmware"
                 : f.field == "metadata"    ? "metadata"
                                            : "device_info",
                 f.value);
    }
  }
  t.commit();
}

void dm_store::create_request(const dm_request& r) {
  auto s = db_.prepare(
      "INSERT INTO iot_dm_requests (req_id, org_id, type_id, device_id, action, params, override, state, "
      "step, "
      "message, created_at, updated_at, deadline_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, r.req_id);
  bind_ref(s, 2, r.device).bind(5, to_string(r.kind)).bind(6, dump(r.params));
  s.bind(7, std::int64_t{r.override_others ? 1 : 0})
      .bind(8, to_string(r.state))
      .bind(9, std::int64_t{r.step});
  s.bind(10, r.message).bind(11, r.created_at).bind(12, r.updated_at).bind(13, r.deadline_at).run();
}

void dm_store::update_request(const dm_request& r) {
  auto s = db_.prepare(
      "UPDATE iot_dm_requests SET state = ?, step = ?, rc = ?, message = ?, updated_at = ? WHERE req_id = ?");
  s.bind(1, to_string(r.state)).bind(2, std::int64_t{r.step});
  if (r.rc) {
    s.bind(3, std::int64_t{*r.rc});
  } else {
    s.bind_null(3);
  }
  s.bind(4, r.message).bind(5, r.updated_at).bind(6, r.req_id).run();
}

std::vector<dm_request> dm_store::read_requests(storage::statement& s) {
  std::vector<dm_request> out;
  while (s.step()) out.push_back(read_request(s));
  return out;
}

std::optional<dm_request> dm_store::request(const std::string& req_id) {
  auto s = db_.prepare(std::string(request_columns) + " WHERE req_id = ?");
  s.bind(1, req_id);
  if (!s.step()) return std::nullopt;
  return read_request(s);
}

std::vector<dm_request> dm_store::requests_of(const std::string& org) {
  auto s = db_.prepare(std::string(request_columns) + " WHERE org_id = ? ORDER BY created_at, req_id");
  s.bind(1, org);
  return read_requests(s);
}

std::vector<dm_request> dm_store::open_requests() {
  auto s = db_.prepare(std::string(request_columns) +
                       " WHERE state IN ('pending', 'sent', 'in_progress') ORDER BY created_at, req_id");
  return read_requests(s);
}

}  // namespace tether::iotp
