// `tether application create|list|show|delete`: the applications in the registry.

#include "cli/commands.hpp"
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

std::string subject(std::string_view id) { return "application " + in_quotes(id); }

struct id_args {
  registry_flags flags;
  std::string id;
  std::string name;
};

void add_create(CLI::App& parent, command_context& ctx) {
  auto a = std::make_shared<id_args>();
  auto* cmd = parent.add_subcommand("create", "Register an application");
  cmd->add_option("ID", a->id, "Application ID (3-36 of a-z, 0-9, '-')")->required();
  cmd->add_option("--name", a->name, "Display name");
  add_registry_flags(*cmd, a->flags);
  set_registry_callback(*cmd, ctx, "application create", [a] {
    const char* command = "application create";
    if (!registry::is_valid_id(a->id))
      return fail(command, subject(a->id), registry::registry_error::invalid_id);
    auto db = open_registry(a->flags.data_dir);
    auto created = registry::application_store(*db).create({a->id, a->name, 0});
    if (!created) return fail(command, subject(a->id), created.error());
    return report(a->flags.json, to_json(*created),
                  std::string("Created application ") + created->application_id);
  });
}

void add_list(CLI::App& parent, command_context& ctx) {
  auto a = std::make_shared<registry_flags>();
  auto* cmd = parent.add_subcommand("list", "List applications");
  add_registry_flags(*cmd, *a);
  set_registry_callback(*cmd, ctx, "application list", [a] {
    auto db = open_registry(a->data_dir);
    auto applications = registry::application_store(*db).list();
    if (a->json) {
      json out = json::array();
      for (const auto& app : applications) out.push_back(to_json(app));
      print_json(out);
      return 0;
    }
    if (applications.empty()) {
      std::cout << "No applications.\n";
      return 0;
    }
    std::cout << std::left << std::setw(37) << "APPLICATION ID"
              << "NAME\n";
    for (const auto& app : applications) std::cout << std::setw(37) << app.application_id << app.name << '\n';
    return 0;
  });
}

void add_show(CLI::App& parent, command_context& ctx) {
  auto a = std::make_shared<id_args>();
  auto* cmd = parent.add_subcommand("show", "Show one application");
  cmd->add_option("ID", a->id, "Application ID")->required();
  add_registry_flags(*cmd, a->flags);
  set_registry_callback(*cmd, ctx, "application show", [a] {
    const char* command = "application show";
    if (!registry::is_valid_id(a->id))
      return fail(command, subject(a->id), registry::registry_error::invalid_id);
    auto db = open_registry(a->flags.data_dir);
    auto app = registry::application_store(*db).get(a->id);
    if (!app) return fail(command, subject(a->id), app.error());
    if (a->flags.json) {
      print_json(to_json(*app));
    } else {
      std::cout << "application_id: " << app->application_id << '\n'
                << "name:           " << app->name << '\n'
                << "created_at:     " << format_time(app->created_at) << '\n';
    }
    return 0;
  });
}

void add_delete(CLI::App& parent, command_context& ctx) {
  auto a = std::make_shared<id_args>();
  auto* cmd = parent.add_subcommand("delete", "Delete an application with its devices and API keys");
  cmd->add_option("ID", a->id, "Application ID")->required();
  add_registry_flags(*cmd, a->flags);
  set_registry_callback(*cmd, ctx, "application delete", [a] {
    const char* command = "application delete";
    if (!registry::is_valid_id(a->id))
      return fail(command, subject(a->id), registry::registry_error::invalid_id);
    auto db = open_registry(a->flags.data_dir);
    auto removed = registry::application_store(*db).remove(a->id);
    if (!removed) return fail(command, subject(a->id), removed.error());
    return report(a->flags.json, {{"deleted", {{"application_id", a->id}}}},
                  std::string("Deleted application ") + a->id + " with its devices and API keys");
  });
}

}  // namespace

void add_application_command(CLI::App& app, command_context& ctx) {
  auto* cmd = app.add_subcommand("application", "Manage applications in the registry");
  cmd->require_subcommand(1);
  add_create(*cmd, ctx);
  add_list(*cmd, ctx);
  add_show(*cmd, ctx);
  add_delete(*cmd, ctx);
}

}  // namespace tether::cli
