// `tether gateway create|list|show|delete`: the gateways in the registry.

#include "cli/commands.hpp"
#include "cli/entity_command.hpp"
#include "cli/registry_cli.hpp"
#include "gateway/gateway_state_store.hpp"
#include "registry/gateway_store.hpp"
#include "registry/ids.hpp"
#include "registry/validation.hpp"

#include <iomanip>
#include <iostream>
#include <memory>

namespace tether::cli {
namespace {

using nlohmann::json;

json to_json(const registry::gateway& g) {
  json out{{"gateway_id", g.gateway_id},
           {"eui", g.eui ? json(g.eui->to_hex()) : json(nullptr)},
           {"frequency_plan_id", g.frequency_plan_id},
           {"name", g.name},
           {"created_at", format_time(g.created_at)}};
  if (g.location) {
    out["location"] = {{"latitude", g.location->latitude},
                       {"longitude", g.location->longitude},
                       {"altitude", g.location->altitude}};
  }
  return out;
}

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

// What the server last wrote about the gateway's connection (gateway_state_writer), if anything.
json connection_state(storage::database& db, const std::string& gateway_id) {
  auto text = gateway::gateway_state_store(db).read(gateway_id);
  if (!text) return json(nullptr);
  auto state = json::parse(*text, nullptr, false);
  return state.is_discarded() ? json(nullptr) : state;
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

void add_create(CLI::App& parent, command_context& ctx, std::shared_ptr<const entity_spec> spec) {
  struct args : entity_args {
    std::string eui, frequency_plan = "EU_863_870", name;
    double latitude = 0, longitude = 0, altitude = 0;
  };
  auto a = std::make_shared<args>();
  auto& cmd = add_entity_verb(parent, *spec, "create", "Register a gateway", *a, 1);
  cmd.add_option("--eui", a->eui, "Gateway EUI (16 hex digits)");
  cmd.add_option("--frequency-plan", a->frequency_plan, "Frequency plan ID")->capture_default_str();
  cmd.add_option("--name", a->name, "Display name");
  auto* lat = cmd.add_option("--latitude", a->latitude, "Latitude in degrees");
  auto* lon = cmd.add_option("--longitude", a->longitude, "Longitude in degrees");
  auto* alt = cmd.add_option("--altitude", a->altitude, "Altitude in metres");
  lat->needs(lon);
  lon->needs(lat);
  alt->needs(lat);
  add_registry_flags(cmd, a->flags);
  set_registry_callback(cmd, ctx, "gateway create", [a, lat, spec] {
    const char* command = "gateway create";
    if (int rc = check_key(*spec, command, a->key)) return rc;
    registry::gateway g;
    g.gateway_id = a->key[0];
    if (!a->eui.empty()) {
      auto eui = registry::parse_eui(a->eui);
      if (!eui) return fail(command, "--eui " + in_quotes(a->eui), eui.error());
      g.eui = *eui;
    }
    if (int rc = check_frequency_plan(command, a->frequency_plan)) return rc;
    g.frequency_plan_id = a->frequency_plan;
    g.name = a->name;
    if (lat->count() > 0) g.location = registry::location{a->latitude, a->longitude, a->altitude};
    auto db = open_registry(a->flags.data_dir);
    auto created = registry::gateway_store(*db).create(g);
    if (!created) {
      if (created.error() == registry::registry_error::eui_in_use) {
        return fail(command, "EUI " + g.eui->to_hex() + " is already used by another gateway", 1);
      }
      return fail(command, subject_of(*spec, a->key), created.error());
    }
    return report(a->flags.json, to_json(*created), std::string("Created gateway ") + created->gateway_id);
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
      .to_json = to_json,
      .print_table = print_table,
      .list = list_every<registry::gateway_store, registry::gateway>,
      .get = get_by_id<registry::gateway_store>,
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
      .remove = remove_by_id<registry::gateway_store>,
  };
}

}  // namespace

void add_gateway_command(CLI::App& app, command_context& ctx) {
  add_entity_commands(app, ctx, "Manage gateways in the registry", gateway_table(), add_create);
}

}  // namespace tether::cli
