// `tether device create|update|list|show|delete`: the end devices of an application, through the
// registry service the admin API calls too (registry/service/device_service.hpp). A device is OTAA
// (--dev-eui, --join-eui, --app-key) or ABP (--dev-addr, --nwk-s-key, --app-s-key, optional --dev-eui).

#include "cli/commands.hpp"
#include "cli/entity_command.hpp"
#include "cli/registry_cli.hpp"
#include "http/api/registry_json.hpp"
#include "registry/ids.hpp"
#include "registry/service/device_service.hpp"

#include <iomanip>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tether::cli {
namespace {

using nlohmann::json;

using http::api::to_json;

template <class T>
std::string hex_or_dash(const std::optional<T>& value) {
  return value ? value->to_hex() : "-";
}

void print_details(const registry::end_device& d) {
  std::cout << "application_id:    " << d.application_id << '\n'
            << "device_id:         " << d.device_id << '\n'
            << "activation:        " << registry::to_string(d.activation) << '\n'
            << "dev_eui:           " << hex_or_dash(d.dev_eui) << '\n'
            << "join_eui:          " << hex_or_dash(d.join_eui) << '\n'
            << "app_key:           " << hex_or_dash(d.app_key) << '\n'
            << "dev_addr:          " << hex_or_dash(d.dev_addr) << '\n'
            << "nwk_s_key:         " << hex_or_dash(d.nwk_s_key) << '\n'
            << "app_s_key:         " << hex_or_dash(d.app_s_key) << '\n'
            << "lorawan_version:   " << d.lorawan_version << '\n'
            << "class:             " << registry::to_string(d.cls) << '\n'
            << "frequency_plan_id: " << d.frequency_plan_id << '\n'
            << "name:              " << d.name << '\n'
            << "created_at:        " << format_time(d.created_at) << '\n';
}

// The hex flags of `device create` in the order they are listed and checked, with the service field
// each sets.
struct hex_option {
  const char* flag;
  const char* help;
  std::optional<std::string> registry::device_fields::*field;
};

std::vector<hex_option> hex_options() {
  using f = registry::device_fields;
  return {
      {"--dev-eui", "DevEUI (16 hex digits)", &f::dev_eui},
      {"--join-eui", "JoinEUI/AppEUI (16 hex digits), OTAA", &f::join_eui},
      {"--app-key", "AppKey (32 hex digits), OTAA", &f::app_key},
      {"--dev-addr", "DevAddr (8 hex digits), ABP", &f::dev_addr},
      {"--nwk-s-key", "NwkSKey (32 hex digits), ABP", &f::nwk_s_key},
      {"--app-s-key", "AppSKey (32 hex digits), ABP", &f::app_s_key},
  };
}

struct device_args : entity_args {
  std::vector<std::string> hex = std::vector<std::string>(hex_options().size());  // as hex_options()
  std::string cls = "A", lorawan_version = "1.0.3", frequency_plan = "EU_863_870", name;
  CLI::Option *cls_opt = nullptr, *version_opt = nullptr, *plan_opt = nullptr, *name_opt = nullptr;

