#include "iotp/registry_key_store.hpp"

#include "iotp/registry_ids.hpp"
#include "iotp/registry_token.hpp"
#include "registry/change_counter.hpp"

namespace tether::iotp {
namespace {

constexpr std::string_view columns = "api_key, org_id, role, created_at, token_hash";

iot_api_key read_key(const storage::statement& s) {
  return {api_key_record{s.column_text(1), s.column_text(0), s.column_text(2)}, s.column_int(3)};
}

bool org_exists(storage::database& db, std::string_view org) {
  auto s = db.prepare("SELECT 1 FROM iot_orgs WHERE org_id = ?");
  s.bind(1, org);
  return s.step();
}

}  // namespace

result<created_api_key> registry_key_store::create(std::string_view org, std::string_view role) {
  if (!is_valid_org(org)) return iot_error::invalid_org;
  if (!role.empty() && !is_valid_key_role(role)) return iot_error::invalid_role;
  storage::transaction t(db_);
  if (!org_exists(db_, org)) return iot_error::unknown_org;
  created_api_key out;
  out.key.record = {std::string(org), "", std::string(role)};
  // 36^10 keys per org: a clash is a freak, but one is redrawn rather than refused.
  for (;;) {
    out.key.record.key = "a-" + std::string(org) + "-" + random_alnum(api_key_suffix_length, true);
    auto s = db_.prepare("SELECT 1 FROM iot_api_keys WHERE api_key = ?");
    s.bind(1, out.key.record.key);
    if (!s.step()) break;
  }
  out.token = generate_token();
  out.key.created_at = registry::unix_now();
  db_.prepare(
         "INSERT INTO iot_api_keys (api_key, org_id, token_hash, role, created_at) VALUES (?, ?, ?, ?, ?)")
      .bind(1, out.key.record.key)
      .bind(2, org)
      .bind_blob(3, hash_token(out.token))
      .bind(4, role)
      .bind(5, out.key.created_at)
      .run();
  registry::bump_registry_version(db_);
  t.commit();
  return out;
}

result<std::vector<iot_api_key>> registry_key_store::list(std::string_view org) {
  if (!is_valid_org(org)) return iot_error::invalid_org;
  if (!org_exists(db_, org)) return iot_error::unknown_org;
  auto s = db_.prepare("SELECT " + std::string(columns) +
                       " FROM iot_api_keys WHERE org_id = ? ORDER BY created_at, api_key");
  s.bind(1, org);
  std::vector<iot_api_key> out;
  while (s.step()) out.push_back(read_key(s));
  return out;
}

result<iot_api_key> registry_key_store::get(std::string_view key) {
  if (!is_valid_api_key(key)) return iot_error::invalid_api_key;
  auto s = db_.prepare("SELECT " + std::string(columns) + " FROM iot_api_keys WHERE api_key = ?");
  s.bind(1, key);
  if (!s.step()) return iot_error::not_found;
  return read_key(s);
}

result<void> registry_key_store::remove(std::string_view key) {
  if (!is_valid_api_key(key)) return iot_error::invalid_api_key;
  storage::transaction t(db_);
  db_.prepare("DELETE FROM iot_api_keys WHERE api_key = ?").bind(1, key).run();
  if (db_.changes() == 0) return iot_error::not_found;
  registry::bump_registry_version(db_);
  t.commit();
  return {};
}

std::vector<stored_api_key> registry_key_store::load_all() {
  std::vector<stored_api_key> out;
  auto s = db_.prepare("SELECT " + std::string(columns) + " FROM iot_api_keys");
  while (s.step()) out.push_back({read_key(s).record, s.column_blob(4)});
  return out;
}

}  // namespace tether::iotp
