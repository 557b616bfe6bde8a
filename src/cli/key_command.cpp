// `tether key create|update|list|show|delete`: API keys of gateways and applications, and admin keys of the
// HTTP admin API (--admin), through the registry service the admin API calls too
// (registry/service/key_service.hpp). The full key is printed once, at creation; the registry keeps only
// a hash of its secret.

#include "cli/commands.hpp"
#include "cli/entity_command.hpp"
#include "cli/registry_cli.hpp"
#include "http/api/registry_json.hpp"
#include "registry/ids.hpp"
#include "registry/service/key_service.hpp"

#include <iomanip>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tether::cli {
namespace {

using nlohmann::json;

constexpr std::string_view not_shown_again = "This key will not be shown again: store it now.";

std::string rights_text(const registry::rights& granted) {
  std::string out;
  for (auto r : granted.list()) {
    if (!out.empty()) out += ',';
    out += registry::right_name(r);
  }
  return out;
}

std::string owner_text(const registry::entity_ref& owner) {
  if (owner.kind == registry::entity_kind::admin) return "the admin API";
  return std::string(registry::to_string(owner.kind)) + " " + owner.id;
}

using http::api::to_json;

// --gateway ID | --application ID | --admin: whose keys `create` and `list` are about, as the values
// {gateway ID, application ID, "admin" or ""} until owner_scope() turns them into {kind, ID}.
void add_owner_flags(CLI::App& cmd, entity_key& values) {
  values.assign(3, std::string());
  auto* gw = cmd.add_option("--gateway", values[0], "Gateway the key belongs to");
  auto* app = cmd.add_option("--application", values[1], "Application the key belongs to");
  gw->excludes(app);
  app->excludes(gw);
  auto* admin = cmd.add_flag_callback(
      "--admin", [&values] { values[2] = "admin"; },
      "An admin key of the HTTP admin API (rights RIGHT_ADMIN_READ or RIGHT_ADMIN_ALL)");
  admin->excludes(gw)->excludes(app);
}

// Exit code 2 (printed) when not exactly one owner flag is given or its ID is bad; else 0.
int owner_scope(std::string_view command, entity_key& values) {
  if (values.size() > 2 && !values[2].empty()) {
    values = {std::string(registry::to_string(registry::entity_kind::admin)), ""};
    return 0;
  }
  values.resize(2);
  if (values.at(0).empty() == values.at(1).empty()) {
    return fail(command, "give exactly one of --gateway ID, --application ID or --admin", 2);
  }
  const auto kind = values[0].empty() ? registry::entity_kind::application : registry::entity_kind::gateway;
  const std::string id = values[0].empty() ? values[1] : values[0];
  values[0] = registry::to_string(kind);
  values[1] = id;
  if (!registry::is_valid_id(id))
    return fail(command, values[0] + " " + registry::quoted(id), registry::registry_error::invalid_id);
  return 0;
}

registry::entity_ref owner_of(const entity_key& scope) {
  for (auto kind : {registry::entity_kind::gateway, registry::entity_kind::admin}) {
    if (scope.at(0) == registry::to_string(kind)) return {kind, scope.at(1)};
  }
  return {registry::entity_kind::application, scope.at(1)};
}

std::string owner_subject(const entity_key& scope) { return registry::owner_subject(owner_of(scope)); }

struct create_args : entity_args {
  std::string rights, name;
};

int create_key(const create_args& a) {
  const char* command = "key create";
  auto scope = a.key;
  if (int rc = owner_scope(command, scope)) return rc;
  const auto owner = owner_of(scope);
  // Bad rights are reported before the registry is opened (or its directory created).
  if (auto ok = registry::parse_key_rights(owner.kind, a.rights); !ok) return fail(command, ok.error());
  auto db = open_registry(a.flags.data_dir);
  auto created = registry::key_service(*db).create(owner, a.rights, a.name);
  if (!created) return fail(command, created.error());
  if (a.flags.json) {
    json out = to_json(created->key);
    out["key"] = created->full_key;
    print_json(out);
    std::cerr << not_shown_again << '\n';
  } else {
    std::cout << "Created API key " << created->key.key_id << " for " << owner_text(owner) << " with "
              << rights_text(created->key.rights) << '\n'
              << created->full_key << '\n'
              << not_shown_again << '\n';
  }
  return 0;
}

void add_create(CLI::App& parent, command_context& ctx, std::shared_ptr<const entity_spec> spec) {
  auto a = std::make_shared<create_args>();
  auto& cmd = add_entity_verb(parent, *spec, "create", "Create an API key (printed once)", *a, 0);
  add_owner_flags(cmd, a->key);
  cmd.add_option("--rights", a->rights, "Comma-separated rights, e.g. RIGHT_GATEWAY_LINK")->required();
  cmd.add_option("--name", a->name, "Display name");
  add_registry_flags(cmd, a->flags);
  set_registry_callback(cmd, ctx, "key create", [a] { return create_key(*a); });
  auto u = std::make_shared<create_args>();
  auto& update = add_entity_verb(parent, *spec, "update", "Rename an API key", *u, 1);
  update.add_option("--name", u->name, "Display name")->required();
  add_registry_flags(update, u->flags);
  set_registry_callback(update, ctx, "key update", [u] {
    auto db = open_registry(u->flags.data_dir);
    auto updated = registry::key_service(*db).update(u->key[0], u->name);
    if (!updated) return fail("key update", updated.error());
    return report(u->flags.json, to_json(*updated), "Renamed API key " + updated->key_id);
  });
}

void print_table(const std::vector<registry::api_key>& keys) {
  std::cout << std::left << std::setw(41) << "KEY ID" << std::setw(22) << "CREATED" << std::setw(20) << "NAME"
            << "RIGHTS\n";
  for (const auto& k : keys) {
    std::cout << std::setw(41) << k.key_id << std::setw(22) << format_time(k.created_at) << std::setw(20)
              << k.name << rights_text(k.rights) << '\n';
  }
}

void print_details(storage::database&, const registry::api_key& k) {
  std::cout << "key_id:     " << k.key_id << '\n'
            << "owner:      " << owner_text(k.owner) << '\n'
            << "rights:     " << rights_text(k.rights) << '\n'
            << "name:       " << k.name << '\n'
            << "created_at: " << format_time(k.created_at) << '\n';
}

entity_table<registry::api_key> key_table() {
  using key = const entity_key&;
  return {
      .spec = {.command = "key",
               .subject_noun = "API key",
               .key = {{"KEYID", "API key", "key_id", "Key ID (the middle part of NNSXS.<KEY ID>.<SECRET>)",
                        "", nullptr}},
               .help = {.list = "List the API keys of a gateway or application",
                        .show = "Show an API key (never its secret)",
                        .remove = "Revoke an API key"},
               .scope = {.add_flags = add_owner_flags, .resolve = owner_scope, .subject = owner_subject},
               .empty_text = [](key owner) { return "No API keys for " + owner_text(owner_of(owner)) + "."; },
               .deleted_text = [](key k) { return "Revoked API key " + k[0]; }},
      .to_json = [](const registry::api_key& k) { return to_json(k); },
      .print_table = print_table,
      .list = [](storage::database& db,
                 key owner) { return to_result(registry::key_service(db).list(owner_of(owner))); },
      .get = [](storage::database& db, key k) { return to_result(registry::key_service(db).get(k[0])); },
      .print_details = print_details,
      .remove = [](storage::database& db,
                   key k) { return to_result(registry::key_service(db).remove(k[0])); },
  };
}

}  // namespace

void add_key_command(CLI::App& app, command_context& ctx) {
  add_entity_commands(app, ctx, "Manage API keys of gateways and applications", key_table(), add_create);
}

}  // namespace tether::cli
