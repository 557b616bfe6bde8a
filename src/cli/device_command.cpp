// `tether device create|list|show|delete`: the end devices of an application. A device is OTAA
// (--dev-eui, --join-eui, --app-key) or ABP (--dev-addr, --nwk-s-key, --app-s-key, optional --dev-eui).

#include "cli/commands.hpp"
#include "cli/entity_command.hpp"
#include "cli/registry_cli.hpp"
#include "registry/device_store.hpp"
#include "registry/ids.hpp"
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

template <class T>
json hex_or_null(const std::optional<T>& value) {
  return value ? json(value->to_hex()) : json(nullptr);
}

json to_json(const registry::end_device& d, bool with_keys) {
  json out{{"application_id", d.application_id},
           {"device_id", d.device_id},
           {"activation", registry::to_string(d.activation)},
           {"dev_eui", hex_or_null(d.dev_eui)},
           {"join_eui", hex_or_null(d.join_eui)},
           {"dev_addr", hex_or_null(d.dev_addr)},
           {"lorawan_version", d.lorawan_version},
           {"class", registry::to_string(d.cls)},
           {"frequency_plan_id", d.frequency_plan_id},
           {"name", d.name},
           {"created_at", format_time(d.created_at)}};
  if (with_keys) {
    out["app_key"] = hex_or_null(d.app_key);
    out["nwk_s_key"] = hex_or_null(d.nwk_s_key);
    out["app_s_key"] = hex_or_null(d.app_s_key);
  }
  return out;
}

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

// The hex flags of `device create` in the order they are listed and checked, each with the activation
// it implies (none: the DevEUI, which ABP may have too).
struct hex_option {
  const char* flag;
  const char* help;
  std::optional<registry::activation_mode> implies;
  boost::system::error_code (*assign)(const std::string& text, registry::end_device& d);
};

template <auto parse, auto field>
boost::system::error_code assign_hex(const std::string& text, registry::end_device& d) {
  auto value = parse(text);
  if (!value) return value.error();
  d.*field = *value;
  return {};
}

std::vector<hex_option> hex_options() {
  using registry::end_device, registry::parse_eui, registry::parse_aes_key;
  constexpr auto otaa = registry::activation_mode::otaa;
  constexpr auto abp = registry::activation_mode::abp;
  return {
      {"--dev-eui", "DevEUI (16 hex digits)", std::nullopt, assign_hex<parse_eui, &end_device::dev_eui>},
      {"--join-eui", "JoinEUI/AppEUI (16 hex digits), OTAA", otaa,
       assign_hex<parse_eui, &end_device::join_eui>},
      {"--app-key", "AppKey (32 hex digits), OTAA", otaa, assign_hex<parse_aes_key, &end_device::app_key>},
      {"--dev-addr", "DevAddr (8 hex digits), ABP", abp,
       assign_hex<registry::parse_dev_addr, &end_device::dev_addr>},
      {"--nwk-s-key", "NwkSKey (32 hex digits), ABP", abp, assign_hex<parse_aes_key, &end_device::nwk_s_key>},
      {"--app-s-key", "AppSKey (32 hex digits), ABP", abp, assign_hex<parse_aes_key, &end_device::app_s_key>},
  };
}

struct create_args : entity_args {
  std::vector<std::string> hex = std::vector<std::string>(hex_options().size());  // as hex_options()
  std::string cls = "A", lorawan_version = "1.0.3", frequency_plan = "EU_863_870", name;
};

