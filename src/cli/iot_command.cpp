// `tether iot org|type|device|gateway|apikey|group ...`: the IoT platform registry (Watson IoT style).
// This file has the shared pieces and the organizations and device types; devices and gateways are in
// iot_command_devices.cpp, API keys and resource groups in iot_command_keys.cpp.

#include "cli/iot_command.hpp"

#include "cli/registry_cli.hpp"
#include "iotp/registry_entities.hpp"
#include "iotp/registry_ids.hpp"
#include "iotp/registry_store.hpp"

#include <iomanip>
#include <iostream>
#include <memory>

namespace tether::cli {
namespace iot {

using iotp::iot_error;
using nlohmann::json;

key_part org_part() {
  return {"ORG",
          "organization",
          "org_id",
          "Organization ID (6 lowercase letters and digits)",
          "",
          iotp::is_valid_org,
          "exactly 6 lowercase letters and digits"};
}

key_part type_part() {
  return {"TYPE",
          "device type",
          "type_id",
          "Device type ID",
          "",
          iotp::is_valid_device_id,
          "1 to 36 letters, digits, '-', '_' and '.'"};
}

key_part device_part(const std::string& noun) {
  return {"ID",
          noun,
          noun + "_id",
          "The " + noun + "'s ID (1-36 letters, digits, '-', '_', '.')",
          "",
          iotp::is_valid_device_id,
          "1 to 36 letters, digits, '-', '_' and '.'"};
}

key_part group_part() {
  return {"GROUP",
          "resource group",
          "group_id",
          "Resource group ID",
          "",
          iotp::is_valid_group_id,
          "1 to 128 letters, digits, '-', '_', '.' and ':'"};
}

iotp::device_ref ref_of(const entity_key& key) { return {key.at(0), key.at(1), key.at(2)}; }

boost::system::error_code for_listing(const boost::system::error_code& ec) {
  if (ec == iot_error::not_found || ec == iot_error::unknown_org) return registry::registry_error::not_found;
  if (ec == iot_error::already_exists) return registry::registry_error::already_exists;
  return ec;
}

int fail_iot(std::string_view command, std::string_view subject, const boost::system::error_code& ec) {
  if (ec.category() != iotp::iot_category()) return fail(command, subject, ec);
  std::string text(subject);
  if (ec == iot_error::already_exists) {
    text += " already exists";
  } else if (ec == iot_error::not_found) {
    text += " not found";
  } else {
    text += ": " + ec.message();
  }
  return fail(command, text, iotp::is_invalid_input(ec) ? 2 : 1);
}

int fail_create(std::string_view command, std::string_view subject, const iotp::device_ref& ref,
                const boost::system::error_code& ec) {
  if (ec == iot_error::unknown_org)
    return fail(command, "organization " + registry::quoted(ref.org) + " does not exist", 1);
  if (ec == iot_error::unknown_type) {
    return fail(command,
                "device type " + registry::quoted(ref.type) + " does not exist in organization " + ref.org,
                1);
  }
  return fail_iot(command, subject, ec);
}

json time_json(std::optional<std::int64_t> unix_seconds) {
  return unix_seconds ? json(format_time(*unix_seconds)) : json(nullptr);
}

std::string ref_text(const iotp::device_ref& ref) { return ref.org + "/" + ref.type + "/" + ref.id; }

namespace {

// -- organizations ----------------------------------------------------------------------------------------

json org_json(const iotp::iot_org& o) {
  return {{"org_id", o.org}, {"created_at", format_time(o.created_at)}};
}

void add_org_create(CLI::App& parent, command_context& ctx, std::shared_ptr<const entity_spec> spec) {
  auto a = std::make_shared<entity_args>();
  auto& cmd = add_entity_verb(parent, *spec, "create", "Create an organization", *a, 1);
  add_registry_flags(cmd, a->flags);
  set_registry_callback(cmd, ctx, "iot org create", [a, spec] {
    const char* command = "iot org create";
    if (int rc = check_key(*spec, command, a->key)) return rc;
    auto db = open_registry(a->flags.data_dir);
    auto created = iotp::registry_store(*db).create_org(a->key[0]);
    if (!created) return fail_iot(command, subject_of(*spec, a->key), created.error());
    return report(a->flags.json, org_json(*created), "Created organization " + created->org);
  });
}

entity_table<iotp::iot_org> org_table() {
  using key = const entity_key&;
  return {
      .spec = {.command = "iot org",
               .subject_noun = "organization",
               .key = {org_part()},
               .help = {.list = "List organizations",
                        .show = "Show an organization",
                        .remove = "Delete an organization and everything in it"},
               .empty_text = [](key) { return std::string("No organizations."); },
               .deleted_text =
                   [](key k) {
                     return "Deleted organization " + k[0] +
                            " and its types, devices, gateways, groups "
                            "and API keys";
                   }},
      .to_json = org_json,
      .print_table =
          [](const std::vector<iotp::iot_org>& orgs) {
            std::cout << std::left << std::setw(8) << "ORG"
                      << "CREATED\n";
            for (const auto& o : orgs)
              std::cout << std::setw(8) << o.org << format_time(o.created_at) << '\n';
          },
      .list = [](storage::database& db, key) -> registry::result<std::vector<iotp::iot_org>> {
        return iotp::registry_store(db).list_orgs();
      },
      .get = [](storage::database& db, key k) { return listed(iotp::registry_store(db).get_org(k[0])); },
      .print_details =
          [](storage::database&, const iotp::iot_org& o) {
            std::cout << "org_id:     " << o.org << '\n'
                      << "created_at: " << format_time(o.created_at) << '\n';
          },
      .remove = [](storage::database& db,
                   key k) { return listed(iotp::registry_store(db).remove_org(k[0])); },
  };
}

// -- device types -----------------------------------------------------------------------------------------

json type_json(const iotp::iot_type& t) {
  return {{"org_id", t.org},
          {"type_id", t.type},
          {"class", iotp::to_string(t.kind)},
          {"created_at", format_time(t.created_at)}};
}

void add_type_create(CLI::App& parent, command_context& ctx, std::shared_ptr<const entity_spec> spec) {
  struct args : entity_args {
    std::string cls = "device";
  };
  auto a = std::make_shared<args>();
  auto& cmd = add_entity_verb(parent, *spec, "create", "Create a device type", *a, 2);
  cmd.add_option("--class", a->cls, "What the type's members are: device or gateway")->capture_default_str();
  add_registry_flags(cmd, a->flags);
  set_registry_callback(cmd, ctx, "iot type create", [a, spec] {
    const char* command = "iot type create";
    if (int rc = check_key(*spec, command, a->key)) return rc;
    auto kind = iotp::parse_type_class(a->cls);
    if (!kind) return fail_iot(command, "--class " + registry::quoted(a->cls), iot_error::invalid_class);
    auto db = open_registry(a->flags.data_dir);
    auto created = iotp::registry_store(*db).create_type(a->key[0], a->key[1], *kind);
    if (!created)
      return fail_create(command, subject_of(*spec, a->key), {a->key[0], a->key[1], ""}, created.error());
    return report(a->flags.json, type_json(*created),
                  "Created " + std::string(iotp::to_string(*kind)) + " type " + created->type +
                      " in organization " + created->org);
  });
}

entity_table<iotp::iot_type> type_table() {
  using key = const entity_key&;
  return {
      .spec = {.command = "iot type",
               .subject_noun = "device type",
               .key = {org_part(), type_part()},
               .help = {.list = "List the device types of an organization",
                        .show = "Show a device type",
                        .remove = "Delete a device type that has no devices"},
               .scope = {.parts = 1},
               .empty_text = [](key k) { return "No device types in organization " + k[0] + "."; },
               .deleted_text =
                   [](key k) { return "Deleted device type " + k[1] + " of organization " + k[0]; }},
      .to_json = type_json,
      .print_table =
          [](const std::vector<iotp::iot_type>& types) {
            std::cout << std::left << std::setw(37) << "TYPE" << std::setw(9) << "CLASS"
                      << "CREATED\n";
            for (const auto& t : types) {
              std::cout << std::setw(37) << t.type << std::setw(9) << iotp::to_string(t.kind)
                        << format_time(t.created_at) << '\n';
            }
          },
      .list = [](storage::database& db, key k) { return listed(iotp::registry_store(db).list_types(k[0])); },
      .get = [](storage::database& db,
                key k) { return listed(iotp::registry_store(db).get_type(k[0], k[1])); },
      .print_details =
          [](storage::database&, const iotp::iot_type& t) {
            std::cout << "org_id:     " << t.org << '\n'
                      << "type_id:    " << t.type << '\n'
                      << "class:      " << iotp::to_string(t.kind) << '\n'
                      << "created_at: " << format_time(t.created_at) << '\n';
          },
      .remove = [](storage::database& db,
                   key k) { return listed(iotp::registry_store(db).remove_type(k[0], k[1])); },
  };
}

}  // namespace

void add_org_command(CLI::App& iot, command_context& ctx) {
  add_entity_commands(iot, ctx, "Manage organizations", org_table(), add_org_create);
}

void add_type_command(CLI::App& iot, command_context& ctx) {
  add_entity_commands(iot, ctx, "Manage device types (class device or gateway)", type_table(),
                      add_type_create);
}

}  // namespace iot

void add_iot_command(CLI::App& app, command_context& ctx) {
  auto* iot = app.add_subcommand("iot", "Manage the IoT platform registry (Watson IoT style)");
  iot->require_subcommand(1);
  iot::add_org_command(*iot, ctx);
  iot::add_type_command(*iot, ctx);
  iot::add_device_command(*iot, ctx);
  iot::add_gateway_command(*iot, ctx);
  iot::add_apikey_command(*iot, ctx);
  iot::add_group_command(*iot, ctx);
}

}  // namespace tether::cli
