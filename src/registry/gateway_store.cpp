#include "registry/gateway_store.hpp"

#include "registry/change_counter.hpp"
#include "registry/ids.hpp"
#include "registry/validation.hpp"

#include <charconv>
#include <string>

namespace tether::registry {

namespace {

constexpr std::string_view columns =
    "gateway_id, eui, frequency_plan_id, name, latitude, longitude, altitude, created_at";

// Coordinates are kept as the shortest text that reads back to the same double (std::to_chars), which
// is exact and readable in the sqlite3 shell.
std::string to_text(double value) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, end);
}

double from_text(const std::string& text) {
  double value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

gateway read_row(const storage::statement& s) {
  gateway g;
  g.gateway_id = s.column_text(0);
  if (!s.column_is_null(1)) g.eui = core::eui64::from_bytes(s.column_blob(1));
  g.frequency_plan_id = s.column_text(2);
  g.name = s.column_text(3);
  if (!s.column_is_null(4)) {
    g.location =
        location{from_text(s.column_text(4)), from_text(s.column_text(5)), from_text(s.column_text(6))};
  }
  g.created_at = s.column_int(7);
  return g;
}

bool exists(storage::database& db, std::string_view sql, std::string_view key) {
  auto s = db.prepare(sql);
  s.bind_blob(1, key);
  return s.step();
}

}  // namespace

result<gateway> gateway_store::create(gateway g) {
  if (auto ok = validate(g); !ok) return ok.error();
  storage::transaction t(db_);
  {
    auto s = db_.prepare("SELECT 1 FROM gateways WHERE gateway_id = ?");
    s.bind(1, g.gateway_id);
    if (s.step()) return registry_error::already_exists;
  }
  if (g.eui && exists(db_, "SELECT 1 FROM gateways WHERE eui = ?", g.eui->view()))
    return registry_error::eui_in_use;
  g.created_at = unix_now();
  auto insert =
      db_.prepare("INSERT INTO gateways (" + std::string(columns) + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  insert.bind(1, g.gateway_id);
  if (g.eui) {
    insert.bind_blob(2, g.eui->view());
  } else {
    insert.bind_null(2);
  }
  insert.bind(3, g.frequency_plan_id).bind(4, g.name);
  if (g.location) {
    insert.bind(5, to_text(g.location->latitude))
        .bind(6, to_text(g.location->longitude))
        .bind(7, to_text(g.location->altitude));
  } else {
    insert.bind_null(5).bind_null(6).bind_null(7);
  }
  insert.bind(8, g.created_at);
  insert.run();
  bump_registry_version(db_);
  t.commit();
  return g;
}

result<gateway> gateway_store::update(gateway g) {
  if (auto ok = validate(g); !ok) return ok.error();
  storage::transaction t(db_);
  auto current = get(g.gateway_id);
  if (!current) return current.error();
  if (g.eui) {
    auto s = db_.prepare("SELECT 1 FROM gateways WHERE eui = ? AND gateway_id <> ?");
    s.bind_blob(1, g.eui->view()).bind(2, g.gateway_id);
    if (s.step()) return registry_error::eui_in_use;
  }
  g.created_at = current->created_at;
  auto s = db_.prepare(
      "UPDATE gateways SET eui = ?, frequency_plan_id = ?, name = ?, latitude = ?, longitude = ?, "
      "altitude = ? WHERE gateway_id = ?");
  if (g.eui) {
    s.bind_blob(1, g.eui->view());
  } else {
    s.bind_null(1);
  }
  s.bind(2, g.frequency_plan_id).bind(3, g.name);
  if (g.location) {
    s.bind(4, to_text(g.location->latitude))
        .bind(5, to_text(g.location->longitude))
        .bind(6, to_text(g.location->altitude));
  } else {
    s.bind_null(4).bind_null(5).bind_null(6);
  }
  s.bind(7, g.gateway_id);
  s.run();
  bump_registry_version(db_);
  t.commit();
  return g;
}

result<gateway> gateway_store::get(std::string_view gateway_id) {
  if (!is_valid_id(gateway_id)) return registry_error::invalid_id;
  auto s = db_.prepare("SELECT " + std::string(columns) + " FROM gateways WHERE gateway_id = ?");
  s.bind(1, gateway_id);
  if (!s.step()) return registry_error::not_found;
  return read_row(s);
}

std::vector<gateway> gateway_store::list() {
  std::vector<gateway> out;
  auto s = db_.prepare("SELECT " + std::string(columns) + " FROM gateways ORDER BY gateway_id");
  while (s.step()) out.push_back(read_row(s));
  return out;
}

result<void> gateway_store::remove(std::string_view gateway_id) {
  if (!is_valid_id(gateway_id)) return registry_error::invalid_id;
  storage::transaction t(db_);
  auto s = db_.prepare("DELETE FROM gateways WHERE gateway_id = ?");
  s.bind(1, gateway_id);
  s.run();
  if (db_.changes() == 0) return registry_error::not_found;
  bump_registry_version(db_);
  t.commit();
  return {};
}

}  // namespace tether::registry
