// `tether iot apikey create ORG [--role R]`, `list ORG`, `show|delete KEY`: applications' API keys
// (a-ORG-xxxxxxxxxx with a generated token, printed once, stored hashed); and `tether iot group
// create|list|show|delete ORG GROUP` with `add|remove ORG GROUP TYPE ID`: resource groups, which say
// which devices a gateway may act for.

#include "cli/iot_command.hpp"

#include "cli/registry_cli.hpp"
#include "iotp/registry_entities.hpp"
#include "iotp/registry_ids.hpp"
#include "iotp/registry_key_store.hpp"
#include "iotp/registry_store.hpp"

#include <iomanip>
#include <iostream>
#include <memory>

namespace tether::cli::iot {
namespace {

using iotp::iot_error;
using nlohmann::json;

// -- API keys ---------------------------------------------------------------------------------------------

json key_json(const iotp::iot_api_key& k) {
  return {{"key", k.record.key},
          {"org_id", k.record.org},
          {"role", k.record.role.empty() ? json(nullptr) : json(k.record.role)},
          {"created_at", format_time(k.created_at)}};
}

void add_org_positional(CLI::App& cmd, entity_key& values) {
  values.assign(1, std::string());
  cmd.add_option("ORG", values[0], "Organization ID")->required();
}

int check_org(std::string_view command, entity_key& values) {
  if (iotp::is_valid_org(values.at(0))) return 0;
  return fail_iot(command, "organization " + registry::quoted(values[0]), iot_error::invalid_org);
}

void add_key_create(CLI::App& parent, command_context& ctx, std::shared_ptr<const entity_spec> spec) {
  struct args : entity_args {
    std::string role;
  };
  auto a = std::make_shared<args>();
  auto& cmd = add_entity_verb(parent, *spec, "create",
                              "Create an application API key (its token is printed once)", *a, 0);
  add_org_positional(cmd, a->key);
  cmd.add_option("--role", a->role,
                 "The application's role as the platform names them, e.g. PD_STANDARD_APP");
  add_registry_flags(cmd, a->flags);
  set_registry_callback(cmd, ctx, "iot apikey create", [a] {
    const char* command = "iot apikey create";
    auto org = a->key;
    if (int rc = check_org(command, org)) return rc;
    if (!a->role.empty() && !iotp::is_valid_key_role(a->role)) {
      return fail(
          command,
          "--role " + registry::quoted(a->role) + ": use 1 to 64 of A-Z, 0-9 and '_', e.g. PD_STANDARD_APP",
          2);
    }
    auto db = open_registry(a->flags.data_dir);
    auto created = iotp::registry_key_store(*db).create(org[0], a->role);
    if (!created)
      return fail_create(command, "organization " + registry::quoted(org[0]), {org[0], "", ""},
                         created.error());
    if (a->flags.json) {
      json out = key_json(created->key);
      out["token"] = created->token;
      print_json(out);
      std::cerr << token_not_shown_again << '\n';
    } else {
      std::cout << "Created API key " << created->key.record.key << " in organization " << org[0] << '\n'
                << "token: " << created->token << '\n'
                << token_not_shown_again << '\n';
    }
    return 0;
  });
}

entity_table<iotp::iot_api_key> key_table() {
  using key = const entity_key&;
  return {
      .spec = {.command = "iot apikey",
               .subject_noun = "API key",
               .key = {{"KEY", "API key", "key", "API key (a-ORG-xxxxxxxxxx)", "", iotp::is_valid_api_key,
                        "a-<org>-<10 lowercase letters and digits>"}},
               .help = {.list = "List the API keys of an organization",
                        .show = "Show an API key (never its token)",
                        .remove = "Revoke an API key"},
               .scope = {.add_flags = add_org_positional,
                         .resolve = check_org,
                         .subject = [](key k) { return "organization " + registry::quoted(k.at(0)); }},
               .empty_text = [](key k) { return "No API keys in organization " + k.at(0) + "."; },
               .deleted_text = [](key k) { return "Revoked API key " + k[0]; }},
      .to_json = key_json,
      .print_table =
          [](const std::vector<iotp::iot_api_key>& keys) {
            std::cout << std::left << std::setw(21) << "KEY" << std::setw(22) << "CREATED"
                      << "ROLE\n";
            for (const auto& k : keys) {
              std::cout << std::setw(21) << k.record.key << std::setw(22) << format_time(k.created_at)
                        << (k.record.role.empty() ? "-" : k.record.role) << '\n';
            }
          },
      .list = [](storage::database& db, key k) { return listed(iotp::registry_key_store(db).list(k.at(0))); },
      .get = [](storage::database& db, key k) { return listed(iotp::registry_key_store(db).get(k[0])); },
      .print_details =
          [](storage::database&, const iotp::iot_api_key& k) {
            std::cout << "key:        " << k.record.key << '\n'
                      << "org_id:     " << k.record.org << '\n'
                      << "role:       " << (k.record.role.empty() ? "-" : k.record.role) << '\n'
                      << "created_at: " << format_time(k.created_at) << '\n';
          },
      .remove = [](storage::database& db,
                   key k) { return listed(iotp::registry_key_store(db).remove(k[0])); },
  };
}

// -- resource groups --------------------------------------------------------------------------------------

json refs_json(const std::vector<iotp::device_ref>& refs) {
  json out = json::array();
  for (const auto& r : refs) out.push_back({{"type_id", r.type}, {"id", r.id}});
  return out;
}

std::string refs_text(const std::vector<iotp::device_ref>& refs) {
  std::string out;
  for (const auto& r : refs) out += (out.empty() ? "" : ", ") + r.type + "/" + r.id;
  return out.empty() ? "-" : out;
}

json group_json(const iotp::iot_group& g) {
  return {{"org_id", g.org},
          {"group_id", g.group},
          {"default_of", g.owner ? json{{"type_id", g.owner->type}, {"id", g.owner->id}} : json(nullptr)},
          {"members", refs_json(g.members)},
          {"gateways", refs_json(g.gateways)},
          {"created_at", format_time(g.created_at)}};
}

void add_group_create(CLI::App& parent, command_context& ctx, std::shared_ptr<const entity_spec> spec) {
  auto a = std::make_shared<entity_args>();
  auto& cmd =
      add_entity_verb(parent, *spec, "create", "Create a resource group (gateways get theirs made)", *a, 2);
  add_registry_flags(cmd, a->flags);
  set_registry_callback(cmd, ctx, "iot group create", [a, spec] {
    const char* command = "iot group create";
    if (int rc = check_key(*spec, command, a->key)) return rc;
    auto db = open_registry(a->flags.data_dir);
    auto created = iotp::registry_store(*db).create_group(a->key[0], a->key[1]);
    if (!created)
      return fail_create(command, subject_of(*spec, a->key), {a->key[0], "", ""}, created.error());
    return report(a->flags.json, group_json(*created), "Created resource group " + created->group);
  });
}

// `add|remove ORG GROUP TYPE ID`: a device joins or leaves a group.
void add_member_verb(CLI::App& parent, command_context& ctx, const entity_spec& spec, bool join) {
  auto a = std::make_shared<entity_args>();
  const std::string verb = join ? "add" : "remove";
  a->key.reserve(4);  // the options bind to its elements: growing it later must not move them
  auto& cmd = add_entity_verb(parent, spec, verb,
                              join ? "Put a device into a group" : "Take a device out of a group", *a, 2);
  a->key.resize(4);
  cmd.add_option("TYPE", a->key[2], "The device's type")->required();
  cmd.add_option("ID", a->key[3], "The device's ID")->required();
  add_registry_flags(cmd, a->flags);
  const auto command = "iot group " + verb;
  set_registry_callback(cmd, ctx, command, [a, join, command, key = spec.key] {
    entity_spec full{.command = "iot group", .key = key};
    full.key.push_back(type_part());
    full.key.push_back(device_part("device"));
    if (int rc = check_key(full, command, a->key)) return rc;
    const iotp::device_ref device{a->key[0], a->key[2], a->key[3]};
    auto db = open_registry(a->flags.data_dir);
    iotp::registry_store store(*db);
    auto done = join ? store.add_member(a->key[1], device) : store.remove_member(a->key[1], device);
    if (!done) {
      if (done.error() == iot_error::unknown_group) {
        return fail(command, "resource group " + registry::quoted(a->key[1]) + " does not exist", 1);
      }
      if (done.error() == iot_error::not_found) {
        return fail(command,
                    join ? "device " + registry::quoted(ref_text(device)) + " not found"
                         : "device " + registry::quoted(ref_text(device)) + " is not in group " + a->key[1],
                    1);
      }
      return fail_iot(command, "device " + registry::quoted(ref_text(device)), done.error());
    }
    json out{{join ? "added" : "removed",
              {{"org_id", device.org},
               {"group_id", a->key[1]},
               {"type_id", device.type},
               {"device_id", device.id}}}};
    return report(a->flags.json, out,
                  (join ? "Added device " : "Removed device ") + ref_text(device) +
                      (join ? " to " : " from ") + "resource group " + a->key[1]);
  });
}

entity_table<iotp::iot_group> group_table() {
  using key = const entity_key&;
  return {
      .spec = {.command = "iot group",
               .subject_noun = "resource group",
               .key = {org_part(), group_part()},
               .help = {.list = "List the resource groups of an organization",
                        .show = "Show a resource group: its devices and the gateways acting for it",
                        .remove = "Delete a resource group (not a gateway's default group)"},
               .scope = {.parts = 1},
               .empty_text = [](key k) { return "No resource groups in organization " + k[0] + "."; },
               .deleted_text = [](key k) { return "Deleted resource group " + k[1]; }},
      .to_json = group_json,
      .print_table =
          [](const std::vector<iotp::iot_group>& groups) {
            std::cout << std::left << std::setw(60) << "GROUP" << std::setw(9) << "DEVICES"
                      << "GATEWAYS\n";
            for (const auto& g : groups) {
              std::cout << std::setw(60) << g.group << std::setw(9) << g.members.size()
                        << refs_text(g.gateways) << '\n';
            }
          },
      .list = [](storage::database& db, key k) { return listed(iotp::registry_store(db).list_groups(k[0])); },
      .get = [](storage::database& db,
                key k) { return listed(iotp::registry_store(db).get_group(k[0], k[1])); },
      .print_details =
          [](storage::database&, const iotp::iot_group& g) {
            std::cout << "org_id:     " << g.org << '\n'
                      << "group_id:   " << g.group << '\n'
                      << "default_of: " << (g.owner ? "gateway " + g.owner->type + "/" + g.owner->id : "-")
                      << '\n'
                      << "devices:    " << refs_text(g.members) << '\n'
                      << "gateways:   " << refs_text(g.gateways) << '\n'
                      << "created_at: " << format_time(g.created_at) << '\n';
          },
      .remove = [](storage::database& db,
                   key k) { return listed(iotp::registry_store(db).remove_group(k[0], k[1])); },
  };
}

}  // namespace

void add_apikey_command(CLI::App& iot, command_context& ctx) {
  add_entity_commands(iot, ctx, "Manage applications' API keys (a-ORG-xxxxxxxxxx)", key_table(),
                      add_key_create);
}

void add_group_command(CLI::App& iot, command_context& ctx) {
  auto table = group_table();
  auto spec = std::make_shared<const entity_spec>(table.spec);
  auto& cmd = add_entity_commands(iot, ctx, "Manage resource groups (which devices a gateway may act for)",
                                  std::move(table), add_group_create);
  add_member_verb(cmd, ctx, *spec, true);
  add_member_verb(cmd, ctx, *spec, false);
}

}  // namespace tether::cli::iot
