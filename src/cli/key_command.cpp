// `tether key create|list|show|delete`: API keys of gateways and applications. The full key is printed
// once, at creation; the registry keeps only a hash of its secret.

#include "cli/commands.hpp"
#include "cli/entity_command.hpp"
#include "cli/registry_cli.hpp"
#include "registry/ids.hpp"
#include "registry/key_store.hpp"
#include "registry/validation.hpp"

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

json rights_json(const registry::rights& granted) {
  json out = json::array();
  for (auto r : granted.list()) out.push_back(registry::right_name(r));
  return out;
}

std::string rights_text(const registry::rights& granted) {
  std::string out;
  for (auto r : granted.list()) {
    if (!out.empty()) out += ',';
    out += registry::right_name(r);
  }
  return out;
}

std::string owner_text(const registry::entity_ref& owner) {
  return std::string(registry::to_string(owner.kind)) + " " + owner.id;
}

const char* owner_key(const registry::entity_ref& owner) {
  return owner.kind == registry::entity_kind::gateway ? "gateway_id" : "application_id";
}

json to_json(const registry::api_key& k) {
  return {{"key_id", k.key_id},
          {owner_key(k.owner), k.owner.id},
          {"rights", rights_json(k.rights)},
          {"name", k.name},
          {"created_at", format_time(k.created_at)}};
}

// --gateway ID | --application ID: whose keys `create` and `list` are about, as the values
// {gateway ID, application ID} until owner_scope() turns them into {kind, ID}.
void add_owner_flags(CLI::App& cmd, entity_key& values) {
  values.assign(2, std::string());
  auto* gw = cmd.add_option("--gateway", values[0], "Gateway the key belongs to");
  auto* app = cmd.add_option("--application", values[1], "Application the key belongs to");
  gw->excludes(app);
  app->excludes(gw);
}

// Exit code 2 (printed) when not exactly one owner flag is given or its ID is bad; else 0.
int owner_scope(std::string_view command, entity_key& values) {
  if (values.at(0).empty() == values.at(1).empty()) {
    return fail(command, "give exactly one of --gateway ID or --application ID", 2);
  }
  const auto kind = values[0].empty() ? registry::entity_kind::application : registry::entity_kind::gateway;
  const std::string id = values[0].empty() ? values[1] : values[0];
  values[0] = registry::to_string(kind);
  values[1] = id;
  if (!registry::is_valid_id(id))
    return fail(command, values[0] + " " + in_quotes(id), registry::registry_error::invalid_id);
  return 0;
}

registry::entity_ref owner_of(const entity_key& scope) {
  return {scope.at(0) == registry::to_string(registry::entity_kind::gateway)
              ? registry::entity_kind::gateway
              : registry::entity_kind::application,
          scope.at(1)};
}

std::string owner_subject(const entity_key& scope) { return scope.at(0) + " " + in_quotes(scope.at(1)); }

// The offending right in a list that did not parse as one.
std::string unknown_right(const std::string& list) {
  std::size_t start = 0;
  while (start <= list.size()) {
    auto end = list.find(',', start);
    auto name = list.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!name.empty() && !registry::parse_right(name)) return name;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return {};
}

// The rights given with --rights for a key of `owner`; prints the usage error and sets `rc` if bad.
std::optional<registry::rights> rights_for(std::string_view command, const std::string& list,
                                           registry::entity_kind owner, int& rc) {
  auto granted = registry::parse_rights(list);
  if (!granted) {
    rc = granted.error() == registry::registry_error::unknown_right
             ? fail(command,
                    "--rights: unknown right " + in_quotes(unknown_right(list)) +
                        " (rights are named as The Things Stack "
                        "names them, e.g. RIGHT_GATEWAY_LINK, RIGHT_APPLICATION_TRAFFIC_READ)",
                    2)
             : fail(command, "--rights " + in_quotes(list), granted.error());
    return std::nullopt;
  }
  if (auto ok = registry::validate_key_rights(owner, *granted); !ok) {
    for (auto r : granted->list()) {
      if (registry::right_entity(r) == owner) continue;
      rc = fail(command,
                "--rights: " + std::string(registry::right_name(r)) + " is not a " +
                    std::string(registry::to_string(owner)) + " right",
                2);
      return std::nullopt;
    }
    rc = fail(command, "--rights", ok.error());
    return std::nullopt;
  }
  return *granted;
}

struct create_args : entity_args {
  std::string rights, name;
};

int create_key(const create_args& a) {
  const char* command = "key create";
  auto scope = a.key;
  if (int rc = owner_scope(command, scope)) return rc;
  const auto owner = owner_of(scope);
  int rc = 0;
  auto granted = rights_for(command, a.rights, owner.kind, rc);
  if (!granted) return rc;
  auto db = open_registry(a.flags.data_dir);
  auto created = registry::key_store(*db).create(owner, *granted, a.name);
  if (!created) return fail(command, owner_subject(scope), created.error());
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
      .to_json = to_json,
      .print_table = print_table,
      .list = [](storage::database& db, key owner) { return registry::key_store(db).list(owner_of(owner)); },
      .get = get_by_id<registry::key_store>,
      .print_details = print_details,
      .remove = remove_by_id<registry::key_store>,
  };
}

}  // namespace

void add_key_command(CLI::App& app, command_context& ctx) {
  add_entity_commands(app, ctx, "Manage API keys of gateways and applications", key_table(), add_create);
}

}  // namespace tether::cli
