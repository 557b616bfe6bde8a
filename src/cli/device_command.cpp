// `tether device create|list|show|delete`: the end devices of an application. A device is OTAA
// (--dev-eui, --join-eui, --app-key) or ABP (--dev-addr, --nwk-s-key, --app-s-key, optional --dev-eui).

#include "cli/commands.hpp"
#include "cli/registry_cli.hpp"
#include "registry/device_store.hpp"
#include "registry/ids.hpp"
#include "registry/validation.hpp"

#include <iomanip>
#include <iostream>
#include <memory>
#include <optional>

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

std::string subject(std::string_view app, std::string_view dev) {
  return "device " + in_quotes(std::string(app) + "/" + std::string(dev));
}

struct device_args {
  registry_flags flags;
  std::string application_id, device_id;
};

// Checks both IDs; returns the exit code on failure, 0 when fine.
int check_ids(std::string_view command, const device_args& a) {
  if (!registry::is_valid_id(a.application_id)) {
    return fail(command, "application " + in_quotes(a.application_id), registry::registry_error::invalid_id);
  }
  if (!registry::is_valid_id(a.device_id)) {
    return fail(command, "device " + in_quotes(a.device_id), registry::registry_error::invalid_id);
  }
  return 0;
}

void add_create(CLI::App& parent, command_context& ctx) {
  struct args : device_args {
    std::string dev_eui, join_eui, app_key, dev_addr, nwk_s_key, app_s_key;
    std::string cls = "A", lorawan_version = "1.0.3", frequency_plan = "EU_863_870", name;
  };
  auto a = std::make_shared<args>();
  auto* cmd = parent.add_subcommand("create", "Register an end device (OTAA or ABP)");
  cmd->add_option("APP", a->application_id, "Application ID")->required();
  cmd->add_option("DEV", a->device_id, "Device ID (3-36 of a-z, 0-9, '-')")->required();
  cmd->add_option("--dev-eui", a->dev_eui, "DevEUI (16 hex digits)");
  cmd->add_option("--join-eui", a->join_eui, "JoinEUI/AppEUI (16 hex digits), OTAA");
  cmd->add_option("--app-key", a->app_key, "AppKey (32 hex digits), OTAA");
  cmd->add_option("--dev-addr", a->dev_addr, "DevAddr (8 hex digits), ABP");
  cmd->add_option("--nwk-s-key", a->nwk_s_key, "NwkSKey (32 hex digits), ABP");
  cmd->add_option("--app-s-key", a->app_s_key, "AppSKey (32 hex digits), ABP");
  cmd->add_option("--class", a->cls, "Device class: A or C")->capture_default_str();
  cmd->add_option("--lorawan-version", a->lorawan_version, "LoRaWAN version (1.0 to 1.0.4)")
      ->capture_default_str();
  cmd->add_option("--frequency-plan", a->frequency_plan, "Frequency plan ID")->capture_default_str();
  cmd->add_option("--name", a->name, "Display name");
  add_registry_flags(*cmd, a->flags);
  set_registry_callback(*cmd, ctx, "device create", [a] {
    const char* command = "device create";
    if (int rc = check_ids(command, *a)) return rc;
    registry::end_device d;
    d.application_id = a->application_id;
    d.device_id = a->device_id;

    // Each hex flag: bad hex or a wrong length is a usage error naming the flag.
    std::optional<int> bad;
    auto hex_flag = [&](const char* flag, const std::string& text, auto parse, auto& field) {
      if (text.empty() || bad) return;
      auto value = parse(text);
      if (!value) {
        bad = fail(command, std::string(flag) + " " + in_quotes(text), value.error());
      } else {
        field = *value;
      }
    };
    hex_flag("--dev-eui", a->dev_eui, registry::parse_eui, d.dev_eui);
    hex_flag("--join-eui", a->join_eui, registry::parse_eui, d.join_eui);
    hex_flag("--app-key", a->app_key, registry::parse_aes_key, d.app_key);
    hex_flag("--dev-addr", a->dev_addr, registry::parse_dev_addr, d.dev_addr);
    hex_flag("--nwk-s-key", a->nwk_s_key, registry::parse_aes_key, d.nwk_s_key);
    hex_flag("--app-s-key", a->app_s_key, registry::parse_aes_key, d.app_s_key);
    if (bad) return *bad;

    const bool otaa = !a->join_eui.empty() || !a->app_key.empty();
    const bool abp = !a->dev_addr.empty() || !a->nwk_s_key.empty() || !a->app_s_key.empty();
    if (otaa == abp)
      return fail(command, subject(a->application_id, a->device_id),
                  registry::registry_error::invalid_activation);
    d.activation = otaa ? registry::activation_mode::otaa : registry::activation_mode::abp;

    auto cls = registry::parse_device_class(a->cls);
    if (!cls) return fail(command, "--class " + in_quotes(a->cls), cls.error());
    d.cls = *cls;
    auto version = registry::parse_lorawan_version(a->lorawan_version);
    if (!version) return fail(command, "--lorawan-version " + in_quotes(a->lorawan_version), version.error());
    d.lorawan_version = *version;
    if (int rc = check_frequency_plan(command, a->frequency_plan)) return rc;
    d.frequency_plan_id = a->frequency_plan;
    d.name = a->name;
    if (auto ok = registry::validate(d); !ok) {
      return fail(command, subject(a->application_id, a->device_id), ok.error());
    }

    auto db = open_registry(a->flags.data_dir);
    auto created = registry::device_store(*db).create(d);
    if (!created) {
      if (created.error() == registry::registry_error::unknown_application) {
        return fail(command, "application " + in_quotes(a->application_id), created.error());
      }
      if (created.error() == registry::registry_error::eui_in_use) {
        return fail(command,
                    "JoinEUI " + d.join_eui->to_hex() + " / DevEUI " + d.dev_eui->to_hex() +
                        " is already used by another device",
                    1);
      }
      return fail(command, subject(a->application_id, a->device_id), created.error());
    }
    if (a->flags.json) {
      print_json(to_json(*created, false));
    } else {
      std::cout << "Created " << registry::to_string(created->activation) << " device " << created->device_id
                << " in application " << created->application_id << '\n';
    }
    return 0;
  });
}

