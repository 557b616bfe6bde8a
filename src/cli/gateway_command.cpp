// `tether gateway create|update|list|show|delete`: the gateways in the registry, through the registry
// service the admin API calls too (registry/service/gateway_service.hpp).

#include "cli/commands.hpp"
#include "cli/entity_command.hpp"
#include "cli/registry_cli.hpp"
#include "http/api/registry_json.hpp"
#include "registry/ids.hpp"
#include "registry/service/gateway_service.hpp"

#include <iomanip>
#include <iostream>
#include <memory>

namespace tether::cli {
namespace {

using nlohmann::json;

using http::api::to_json;

void print_details(const registry::gateway& g) {
  std::cout << "gateway_id:        " << g.gateway_id << '\n'
            << "eui:               " << (g.eui ? g.eui->to_hex() : "-") << '\n'
            << "frequency_plan_id: " << g.frequency_plan_id << '\n'
            << "name:              " << g.name << '\n';
  if (g.location) {
    std::cout << "location:          " << g.location->latitude << ", " << g.location->longitude << ", "
              << g.location->altitude << " m\n";
  }
  std::cout << "created_at:        " << format_time(g.created_at) << '\n';
}

json connection_state(storage::database& db, const std::string& gateway_id) {
  return http::api::gateway_connection(db, gateway_id);
}

void print_connection(const json& c) {
  if (c.is_null()) {
    std::cout << "connection:        never connected\n";
    return;
  }
  auto text = [&](const char* key) {
    return c.contains(key) && c[key].is_string() ? c[key].get<std::string>() : "-";
  };
  std::cout << "connected:         " << (c.value("connected", false) ? "yes" : "no") << " ("
            << text("protocol") << ", from " << text("remote_address") << ")\n"
            << "last_seen:         " << text("last_seen") << '\n'
            << "traffic:           " << c.value("uplinks", 0) << " uplinks, " << c.value("downlinks", 0)
            << " downlinks, " << c.value("statuses", 0) << " statuses, " << c.value("tx_acks", 0)
            << " tx acks\n";
  if (c.contains("dropped")) {
    for (const auto& [reason, count] : c["dropped"].items()) {
      std::cout << "dropped:           " << count << " (" << reason << ")\n";
    }
  }
  if (c.contains("last_status")) std::cout << "last_status:       " << c["last_status"].dump() << '\n';
}

// The flags of `create` and `update`: unset ones leave the default (create) or the value (update).
struct gateway_args : entity_args {
  std::string eui, frequency_plan = "EU_863_870", name;
  double latitude = 0, longitude = 0, altitude = 0;
  CLI::Option *eui_opt = nullptr, *plan_opt = nullptr, *name_opt = nullptr, *lat_opt = nullptr;
  bool clear_location = false;

