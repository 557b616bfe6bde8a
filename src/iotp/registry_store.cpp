#include "iotp/registry_store.hpp"

#include "iotp/registry_ids.hpp"
#include "iotp/registry_token.hpp"
#include "registry/change_counter.hpp"

#include <spdlog/spdlog.h>

#include <map>
#include <tuple>

namespace tether::iotp {
namespace {

using registry::bump_registry_version;
using registry::unix_now;

constexpr std::string_view device_columns =
    "org_id, type_id, device_id, role, registered_via, registered_by, created_at, connected, "
    "last_connect_at, last_disconnect_at, last_location, token_hash";

std::optional<std::int64_t> optional_int(const storage::statement& s, int column) {
  if (s.column_is_null(column)) return std::nullopt;
  return s.column_int(column);
}

iot_device read_device(const storage::statement& s) {
  iot_device d;
  d.record.ref = {s.column_text(0), s.column_text(1), s.column_text(2)};
  if (!s.column_is_null(3)) {
    d.record.kind = type_class::gateway;
    d.record.role = parse_gateway_role(s.column_text(3)).value_or(gateway_role::standard);
  } else {
    d.record.kind = type_class::device;
  }
  d.source = parse_registration_source(s.column_text(4)).value_or(registration_source::cli);
  d.record.registered_by = s.column_text(5);
  d.created_at = s.column_int(6);
  d.connected = s.column_int(7) != 0;
  d.last_connect_at = optional_int(s, 8);
  d.last_disconnect_at = optional_int(s, 9);
  if (!s.column_is_null(10)) d.last_location = s.column_text(10);
  return d;
}

bool exists(storage::database& db, std::string_view sql, std::initializer_list<std::string_view> values) {
  auto s = db.prepare(sql);
  int i = 1;
  for (auto v : values) s.bind(i++, v);
  return s.step();
}

std::int64_t count(storage::database& db, std::string_view sql,
                   std::initializer_list<std::string_view> values) {
  auto s = db.prepare(sql);
  int i = 1;
  for (auto v : values) s.bind(i++, v);
  s.step();
  return s.column_int(0);
}

bool org_exists(storage::database& db, std::string_view org) {
  return exists(db, "SELECT 1 FROM iot_orgs WHERE org_id = ?", {org});
}

std::optional<type_class> class_of_type(storage::database& db, std::string_view org, std::string_view type) {
  auto s = db.prepare("SELECT class FROM iot_types WHERE org_id = ? AND type_id = ?");
  s.bind(1, org).bind(2, type);
  if (!s.step()) return std::nullopt;
  return parse_type_class(s.column_text(0));
}

bool device_exists(storage::database& db, const device_ref& ref) {
  return exists(db, "SELECT 1 FROM iot_devices WHERE org_id = ? AND type_id = ? AND device_id = ?",
                {ref.org, ref.type, ref.id});
}

std::int64_t group_size(storage::database& db, std::string_view org, std::string_view group) {
  return count(db, "SELECT count(*) FROM iot_group_members WHERE org_id = ? AND group_id = ?", {org, group});
}

result<void> check_ref(const device_ref& ref) {
  if (!is_valid_org(ref.org)) return iot_error::invalid_org;
  if (!is_valid_device_id(ref.type)) return iot_error::invalid_type_id;
  if (!is_valid_device_id(ref.id)) return iot_error::invalid_device_id;
  return {};
}

void insert_device(storage::database& db, const new_device& d, std::string_view token_hash,
                   std::string_view registered_by, std::int64_t now) {
  auto s = db.prepare(
      "INSERT INTO iot_devices (org_id, type_id, device_id, token_hash, role, registered_via, registered_by, "
      "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, d.ref.org).bind(2, d.ref.type).bind(3, d.ref.id).bind_blob(4, token_hash);
  if (d.kind == type_class::gateway) {
    s.bind(5, to_string(d.role));
  } else {
    s.bind_null(5);
  }
  s.bind(6, to_string(d.source)).bind(7, registered_by).bind(8, now);
  s.run();
}

void insert_group(storage::database& db, std::string_view org, std::string_view group,
                  const device_ref* owner) {
  auto s = db.prepare(
      "INSERT INTO iot_groups (org_id, group_id, gateway_type, gateway_id, created_at) VALUES (?, ?, ?, ?, "
      "?)");
  s.bind(1, org).bind(2, group);
  if (owner) {
    s.bind(3, owner->type).bind(4, owner->id);
  } else {
    s.bind_null(3).bind_null(4);
  }
  s.bind(5, unix_now());
  s.run();
}

void insert_gateway_group(storage::database& db, const device_ref& gateway, std::string_view group,
                          std::int64_t position) {
  auto s = db.prepare(
      "INSERT INTO iot_gateway_groups (org_id, gateway_type, gateway_id, group_id, position) "
      "VALUES (?, ?, ?, ?, ?)");
  s.bind(1, gateway.org).bind(2, gateway.type).bind(3, gateway.id).bind(4, group).bind(5, position);
  s.run();
}

std::vector<device_ref> refs(storage::database& db, std::string_view sql, std::string_view org,
                             std::string_view group) {
  auto s = db.prepare(sql);
  s.bind(1, org).bind(2, group);
  std::vector<device_ref> out;
  while (s.step()) out.push_back({std::string(org), s.column_text(0), s.column_text(1)});
  return out;
}

}  // namespace

// -- organizations and types ------------------------------------------------------------------------------

result<void> registry_store::check_org(std::string_view org) {
  if (!is_valid_org(org)) return iot_error::invalid_org;
  if (!org_exists(db_, org)) return iot_error::unknown_org;
  return {};
}

result<iot_org> registry_store::create_org(std::string_view org) {
  if (!is_valid_org(org)) return iot_error::invalid_org;
  storage::transaction t(db_);
  if (org_exists(db_, org)) return iot_error::already_exists;
  iot_org out{std::string(org), unix_now()};
  db_.prepare("INSERT INTO iot_orgs (org_id, created_at) VALUES (?, ?)")
      .bind(1, org)
      .bind(2, out.created_at)
      .run();
  bump_registry_version(db_);
  t.commit();
  return out;
}

std::vector<iot_org> registry_store::list_orgs() {
  auto s = db_.prepare("SELECT org_id, created_at FROM iot_orgs ORDER BY org_id");
  std::vector<iot_org> out;
  while (s.step()) out.push_back({s.column_text(0), s.column_int(1)});
  return out;
}

result<iot_org> registry_store::get_org(std::string_view org) {
  if (!is_valid_org(org)) return iot_error::invalid_org;
  auto s = db_.prepare("SELECT org_id, created_at FROM iot_orgs WHERE org_id = ?");
  s.bind(1, org);
  if (!s.step()) return iot_error::not_found;
  return iot_org{s.column_text(0), s.column_int(1)};
}

result<void> registry_store::remove_org(std::string_view org) {
  if (!is_valid_org(org)) return iot_error::invalid_org;
  storage::transaction t(db_);
  db_.prepare("DELETE FROM iot_orgs WHERE org_id = ?").bind(1, org).run();
  if (db_.changes() == 0) return iot_error::not_found;
  bump_registry_version(db_);
  t.commit();
  return {};
}

result<iot_type> registry_store::create_type(std::string_view org, std::string_view type, type_class kind) {
  if (!is_valid_org(org)) return iot_error::invalid_org;
  if (!is_valid_device_id(type)) return iot_error::invalid_type_id;
  storage::transaction t(db_);
  if (!org_exists(db_, org)) return iot_error::unknown_org;
  if (class_of_type(db_, org, type)) return iot_error::already_exists;
  iot_type out{std::string(org), std::string(type), kind, unix_now()};
  db_.prepare("INSERT INTO iot_types (org_id, type_id, class, created_at) VALUES (?, ?, ?, ?)")
      .bind(1, org)
      .bind(2, type)
      .bind(3, to_string(kind))
      .bind(4, out.created_at)
      .run();
  bump_registry_version(db_);
  t.commit();
  return out;
}

result<std::vector<iot_type>> registry_store::list_types(std::string_view org) {
  if (auto ok = check_org(org); !ok) return ok.error();
  auto s = db_.prepare("SELECT type_id, class, created_at FROM iot_types WHERE org_id = ? ORDER BY type_id");
  s.bind(1, org);
  std::vector<iot_type> out;
  while (s.step()) {
    out.push_back({std::string(org), s.column_text(0),
                   parse_type_class(s.column_text(1)).value_or(type_class::device), s.column_int(2)});
  }
  return out;
}

result<iot_type> registry_store::get_type(std::string_view org, std::string_view type) {
  if (!is_valid_org(org)) return iot_error::invalid_org;
  if (!is_valid_device_id(type)) return iot_error::invalid_type_id;
  auto s = db_.prepare("SELECT class, created_at FROM iot_types WHERE org_id = ? AND type_id = ?");
  s.bind(1, org).bind(2, type);
  if (!s.step()) return iot_error::not_found;
  return iot_type{std::string(org), std::string(type),
                  parse_type_class(s.column_text(0)).value_or(type_class::device), s.column_int(1)};
}

result<void> registry_store::remove_type(std::string_view org, std::string_view type) {
  if (!is_valid_org(org)) return iot_error::invalid_org;
  if (!is_valid_device_id(type)) return iot_error::invalid_type_id;
  storage::transaction t(db_);
  if (!class_of_type(db_, org, type)) return iot_error::not_found;
  if (exists(db_, "SELECT 1 FROM iot_devices WHERE org_id = ? AND type_id = ?", {org, type})) {
    return iot_error::type_in_use;
  }
  db_.prepare("DELETE FROM iot_types WHERE org_id = ? AND type_id = ?").bind(1, org).bind(2, type).run();
  bump_registry_version(db_);
  t.commit();
  return {};
}

// -- devices and gateways ---------------------------------------------------------------------------------

result<void> registry_store::check_new_device(const new_device& d) {
  if (auto ok = check_ref(d.ref); !ok) return ok.error();
  if (!d.token.empty() && !is_valid_token(d.token)) return iot_error::invalid_token;
  for (const auto& g : d.groups) {
    if (!is_valid_group_id(g)) return iot_error::invalid_group_id;
  }
  const std::size_t limit =
      d.kind == type_class::gateway ? max_groups_per_gateway - 1 : max_groups_per_device;
  if (d.groups.size() > limit) return iot_error::too_many_groups;
  if (!org_exists(db_, d.ref.org)) return iot_error::unknown_org;
  auto kind = class_of_type(db_, d.ref.org, d.ref.type);
  if (!kind) return iot_error::unknown_type;
  if (*kind != d.kind) return iot_error::wrong_class;
  if (device_exists(db_, d.ref)) return iot_error::already_exists;
  return {};
}

result<void> registry_store::join_groups(const new_device& d) {
  if (d.kind == type_class::device) {
    for (const auto& g : d.groups) {
      if (auto ok = insert_member(g, d.ref); !ok) return ok.error();
    }
    return {};
  }
  const auto own = default_group_of(d.ref.org, d.ref.type, d.ref.id);
  insert_group(db_, d.ref.org, own, &d.ref);
  insert_gateway_group(db_, d.ref, own, 0);
  std::int64_t position = 1;
  for (const auto& g : d.groups) {
    auto s = db_.prepare("SELECT gateway_type IS NOT NULL FROM iot_groups WHERE org_id = ? AND group_id = ?");
    s.bind(1, d.ref.org).bind(2, g);
    if (!s.step()) return iot_error::unknown_group;
    if (s.column_int(0) != 0) return iot_error::default_group;
    if (g == own) continue;
    if (exists(db_,
               "SELECT 1 FROM iot_gateway_groups WHERE org_id = ? AND gateway_type = ? AND gateway_id = ? "
               "AND group_id = ?",
               {d.ref.org, d.ref.type, d.ref.id, g})) {
      continue;  // named twice
    }
    insert_gateway_group(db_, d.ref, g, position++);
  }
  return {};
}

result<created_device> registry_store::create_device(const new_device& d) {
  storage::transaction t(db_);
  if (auto ok = check_new_device(d); !ok) return ok.error();
  created_device out;
  out.token = d.token.empty() ? generate_token() : d.token;
  const auto now = unix_now();
  insert_device(db_, d, hash_token(out.token), "", now);
  if (auto ok = join_groups(d); !ok) return ok.error();
  bump_registry_version(db_);
  auto stored = get_device(d.ref, d.kind);
  if (!stored) return stored.error();
  t.commit();
  out.device = std::move(*stored);
  return out;
}

std::vector<std::string> registry_store::groups_of(const device_ref& ref, type_class kind) {
  auto s =
      db_.prepare(kind == type_class::gateway
                      ? "SELECT group_id FROM iot_gateway_groups WHERE org_id = ? AND gateway_type = ? AND "
                        "gateway_id = ? ORDER BY position"
                      : "SELECT group_id FROM iot_group_members WHERE org_id = ? AND type_id = ? AND "
                        "device_id = ? ORDER BY group_id");
  s.bind(1, ref.org).bind(2, ref.type).bind(3, ref.id);
  std::vector<std::string> out;
  while (s.step()) out.push_back(s.column_text(0));
  return out;
}

result<std::vector<iot_device>> registry_store::list_devices(std::string_view org, type_class kind) {
  if (auto ok = check_org(org); !ok) return ok.error();
  auto s = db_.prepare("SELECT " + std::string(device_columns) +
                       " FROM iot_devices WHERE org_id = ? AND role IS " +
                       (kind == type_class::gateway ? "NOT NULL" : "NULL") + " ORDER BY type_id, device_id");
  s.bind(1, org);
  std::vector<iot_device> out;
  while (s.step()) out.push_back(read_device(s));
  for (auto& d : out) d.record.groups = groups_of(d.record.ref, kind);
  return out;
}

result<iot_device> registry_store::get_device(const device_ref& ref, type_class kind) {
  if (auto ok = check_ref(ref); !ok) return ok.error();
  auto s = db_.prepare("SELECT " + std::string(device_columns) +
                       " FROM iot_devices WHERE org_id = ? AND type_id = ? AND device_id = ?");
  s.bind(1, ref.org).bind(2, ref.type).bind(3, ref.id);
  if (!s.step()) return iot_error::not_found;
  auto d = read_device(s);
  if (d.record.kind != kind) return iot_error::not_found;
  d.record.groups = groups_of(ref, kind);
  return d;
}

result<void> registry_store::remove_device(const device_ref& ref, type_class kind) {
  if (auto ok = check_ref(ref); !ok) return ok.error();
  storage::transaction t(db_);
  db_.prepare(std::string(
                  "DELETE FROM iot_devices WHERE org_id = ? AND type_id = ? AND device_id = ? AND role IS ") +
              (kind == type_class::gateway ? "NOT NULL" : "NULL"))
      .bind(1, ref.org)
      .bind(2, ref.type)
      .bind(3, ref.id)
      .run();
  if (db_.changes() == 0) return iot_error::not_found;
  bump_registry_version(db_);
  t.commit();
  return {};
}

// -- resource groups --------------------------------------------------------------------------------------

iot_group registry_store::read_group(const storage::statement& s) {
  iot_group g;
  g.org = s.column_text(0);
  g.group = s.column_text(1);
  if (!s.column_is_null(2)) g.owner = device_ref{g.org, s.column_text(2), s.column_text(3)};
  g.created_at = s.column_int(4);
  g.members = refs(db_,
                   "SELECT type_id, device_id FROM iot_group_members WHERE org_id = ? AND group_id = ? "
                   "ORDER BY type_id, device_id",
                   g.org, g.group);
  g.gateways =
      refs(db_,
           "SELECT gateway_type, gateway_id FROM iot_gateway_groups WHERE org_id = ? AND group_id = ? "
           "ORDER BY gateway_type, gateway_id",
           g.org, g.group);
  return g;
}

result<iot_group> registry_store::create_group(std::string_view org, std::string_view group) {
  if (!is_valid_org(org)) return iot_error::invalid_org;
  if (!is_valid_group_id(group)) return iot_error::invalid_group_id;
  storage::transaction t(db_);
  if (!org_exists(db_, org)) return iot_error::unknown_org;
  if (exists(db_, "SELECT 1 FROM iot_groups WHERE org_id = ? AND group_id = ?", {org, group})) {
    return iot_error::already_exists;
  }
  insert_group(db_, org, group, nullptr);
  bump_registry_version(db_);
  auto out = get_group(org, group);
  t.commit();
  return out;
}

result<std::vector<iot_group>> registry_store::list_groups(std::string_view org) {
  if (auto ok = check_org(org); !ok) return ok.error();
  auto s = db_.prepare(
      "SELECT org_id, group_id, gateway_type, gateway_id, created_at FROM iot_groups WHERE org_id = ? "
      "ORDER BY group_id");
  s.bind(1, org);
  std::vector<iot_group> out;
  while (s.step()) out.push_back(read_group(s));
  return out;
}

result<iot_group> registry_store::get_group(std::string_view org, std::string_view group) {
  if (!is_valid_org(org)) return iot_error::invalid_org;
  if (!is_valid_group_id(group)) return iot_error::invalid_group_id;
  auto s = db_.prepare(
      "SELECT org_id, group_id, gateway_type, gateway_id, created_at FROM iot_groups WHERE org_id = ? AND "
      "group_id = ?");
  s.bind(1, org).bind(2, group);
  if (!s.step()) return iot_error::not_found;
  return read_group(s);
}

result<void> registry_store::remove_group(std::string_view org, std::string_view group) {
  if (!is_valid_org(org)) return iot_error::invalid_org;
  if (!is_valid_group_id(group)) return iot_error::invalid_group_id;
  storage::transaction t(db_);
  auto s = db_.prepare("SELECT gateway_type IS NOT NULL FROM iot_groups WHERE org_id = ? AND group_id = ?");
  s.bind(1, org).bind(2, group);
  if (!s.step()) return iot_error::not_found;
  if (s.column_int(0) != 0) return iot_error::default_group;
  db_.prepare("DELETE FROM iot_groups WHERE org_id = ? AND group_id = ?").bind(1, org).bind(2, group).run();
  bump_registry_version(db_);
  t.commit();
  return {};
}

result<void> registry_store::insert_member(std::string_view group, const device_ref& device) {
  if (!exists(db_, "SELECT 1 FROM iot_groups WHERE org_id = ? AND group_id = ?", {device.org, group})) {
    return iot_error::unknown_group;
  }
  if (exists(db_,
             "SELECT 1 FROM iot_group_members WHERE org_id = ? AND group_id = ? AND type_id = ? AND "
             "device_id = ?",
             {device.org, group, device.type, device.id})) {
    return iot_error::already_exists;
  }
  if (count(db_, "SELECT count(*) FROM iot_group_members WHERE org_id = ? AND type_id = ? AND device_id = ?",
            {device.org, device.type, device.id}) >= static_cast<std::int64_t>(max_groups_per_device)) {
    return iot_error::too_many_groups;
  }
  if (group_size(db_, device.org, group) >= static_cast<std::int64_t>(max_devices_per_group)) {
    return iot_error::group_full;
  }
  db_.prepare("INSERT INTO iot_group_members (org_id, group_id, type_id, device_id) VALUES (?, ?, ?, ?)")
      .bind(1, device.org)
      .bind(2, group)
      .bind(3, device.type)
      .bind(4, device.id)
      .run();
  return {};
}

result<void> registry_store::add_member(std::string_view group, const device_ref& device) {
  if (auto ok = check_ref(device); !ok) return ok.error();
  if (!is_valid_group_id(group)) return iot_error::invalid_group_id;
  storage::transaction t(db_);
  auto s = db_.prepare(
      "SELECT role IS NOT NULL FROM iot_devices WHERE org_id = ? AND type_id = ? AND device_id = ?");
  s.bind(1, device.org).bind(2, device.type).bind(3, device.id);
  if (!s.step()) return iot_error::not_found;
  if (s.column_int(0) != 0) return iot_error::wrong_class;
  if (auto ok = insert_member(group, device); !ok) return ok.error();
  bump_registry_version(db_);
  t.commit();
  return {};
}

result<void> registry_store::remove_member(std::string_view group, const device_ref& device) {
  if (auto ok = check_ref(device); !ok) return ok.error();
  if (!is_valid_group_id(group)) return iot_error::invalid_group_id;
  storage::transaction t(db_);
  db_.prepare(
         "DELETE FROM iot_group_members WHERE org_id = ? AND group_id = ? AND type_id = ? AND device_id = ?")
      .bind(1, device.org)
      .bind(2, group)
      .bind(3, device.type)
      .bind(4, device.id)
      .run();
  if (db_.changes() == 0) return iot_error::not_found;
  bump_registry_version(db_);
  t.commit();
  return {};
}

// -- what the running server writes -----------------------------------------------------------------------

registration_result registry_store::register_for_gateway(const device_ref& device,
                                                         const device_record& gateway,
                                                         std::int64_t& version) {
  if (!is_valid_device_id(device.type) || !is_valid_device_id(device.id))
    return registration_result::invalid_id;
  const auto& gw = gateway.ref;
  // A device a gateway registers joins that gateway's default group (A4), which every gateway has.
  const auto group = default_group_of(gw.org, gw.type, gw.id);
  storage::transaction t(db_);
  if (class_of_type(db_, device.org, device.type) != type_class::device)
    return registration_result::invalid_type;
  if (device_exists(db_, device)) return registration_result::already_exists;
  if (!exists(db_, "SELECT 1 FROM iot_groups WHERE org_id = ? AND group_id = ?", {device.org, group})) {
    spdlog::warn("iot registry: gateway g:{}:{}:{} has no resource group {}: cannot register {}:{}", gw.org,
                 gw.type, gw.id, group, device.type, device.id);
    return registration_result::failed;
  }
  if (group_size(db_, device.org, group) >= static_cast<std::int64_t>(max_devices_per_group)) {
    return registration_result::limit_reached;
  }
  new_device d{.ref = device, .kind = type_class::device, .source = registration_source::gateway};
  // No token: an auto-registered device speaks through its gateway until someone gives it one.
  insert_device(db_, d, "", gateway_client_id(gw.org, gw.type, gw.id), registry::unix_now());
  if (!insert_member(group, device)) return registration_result::failed;
  bump_registry_version(db_);
  version = registry::change_counter(db_).current();
  t.commit();
  return registration_result::registered;
}

void registry_store::write_connections(const std::vector<connection_update>& updates) {
  storage::transaction t(db_);
  auto s = db_.prepare(
      "UPDATE iot_devices SET connected = ?, last_connect_at = coalesce(?, last_connect_at), "
      "last_disconnect_at = coalesce(?, last_disconnect_at) WHERE org_id = ? AND type_id = ? AND device_id = "
      "?");
  for (const auto& u : updates) {
    s.bind(1, std::int64_t{u.connected ? 1 : 0});
    if (u.last_connect_at) {
      s.bind(2, *u.last_connect_at);
    } else {
      s.bind_null(2);
    }
    if (u.last_disconnect_at) {
      s.bind(3, *u.last_disconnect_at);
    } else {
      s.bind_null(3);
    }
    s.bind(4, u.ref.org).bind(5, u.ref.type).bind(6, u.ref.id);
    s.run();
  }
  t.commit();
}

void registry_store::mark_all_disconnected(std::chrono::system_clock::time_point at) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count();
  db_.prepare("UPDATE iot_devices SET connected = 0, last_disconnect_at = ? WHERE connected != 0")
      .bind(1, std::int64_t{seconds})
      .run();
}

std::vector<stored_device> registry_store::load_devices() {
  std::vector<stored_device> out;
  std::map<std::tuple<std::string, std::string, std::string>, std::size_t> index;
  auto s = db_.prepare("SELECT " + std::string(device_columns) + " FROM iot_devices");
  while (s.step()) {
    out.push_back({read_device(s).record, s.column_blob(11)});
    const auto& ref = out.back().record.ref;
    index.emplace(std::tuple{ref.org, ref.type, ref.id}, out.size() - 1);
  }
  // Two reads for every membership instead of two per device: a reload of 10,000 devices stays cheap.
  auto add_groups = [&](std::string_view sql) {
    auto g = db_.prepare(sql);
    while (g.step()) {
      auto it = index.find(std::tuple{g.column_text(0), g.column_text(1), g.column_text(2)});
      if (it != index.end()) out[it->second].record.groups.push_back(g.column_text(3));
    }
  };
  add_groups("SELECT org_id, type_id, device_id, group_id FROM iot_group_members ORDER BY group_id");
  add_groups("SELECT org_id, gateway_type, gateway_id, group_id FROM iot_gateway_groups ORDER BY position");
  return out;
}

}  // namespace tether::iotp