// Fills `d` from the flags; prints the first bad one and returns its exit code, else 0.
int to_device(std::string_view command, const entity_spec& spec, const create_args& a,
              registry::end_device& d) {
  d.application_id = a.key[0];
  d.device_id = a.key[1];
  bool otaa = false, abp = false;
  const auto options = hex_options();
  for (std::size_t i = 0; i < options.size(); ++i) {
    if (a.hex[i].empty()) continue;
    if (auto ec = options[i].assign(a.hex[i], d)) {
      return fail(command, std::string(options[i].flag) + " " + in_quotes(a.hex[i]), ec);
    }
    otaa |= options[i].implies == registry::activation_mode::otaa;
    abp |= options[i].implies == registry::activation_mode::abp;
  }
  if (otaa == abp)
    return fail(command, subject_of(spec, a.key), registry::registry_error::invalid_activation);
  d.activation = otaa ? registry::activation_mode::otaa : registry::activation_mode::abp;
  auto cls = registry::parse_device_class(a.cls);
  if (!cls) return fail(command, "--class " + in_quotes(a.cls), cls.error());
  d.cls = *cls;
  auto version = registry::parse_lorawan_version(a.lorawan_version);
  if (!version) return fail(command, "--lorawan-version " + in_quotes(a.lorawan_version), version.error());
  d.lorawan_version = *version;
  if (int rc = check_frequency_plan(command, a.frequency_plan)) return rc;
  d.frequency_plan_id = a.frequency_plan;
  d.name = a.name;
  if (auto ok = registry::validate(d); !ok) return fail(command, subject_of(spec, a.key), ok.error());
  return 0;
}

int create_device(const entity_spec& spec, const create_args& a) {
  const char* command = "device create";
  if (int rc = check_key(spec, command, a.key)) return rc;
  registry::end_device d;
  if (int rc = to_device(command, spec, a, d)) return rc;
  auto db = open_registry(a.flags.data_dir);
  auto created = registry::device_store(*db).create(d);
  if (!created) {
    if (created.error() == registry::registry_error::unknown_application) {
      return fail(command, "application " + in_quotes(d.application_id), created.error());
    }
    if (created.error() == registry::registry_error::eui_in_use) {
      return fail(command,
                  "JoinEUI " + d.join_eui->to_hex() + " / DevEUI " + d.dev_eui->to_hex() +
                      " is already used by another device",
                  1);
    }
    return fail(command, subject_of(spec, a.key), created.error());
  }
  if (a.flags.json) {
    print_json(to_json(*created, false));
  } else {
    std::cout << "Created " << registry::to_string(created->activation) << " device " << created->device_id
              << " in application " << created->application_id << '\n';
  }
  return 0;
}

void add_create(CLI::App& parent, command_context& ctx, std::shared_ptr<const entity_spec> spec) {
  auto a = std::make_shared<create_args>();
  auto& cmd = add_entity_verb(parent, *spec, "create", "Register an end device (OTAA or ABP)", *a, 2);
  const auto options = hex_options();
  for (std::size_t i = 0; i < options.size(); ++i)
    cmd.add_option(options[i].flag, a->hex[i], options[i].help);
  cmd.add_option("--class", a->cls, "Device class: A or C")->capture_default_str();
  cmd.add_option("--lorawan-version", a->lorawan_version, "LoRaWAN version (1.0 to 1.0.4)")
      ->capture_default_str();
  cmd.add_option("--frequency-plan", a->frequency_plan, "Frequency plan ID")->capture_default_str();
  cmd.add_option("--name", a->name, "Display name");
  add_registry_flags(cmd, a->flags);
  set_registry_callback(cmd, ctx, "device create", [a, spec] { return create_device(*spec, *a); });
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
      .list = [](storage::database& db, key app) { return registry::device_store(db).list(app[0]); },
      .get = [](storage::database& db, key k) { return registry::device_store(db).get(k[0], k[1]); },
      .show_json = [](storage::database&, const registry::end_device& d) { return to_json(d, true); },
      .print_details = [](storage::database&, const registry::end_device& d) { print_details(d); },
      .remove = [](storage::database& db, key k) { return registry::device_store(db).remove(k[0], k[1]); },
  };
}

}  // namespace

void add_device_command(CLI::App& app, command_context& ctx) {
  add_entity_commands(app, ctx, "Manage end devices in the registry", device_table(), add_create);
}

}  // namespace tether::cli