void add_list(CLI::App& parent, command_context& ctx) {
  struct args {
    registry_flags flags;
    std::string application_id;
  };
  auto a = std::make_shared<args>();
  auto* cmd = parent.add_subcommand("list", "List the devices of an application");
  cmd->add_option("APP", a->application_id, "Application ID")->required();
  add_registry_flags(*cmd, a->flags);
  set_registry_callback(*cmd, ctx, "device list", [a] {
    const char* command = "device list";
    const std::string app_subject = "application " + in_quotes(a->application_id);
    if (!registry::is_valid_id(a->application_id))
      return fail(command, app_subject, registry::registry_error::invalid_id);
    auto db = open_registry(a->flags.data_dir);
    auto devices = registry::device_store(*db).list(a->application_id);
    if (!devices) return fail(command, app_subject, devices.error());
    if (a->flags.json) {
      json out = json::array();
      for (const auto& d : *devices) out.push_back(to_json(d, false));
      print_json(out);
      return 0;
    }
    if (devices->empty()) {
      std::cout << "No devices in application " << a->application_id << ".\n";
      return 0;
    }
    std::cout << std::left << std::setw(37) << "DEVICE ID" << std::setw(11) << "ACTIVATION" << std::setw(18)
              << "DEV EUI" << std::setw(10) << "DEV ADDR" << std::setw(6) << "CLASS"
              << "NAME\n";
    for (const auto& d : *devices) {
      std::cout << std::setw(37) << d.device_id << std::setw(11) << registry::to_string(d.activation)
                << std::setw(18) << hex_or_dash(d.dev_eui) << std::setw(10) << hex_or_dash(d.dev_addr)
                << std::setw(6) << registry::to_string(d.cls) << d.name << '\n';
    }
    return 0;
  });
}

void add_show(CLI::App& parent, command_context& ctx) {
  auto a = std::make_shared<device_args>();
  auto* cmd = parent.add_subcommand("show", "Show one device, keys included");
  cmd->add_option("APP", a->application_id, "Application ID")->required();
  cmd->add_option("DEV", a->device_id, "Device ID")->required();
  add_registry_flags(*cmd, a->flags);
  set_registry_callback(*cmd, ctx, "device show", [a] {
    if (int rc = check_ids("device show", *a)) return rc;
    auto db = open_registry(a->flags.data_dir);
    auto d = registry::device_store(*db).get(a->application_id, a->device_id);
    if (!d) return fail("device show", subject(a->application_id, a->device_id), d.error());
    if (a->flags.json) {
      print_json(to_json(*d, true));
    } else {
      print_details(*d);
    }
    return 0;
  });
}

void add_delete(CLI::App& parent, command_context& ctx) {
  auto a = std::make_shared<device_args>();
  auto* cmd = parent.add_subcommand("delete", "Delete a device");
  cmd->add_option("APP", a->application_id, "Application ID")->required();
  cmd->add_option("DEV", a->device_id, "Device ID")->required();
  add_registry_flags(*cmd, a->flags);
  set_registry_callback(*cmd, ctx, "device delete", [a] {
    if (int rc = check_ids("device delete", *a)) return rc;
    auto db = open_registry(a->flags.data_dir);
    auto removed = registry::device_store(*db).remove(a->application_id, a->device_id);
    if (!removed) return fail("device delete", subject(a->application_id, a->device_id), removed.error());
    return report(a->flags.json,
                  {{"deleted", {{"application_id", a->application_id}, {"device_id", a->device_id}}}},
                  std::string("Deleted device ") + a->device_id + " from application " + a->application_id);
  });
}

}  // namespace

void add_device_command(CLI::App& app, command_context& ctx) {
  auto* cmd = app.add_subcommand("device", "Manage end devices in the registry");
  cmd->require_subcommand(1);
  add_create(*cmd, ctx);
  add_list(*cmd, ctx);
  add_show(*cmd, ctx);
  add_delete(*cmd, ctx);
}

}  // namespace tether::cli
