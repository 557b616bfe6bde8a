// `tether iot device|gateway create|list|show|delete ORG TYPE ID`: devices and gateways of the IoT
// platform registry. Each has an auth token, given with --token or generated, printed once and stored
// hashed. A gateway has a role (privileged by default, as on the platform) and a default resource group
// it acts for; `show` tells how one was registered and what a running server last saw of it.

#include "cli/iot_command.hpp"

#include "cli/registry_cli.hpp"
#include "iotp/registry_entities.hpp"
#include "iotp/registry_store.hpp"
#include "iotp/registry_token.hpp"

#include <iomanip>
#include <iostream>
#include <memory>

namespace tether::cli::iot {
namespace {

using iotp::type_class;
using nlohmann::json;

json registration_json(const iotp::iot_device& d) {
  return {{"source", iotp::to_string(d.source)},
          {"by", d.record.registered_by.empty() ? json(nullptr) : json(d.record.registered_by)},
          {"created_at", format_time(d.created_at)}};
}

json connection_json(const iotp::iot_device& d) {
  return {{"connected", d.connected},
          {"last_connect_at", time_json(d.last_connect_at)},
          {"last_disconnect_at", time_json(d.last_disconnect_at)}};
}

json device_json(const iotp::iot_device& d) {
  const auto& r = d.record;
  json out{{"org_id", r.ref.org},
           {"type_id", r.ref.type},
           {std::string(iotp::to_string(r.kind)) + "_id", r.ref.id},
           {"class", iotp::to_string(r.kind)}};
  if (r.kind == type_class::gateway) out["role"] = iotp::to_string(r.role);
  out["groups"] = r.groups;
  out["registration"] = registration_json(d);
  out["connection"] = connection_json(d);
  json location = nullptr;
  if (d.last_location) {
    location = json::parse(*d.last_location, nullptr, false);
    if (location.is_discarded()) location = *d.last_location;
  }
  out["last_location"] = location;
  return out;
}

std::string registration_text(const iotp::iot_device& d) {
  const auto when = format_time(d.created_at);
  switch (d.source) {
    case iotp::registration_source::gateway:
      return when + ", auto-registered by gateway " + d.record.registered_by;
    case iotp::registration_source::api:
      return when + ", through the API";
    case iotp::registration_source::cli:
      break;
  }
  return when + ", with the CLI";
}

std::string connection_text(const iotp::iot_device& d) {
  auto at = [](std::optional<std::int64_t> t) { return t ? format_time(*t) : std::string("-"); };
  if (!d.last_connect_at && !d.last_disconnect_at) return "never connected";
  if (d.connected) return "connected since " + at(d.last_connect_at);
  return "disconnected (last connect " + at(d.last_connect_at) + ", last disconnect " +
         at(d.last_disconnect_at) + ")";
}

std::string groups_text(const std::vector<std::string>& groups) {
  std::string out;
  for (const auto& g : groups) out += (out.empty() ? "" : ", ") + g;
  return out.empty() ? "-" : out;
}

void print_details(storage::database&, const iotp::iot_device& d) {
  const auto& r = d.record;
  std::cout << "org_id:        " << r.ref.org << '\n'
            << "type_id:       " << r.ref.type << '\n'
            << iotp::to_string(r.kind) << "_id:" << std::string(r.kind == type_class::gateway ? 4 : 5, ' ')
            << r.ref.id << '\n'
            << "class:         " << iotp::to_string(r.kind) << '\n';
  if (r.kind == type_class::gateway) std::cout << "role:          " << iotp::to_string(r.role) << '\n';
  std::cout << (r.kind == type_class::gateway ? "acts for:      " : "groups:        ")
            << groups_text(r.groups) << '\n'
            << "registered:    " << registration_text(d) << '\n'
            << "connection:    " << connection_text(d) << '\n'
            << "last_location: " << d.last_location.value_or("-") << '\n';
}

void print_table(const std::vector<iotp::iot_device>& devices) {
  std::cout << std::left << std::setw(26) << "TYPE" << std::setw(26) << "ID" << std::setw(12) << "ROLE"
            << std::setw(10) << "STATE"
            << "REGISTERED\n";
  for (const auto& d : devices) {
    const auto& r = d.record;
    std::cout << std::setw(26) << r.ref.type << std::setw(26) << r.ref.id << std::setw(12)
              << (r.kind == type_class::gateway ? iotp::to_string(r.role) : "-") << std::setw(10)
              << (d.connected ? "online" : "offline")
              << (d.source == iotp::registration_source::gateway ? "by " + r.registered_by
                                                                 : std::string(iotp::to_string(d.source)))
              << '\n';
  }
}

struct create_args : entity_args {
  std::string token, role = "privileged";
  std::vector<std::string> groups;
};

int create(type_class kind, const entity_spec& spec, const create_args& a) {
  const std::string command = "iot " + std::string(iotp::to_string(kind)) + " create";
  if (int rc = check_key(spec, command, a.key)) return rc;
  iotp::new_device d{.ref = ref_of(a.key), .kind = kind, .token = a.token, .groups = a.groups};
  if (kind == type_class::gateway) {
    auto role = iotp::parse_gateway_role(a.role);
    if (!role) return fail(command, "--role " + registry::quoted(a.role) + ": use standard or privileged", 2);
    d.role = *role;
  }
  if (!a.token.empty() && !iotp::is_valid_token(a.token)) {
    return fail_iot(command, "--token", iotp::iot_error::invalid_token);
  }
  auto db = open_registry(a.flags.data_dir);
  auto created = iotp::registry_store(*db).create_device(d);
  if (!created) return fail_create(command, subject_of(spec, a.key), d.ref, created.error());
  if (a.flags.json) {
    json out = device_json(created->device);
    out["token"] = created->token;
    print_json(out);
    std::cerr << token_not_shown_again << '\n';
  } else {
    std::cout << "Created " << iotp::to_string(kind) << ' ' << ref_text(d.ref);
    if (kind == type_class::gateway) std::cout << " (" << iotp::to_string(d.role) << ')';
    std::cout << '\n' << "token: " << created->token << '\n' << token_not_shown_again << '\n';
  }
  return 0;
}

add_create_fn create_adder(type_class kind) {
  return [kind](CLI::App& parent, command_context& ctx, std::shared_ptr<const entity_spec> spec) {
    auto a = std::make_shared<create_args>();
    const bool gateway = kind == type_class::gateway;
    auto& cmd = add_entity_verb(parent, *spec, "create",
                                gateway ? "Register a gateway (its token is printed once)"
                                        : "Register a device (its token is printed once)",
                                *a, 3);
    cmd.add_option("--token", a->token, "Auth token, 8-36 printable characters (default: generated)");
    if (gateway) {
      cmd.add_option("--role", a->role, "standard, or privileged (may auto-register devices)")
          ->capture_default_str();
      cmd.add_option("--group", a->groups,
                     "A resource group it acts for besides its default one (repeatable)")
          ->expected(1)
          ->allow_extra_args(false)
          ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    } else {
      cmd.add_option("--group", a->groups,
                     "A resource group to join, e.g. a gateway's default group (repeatable)")
          ->expected(1)
          ->allow_extra_args(false)
          ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    }
    add_registry_flags(cmd, a->flags);
    const auto command = "iot " + std::string(iotp::to_string(kind)) + " create";
    set_registry_callback(cmd, ctx, command, [a, spec, kind] { return create(kind, *spec, *a); });
  };
}

entity_table<iotp::iot_device> device_table(type_class kind) {
  using key = const entity_key&;
  const std::string noun(iotp::to_string(kind));
  return {
      .spec = {.command = "iot " + noun,
               .key = {org_part(), type_part(), device_part(noun)},
               .help = {.list = "List the " + noun + "s of an organization",
                        .show = "Show a " + noun + ": registration, connection state, last location",
                        .remove = kind == type_class::gateway
                                      ? "Delete a gateway and its default resource group"
                                      : "Delete a device"},
               .scope = {.parts = 1},
               .empty_text = [noun](key k) { return "No " + noun + "s in organization " + k[0] + "."; },
               .deleted_text =
                   [noun, kind](key k) {
                     return "Deleted " + noun + " " + ref_text(ref_of(k)) +
                            (kind == type_class::gateway ? " and its default resource group" : "");
                   }},
      .to_json = device_json,
      .print_table = print_table,
      .list = [kind](storage::database& db,
                     key k) { return listed(iotp::registry_store(db).list_devices(k[0], kind)); },
      .get = [kind](storage::database& db,
                    key k) { return listed(iotp::registry_store(db).get_device(ref_of(k), kind)); },
      .print_details = print_details,
      .remove = [kind](storage::database& db,
                       key k) { return listed(iotp::registry_store(db).remove_device(ref_of(k), kind)); },
  };
}

}  // namespace

void add_device_command(CLI::App& iot, command_context& ctx) {
  add_entity_commands(iot, ctx, "Manage devices (they log in as d:ORG:TYPE:ID with use-token-auth)",
                      device_table(type_class::device), create_adder(type_class::device));
}

void add_gateway_command(CLI::App& iot, command_context& ctx) {
  add_entity_commands(iot, ctx, "Manage gateways (they log in as g:ORG:TYPE:ID and act for devices)",
                      device_table(type_class::gateway), create_adder(type_class::gateway));
}

}  // namespace tether::cli::iot
