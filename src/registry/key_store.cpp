#include "registry/key_store.hpp"

#include "registry/change_counter.hpp"
#include "registry/ids.hpp"
#include "registry/key_format.hpp"
#include "registry/validation.hpp"

namespace tether::registry {

namespace {

constexpr std::string_view columns =
    "key_id, gateway_id, application_id, rights, name, created_at, secret_hash";
// Admin keys have no owner: two NULL owner columns, so read_row() serves both tables.
constexpr std::string_view admin_columns = "key_id, NULL, NULL, rights, name, created_at, secret_hash";

std::string_view columns_of(std::string_view table) {
  return table == "admin_keys" ? admin_columns : columns;
}

std::string rights_text(const rights& granted) {
  std::string out;
  for (right r : granted.list()) {
    if (!out.empty()) out += ',';
    out += right_name(r);
  }
  return out;
}

stored_key read_row(const storage::statement& s) {
  stored_key k;
  k.key.key_id = s.column_text(0);
  if (!s.column_is_null(1)) {
    k.key.owner = {entity_kind::gateway, s.column_text(1)};
  } else if (!s.column_is_null(2)) {
    k.key.owner = {entity_kind::application, s.column_text(2)};
  } else {
    k.key.owner = {entity_kind::admin, {}};
  }
  // Written by rights_text(); a name this binary no longer knows grants nothing.
  if (auto parsed = parse_rights(s.column_text(3))) k.key.rights = *parsed;
  k.key.name = s.column_text(4);
  k.key.created_at = s.column_int(5);
  k.secret_hash = s.column_blob(6);
  return k;
}

registry_error unknown(entity_kind kind) {
  return kind == entity_kind::gateway ? registry_error::unknown_gateway : registry_error::unknown_application;
}

bool owner_exists(storage::database& db, const entity_ref& owner) {
  auto s =
      db.prepare(owner.kind == entity_kind::gateway ? "SELECT 1 FROM gateways WHERE gateway_id = ?"
                                                    : "SELECT 1 FROM applications WHERE application_id = ?");
  s.bind(1, owner.id);
  return s.step();
}

}  // namespace

result<created_key> key_store::create(const entity_ref& owner, const rights& granted, std::string_view name) {
  const bool admin = owner.kind == entity_kind::admin;
  if (admin ? !owner.id.empty() : !is_valid_id(owner.id)) return registry_error::invalid_id;
  if (auto ok = validate_key_rights(owner.kind, granted); !ok) return ok.error();
  if (!is_valid_name(name)) return registry_error::invalid_name;
  storage::transaction t(db_);
  if (!admin && !owner_exists(db_, owner)) return unknown(owner.kind);
  auto parts = generate_key();
  created_key out{api_key{parts.key_id, owner, granted, std::string(name), unix_now()}, format_key(parts)};
  auto insert = admin
                    ? db_.prepare(
                          "INSERT INTO admin_keys (key_id, rights, name, created_at, secret_hash) "
                          "VALUES (?, ?, ?, ?, ?)")
                    : db_.prepare(
                          "INSERT INTO api_keys (key_id, rights, name, created_at, secret_hash, gateway_id, "
                          "application_id) VALUES (?, ?, ?, ?, ?, ?, ?)");
  insert.bind(1, parts.key_id).bind(2, rights_text(granted)).bind(3, std::string(name));
  insert.bind(4, out.key.created_at).bind_blob(5, hash_secret(parts.secret));
  if (owner.kind == entity_kind::gateway) {
    insert.bind(6, owner.id).bind_null(7);
  } else if (owner.kind == entity_kind::application) {
    insert.bind_null(6).bind(7, owner.id);
  }
  insert.run();
  bump_registry_version(db_);
  t.commit();
  return out;
}

result<std::vector<api_key>> key_store::list(const entity_ref& owner) {
  std::string sql;
  if (owner.kind == entity_kind::admin) {
    if (!owner.id.empty()) return registry_error::invalid_id;
    sql = "SELECT " + std::string(admin_columns) + " FROM admin_keys";
  } else {
    if (!is_valid_id(owner.id)) return registry_error::invalid_id;
    if (!owner_exists(db_, owner)) return unknown(owner.kind);
    sql = "SELECT " + std::string(columns) + " FROM api_keys WHERE " +
          (owner.kind == entity_kind::gateway ? "gateway_id" : "application_id") + " = ?";
  }
  auto s = db_.prepare(sql + " ORDER BY created_at, key_id");
  if (owner.kind != entity_kind::admin) s.bind(1, owner.id);
  std::vector<api_key> out;
  while (s.step()) out.push_back(read_row(s).key);
  return out;
}

result<api_key> key_store::get(std::string_view key_id) {
  for (auto table : {"api_keys", "admin_keys"}) {
    auto s = db_.prepare("SELECT " + std::string(columns_of(table)) + " FROM " + table + " WHERE key_id = ?");
    s.bind(1, key_id);
    if (s.step()) return read_row(s).key;
  }
  return registry_error::not_found;
}

result<void> key_store::remove(std::string_view key_id) {
  storage::transaction t(db_);
  int removed = 0;
  for (auto table : {"api_keys", "admin_keys"}) {
    auto s = db_.prepare(std::string("DELETE FROM ") + table + " WHERE key_id = ?");
    s.bind(1, key_id);
    s.run();
    removed += db_.changes();
  }
  if (removed == 0) return registry_error::not_found;
  bump_registry_version(db_);
  t.commit();
  return {};
}

result<api_key> key_store::rename(std::string_view key_id, std::string_view name) {
  if (!is_valid_name(name)) return registry_error::invalid_name;
  storage::transaction t(db_);
  int renamed = 0;
  for (auto table : {"api_keys", "admin_keys"}) {
    auto s = db_.prepare(std::string("UPDATE ") + table + " SET name = ? WHERE key_id = ?");
    s.bind(1, std::string(name)).bind(2, key_id);
    s.run();
    renamed += db_.changes();
  }
  if (renamed == 0) return registry_error::not_found;
  bump_registry_version(db_);
  t.commit();
  return get(key_id);
}

std::vector<stored_key> key_store::load_all() {
  std::vector<stored_key> out;
  for (auto table : {"api_keys", "admin_keys"}) {
    auto s = db_.prepare("SELECT " + std::string(columns_of(table)) + " FROM " + table);
    while (s.step()) out.push_back(read_row(s));
  }
  return out;
}

}  // namespace tether::registry
