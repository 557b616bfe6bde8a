// `tether application create|list|show|delete`: the applications in the registry.

#include "cli/commands.hpp"
#include "cli/entity_command.hpp"
#include "cli/registry_cli.hpp"
#include "registry/application_store.hpp"
#include "registry/ids.hpp"

#include <iomanip>
#include <iostream>
#include <memory>

namespace tether::cli {
namespace {

using nlohmann::json;

json to_json(const registry::application& a) {
  return {{"application_id", a.application_id}, {"name", a.name}, {"created_at", format_time(a.created_at)}};
}

void add_create(CLI::App& parent, command_context& ctx, std::shared_ptr<const entity_spec> spec) {
  struct args : entity_args {
    std::string name;
  };
  auto a = std::make_shared<args>();
  auto& cmd = add_entity_verb(parent, *spec, "create", "Register an application", *a, 1);
  cmd.add_option("--name", a->name, "Display name");
  add_registry_flags(cmd, a->flags);
  set_registry_callback(cmd, ctx, "application create", [a, spec] {
    const char* command = "application create";
    if (int rc = check_key(*spec, command, a->key)) return rc;
    auto db = open_registry(a->flags.data_dir);
    auto created = registry::application_store(*db).create({a->key[0], a->name, 0});
    if (!created) return fail(command, subject_of(*spec, a->key), created.error());
    return report(a->flags.json, to_json(*created),
                  std::string("Created application ") + created->application_id);
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
      .to_json = to_json,
      .print_table = print_table,
      .list = list_every<registry::application_store, registry::application>,
      .get = get_by_id<registry::application_store>,
      .print_details =
          [](storage::database&, const registry::application& app) {
            std::cout << "application_id: " << app.application_id << '\n'
                      << "name:           " << app.name << '\n'
                      << "created_at:     " << format_time(app.created_at) << '\n';
          },
      .remove = remove_by_id<registry::application_store>,
  };
}

}  // namespace

void add_application_command(CLI::App& app, command_context& ctx) {
  add_entity_commands(app, ctx, "Manage applications in the registry", application_table(), add_create);
}

}  // namespace tether::cli
