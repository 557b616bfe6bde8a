// `tether application create|update|list|show|delete`: the applications in the registry, through the
// registry service the admin API calls too (registry/service/application_service.hpp).

#include "cli/commands.hpp"
#include "cli/entity_command.hpp"
#include "cli/registry_cli.hpp"
#include "http/api/registry_json.hpp"
#include "registry/ids.hpp"
#include "registry/service/application_service.hpp"

#include <iomanip>
#include <iostream>
#include <memory>

namespace tether::cli {
namespace {

using nlohmann::json;

using http::api::to_json;

struct application_args : entity_args {
  std::string name;
  CLI::Option* name_opt = nullptr;
};

CLI::App& add_application_verb(CLI::App& parent, const entity_spec& spec, const std::string& verb,
                               const std::string& help, application_args& a) {
  auto& cmd = add_entity_verb(parent, spec, verb, help, a, 1);
  a.name_opt = cmd.add_option("--name", a.name, "Display name");
  add_registry_flags(cmd, a.flags);
  return cmd;
}

void add_create(CLI::App& parent, command_context& ctx, std::shared_ptr<const entity_spec> spec) {
  auto a = std::make_shared<application_args>();
  auto& cmd = add_application_verb(parent, *spec, "create", "Register an application", *a);
  set_registry_callback(cmd, ctx, "application create", [a, spec] {
    const char* command = "application create";
    if (int rc = check_key(*spec, command, a->key)) return rc;
    auto db = open_registry(a->flags.data_dir);
    auto created = registry::application_service(*db).create(a->key[0], {.name = a->name});
    if (!created) return fail(command, created.error());
    return report(a->flags.json, to_json(*created),
                  std::string("Created application ") + created->application_id);
  });
  auto u = std::make_shared<application_args>();
  auto& update = add_application_verb(parent, *spec, "update", "Change an application's name", *u);
  set_registry_callback(update, ctx, "application update", [u, spec] {
    const char* command = "application update";
    if (int rc = check_key(*spec, command, u->key)) return rc;
    registry::application_fields fields;
    if (u->name_opt->count() > 0) fields.name = u->name;
    auto db = open_registry(u->flags.data_dir);
    auto updated = registry::application_service(*db).update(u->key[0], fields);
    if (!updated) return fail(command, updated.error());
    return report(u->flags.json, to_json(*updated),
                  std::string("Updated application ") + updated->application_id);
  });
}

void print_table(const std::vector<registry::application>& applications) {
  std::cout << std::left << std::setw(37) << "APPLICATION ID"
            << "NAME\n";
  for (const auto& app : applications) std::cout << std::setw(37) << app.application_id << app.name << '\n';
}

entity_table<registry::application> application_table() {
  using key = const entity_key&;
  return {
      .spec = {.command = "application",
               .key = {{"ID", "application", "application_id", "Application ID",
                        "Application ID (3-36 of a-z, 0-9, '-')"}},
               .help = {.list = "List applications",
                        .show = "Show one application",
                        .remove = "Delete an application with its devices and API keys"},
               .empty_text = [](key) { return std::string("No applications."); },
               .deleted_text =
                   [](key k) { return "Deleted application " + k[0] + " with its devices and API keys"; }},
      .to_json = [](const registry::application& x) { return to_json(x); },
      .print_table = print_table,
      .list = [](storage::database& db, key) { return to_result(registry::application_service(db).list()); },
      .get = [](storage::database& db,
                key k) { return to_result(registry::application_service(db).get(k[0])); },
      .print_details =
          [](storage::database&, const registry::application& app) {
            std::cout << "application_id: " << app.application_id << '\n'
                      << "name:           " << app.name << '\n'
                      << "created_at:     " << format_time(app.created_at) << '\n';
          },
      .remove = [](storage::database& db,
                   key k) { return to_result(registry::application_service(db).remove(k[0])); },
  };
}

}  // namespace

void add_application_command(CLI::App& app, command_context& ctx) {
  add_entity_commands(app, ctx, "Manage applications in the registry", application_table(), add_create);
}

}  // namespace tether::cli