  // create: every setting (with its default); update: those given.
  registry::device_settings settings(bool creating) const {
    registry::device_settings s;
    if (creating || cls_opt->count() > 0) s.device_class = cls;
    if (creating || version_opt->count() > 0) s.lorawan_version = lorawan_version;
    if (creating || plan_opt->count() > 0) s.frequency_plan_id = frequency_plan;
    if (creating || name_opt->count() > 0) s.name = name;
    return s;
  }
  // A hex flag left empty is not given.
  registry::device_fields fields() const {
    registry::device_fields f;
    static_cast<registry::device_settings&>(f) = settings(true);
    const auto options = hex_options();
    for (std::size_t i = 0; i < options.size(); ++i) {
      if (!hex[i].empty()) f.*options[i].field = hex[i];
    }
    return f;
  }
};

void print_created(const registry::end_device& d) {
  std::cout << "Created " << registry::to_string(d.activation) << " device " << d.device_id
            << " in application " << d.application_id << '\n';
}

int create_device(const entity_spec& spec, const device_args& a) {
  const char* command = "device create";
  if (int rc = check_key(spec, command, a.key)) return rc;
  const auto fields = a.fields();
  // Bad flags are reported before the registry is opened (or its directory created).
  if (auto ok = registry::device_service::check(a.key[0], a.key[1], fields); !ok)
    return fail(command, ok.error());
  auto db = open_registry(a.flags.data_dir);
  auto created = registry::device_service(*db).create(a.key[0], a.key[1], fields);
  if (!created) return fail(command, created.error());
  if (a.flags.json) {
    print_json(to_json(*created, false));
  } else {
    print_created(*created);
  }
  return 0;
}

int update_device(const entity_spec& spec, const device_args& a) {
  const char* command = "device update";
  if (int rc = check_key(spec, command, a.key)) return rc;
  auto db = open_registry(a.flags.data_dir);
  auto updated = registry::device_service(*db).update(a.key[0], a.key[1], a.settings(false));
  if (!updated) return fail(command, updated.error());
  return report(a.flags.json, to_json(*updated, false),
                "Updated device " + updated->device_id + " in application " + updated->application_id);
}

void add_settings(CLI::App& cmd, device_args& a, bool creating) {
  a.cls_opt = cmd.add_option("--class", a.cls, "Device class: A or C");
  a.version_opt = cmd.add_option("--lorawan-version", a.lorawan_version, "LoRaWAN version (1.0 to 1.0.4)");
  a.plan_opt = cmd.add_option("--frequency-plan", a.frequency_plan, "Frequency plan ID");
  if (creating) {
    a.cls_opt->capture_default_str();
    a.version_opt->capture_default_str();
    a.plan_opt->capture_default_str();
  }
  a.name_opt = cmd.add_option("--name", a.name, "Display name");
  add_registry_flags(cmd, a.flags);
}

void add_create(CLI::App& parent, command_context& ctx, std::shared_ptr<const entity_spec> spec) {
  auto a = std::make_shared<device_args>();
  auto& cmd = add_entity_verb(parent, *spec, "create", "Register an end device (OTAA or ABP)", *a, 2);
  const auto options = hex_options();
  for (std::size_t i = 0; i < options.size(); ++i)
    cmd.add_option(options[i].flag, a->hex[i], options[i].help);
  add_settings(cmd, *a, true);
  set_registry_callback(cmd, ctx, "device create", [a, spec] { return create_device(*spec, *a); });
  auto u = std::make_shared<device_args>();
  auto& update = add_entity_verb(parent, *spec, "update",
                                 "Change a device's class, LoRaWAN version, plan or name", *u, 2);
  add_settings(update, *u, false);
  set_registry_callback(update, ctx, "device update", [u, spec] { return update_device(*spec, *u); });
}

void print_table(const std::vector<registry::end_device>& devices) {
  std::cout << std::left << std::setw(37) << "DEVICE ID" << std::setw(11) << "ACTIVATION" << std::setw(18)
            << "DEV EUI" << std::setw(10) << "DEV ADDR" << std::setw(6) << "CLASS"
            << "NAME\n";
  for (const auto& d : devices) {
    std::cout << std::setw(37) << d.device_id << std::setw(11) << registry::to_string(d.activation)
              << std::setw(18) << hex_or_dash(d.dev_eui) << std::setw(10) << hex_or_dash(d.dev_addr)
              << std::setw(6) << registry::to_string(d.cls) << d.name << '\n';
  }
}

entity_table<registry::end_device> device_table() {
  using key = const entity_key&;
  return {
      .spec = {.command = "device",
               .key = {{"APP", "application", "application_id", "Application ID"},
                       {"DEV", "device", "device_id", "Device ID", "Device ID (3-36 of a-z, 0-9, '-')"}},
               .help = {.list = "List the devices of an application",
                        .show = "Show one device, keys included",
                        .remove = "Delete a device"},
               .scope = {.parts = 1},
               .empty_text = [](key app) { return "No devices in application " + app[0] + "."; },
               .deleted_text = [](key k) { return "Deleted device " + k[1] + " from application " + k[0]; }},
      .to_json = [](const registry::end_device& d) { return to_json(d, false); },
      .print_table = print_table,
      .list = [](storage::database& db,
                 key app) { return to_result(registry::device_service(db).list(app[0])); },
      .get = [](storage::database& db,
                key k) { return to_result(registry::device_service(db).get(k[0], k[1])); },
      .show_json = [](storage::database&, const registry::end_device& d) { return to_json(d, true); },
      .print_details = [](storage::database&, const registry::end_device& d) { print_details(d); },
      .remove = [](storage::database& db,
                   key k) { return to_result(registry::device_service(db).remove(k[0], k[1])); },
  };
}

}  // namespace

void add_device_command(CLI::App& app, command_context& ctx) {
  add_entity_commands(app, ctx, "Manage end devices in the registry", device_table(), add_create);
}

}  // namespace tether::cli