  registry::gateway_fields fields(bool creating) const {
    registry::gateway_fields f;
    if (eui_opt->count() > 0 && (!creating || !eui.empty())) f.eui = eui;
    if (creating || plan_opt->count() > 0) f.frequency_plan_id = frequency_plan;
    if (name_opt->count() > 0) f.name = name;
    if (lat_opt->count() > 0) f.location = registry::location{latitude, longitude, altitude};
    f.clear_location = clear_location;
    return f;
  }
};

CLI::App& add_gateway_verb(CLI::App& parent, const entity_spec& spec, const std::string& verb,
                           const std::string& help, gateway_args& a) {
  auto& cmd = add_entity_verb(parent, spec, verb, help, a, 1);
  a.eui_opt = cmd.add_option(
      "--eui", a.eui,
      verb == "create" ? "Gateway EUI (16 hex digits)" : "Gateway EUI (16 hex digits; empty: none)");
  a.plan_opt = cmd.add_option("--frequency-plan", a.frequency_plan, "Frequency plan ID");
  if (verb == "create") a.plan_opt->capture_default_str();
  a.name_opt = cmd.add_option("--name", a.name, "Display name");
  a.lat_opt = cmd.add_option("--latitude", a.latitude, "Latitude in degrees");
  auto* lon = cmd.add_option("--longitude", a.longitude, "Longitude in degrees");
  auto* alt = cmd.add_option("--altitude", a.altitude, "Altitude in metres");
  a.lat_opt->needs(lon);
  lon->needs(a.lat_opt);
  alt->needs(a.lat_opt);
  if (verb == "update") {
    cmd.add_flag("--clear-location", a.clear_location, "Remove the location")->excludes(a.lat_opt);
  }
  add_registry_flags(cmd, a.flags);
  return cmd;
}

void add_create(CLI::App& parent, command_context& ctx, std::shared_ptr<const entity_spec> spec) {
  auto a = std::make_shared<gateway_args>();
  auto& cmd = add_gateway_verb(parent, *spec, "create", "Register a gateway", *a);
  set_registry_callback(cmd, ctx, "gateway create", [a, spec] {
    const char* command = "gateway create";
    if (int rc = check_key(*spec, command, a->key)) return rc;
    const auto fields = a->fields(true);
    // Bad flags are reported before the registry is opened (or its directory created).
    if (auto ok = registry::gateway_service::check(fields); !ok) return fail(command, ok.error());
    auto db = open_registry(a->flags.data_dir);
    auto created = registry::gateway_service(*db).create(a->key[0], fields);
    if (!created) return fail(command, created.error());
    return report(a->flags.json, to_json(*created), std::string("Created gateway ") + created->gateway_id);
  });
  auto u = std::make_shared<gateway_args>();
  auto& update =
      add_gateway_verb(parent, *spec, "update", "Change a gateway's EUI, plan, name or location", *u);
  set_registry_callback(update, ctx, "gateway update", [u, spec] {
    const char* command = "gateway update";
    if (int rc = check_key(*spec, command, u->key)) return rc;
    auto db = open_registry(u->flags.data_dir);
    auto updated = registry::gateway_service(*db).update(u->key[0], u->fields(false));
    if (!updated) return fail(command, updated.error());
    return report(u->flags.json, to_json(*updated), std::string("Updated gateway ") + updated->gateway_id);
  });
}

void print_table(const std::vector<registry::gateway>& gateways) {
  std::cout << std::left << std::setw(37) << "GATEWAY ID" << std::setw(18) << "EUI" << std::setw(20)
            << "FREQUENCY PLAN"
            << "NAME\n";
  for (const auto& g : gateways) {
    std::cout << std::setw(37) << g.gateway_id << std::setw(18) << (g.eui ? g.eui->to_hex() : "-")
              << std::setw(20) << g.frequency_plan_id << g.name << '\n';
  }
}

entity_table<registry::gateway> gateway_table() {
  using key = const entity_key&;
  return {
      .spec = {.command = "gateway",
               .key = {{"ID", "gateway", "gateway_id", "Gateway ID", "Gateway ID (3-36 of a-z, 0-9, '-')"}},
               .help = {.list = "List gateways",
                        .show = "Show one gateway",
                        .remove = "Delete a gateway and its API keys"},
               .empty_text = [](key) { return std::string("No gateways."); },
               .deleted_text = [](key k) { return "Deleted gateway " + k[0] + " and its API keys"; }},
      .to_json = [](const registry::gateway& x) { return to_json(x); },
      .print_table = print_table,
      .list = [](storage::database& db, key) { return to_result(registry::gateway_service(db).list()); },
      .get = [](storage::database& db, key k) { return to_result(registry::gateway_service(db).get(k[0])); },
      .show_json =
          [](storage::database& db, const registry::gateway& g) {
            auto out = to_json(g);
            out["connection"] = connection_state(db, g.gateway_id);
            return out;
          },
      .print_details =
          [](storage::database& db, const registry::gateway& g) {
            print_details(g);
            print_connection(connection_state(db, g.gateway_id));
          },
      .remove = [](storage::database& db,
                   key k) { return to_result(registry::gateway_service(db).remove(k[0])); },
  };
}

}  // namespace

void add_gateway_command(CLI::App& app, command_context& ctx) {
  add_entity_commands(app, ctx, "Manage gateways in the registry", gateway_table(), add_create);
}

}  // namespace tether::cli
