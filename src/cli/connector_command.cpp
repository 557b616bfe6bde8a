// `tether connector create|list|show|delete`: an application's outbound MQTT connectors (the Everynet
// Data API into the user's own broker). A bad URI, topic template or type list is refused at create time
// with the reason (exit 2). A running server picks changes up at its next registry poll.

#include "application/connector/connector_store.hpp"
#include "application/connector/data_api_json.hpp"
#include "application/connector/uri.hpp"
#include "cli/commands.hpp"
#include "cli/entity_command.hpp"
#include "cli/registry_cli.hpp"
#include "registry/ids.hpp"
#include "registry/service/failure.hpp"

#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>

namespace tether::cli {
namespace {

using application::connector::stored_connector;
using nlohmann::json;

json to_json(const stored_connector& c) {
  const auto& k = c.config;
  auto types = json::array();
  for (unsigned i = 0; i <= static_cast<unsigned>(application::connector::message_type::location); ++i) {
    const auto t = static_cast<application::connector::message_type>(i);
    if (k.types.contains(t)) types.push_back(application::connector::type_name(t));
  }
  return {{"application_id", k.application_id},
          {"name", k.name},
          {"uri", application::connector::redact_password(k.uri)},
          {"scheme", application::connector::scheme_name(k.broker.scheme)},
          {"host", k.broker.host},
          {"port", k.broker.port},
          {"topic_up", k.topic_up},
          {"topic_down", k.topic_down},
          {"types", types},
          {"ca_file", k.ca_file},
          {"client_id", k.client_id.empty() ? "tether-" + k.application_id + "-" + k.name : k.client_id},
          {"created_at", format_time(c.created_at)}};
}

// An absolute path to a readable file: the server may run from another directory.
int check_ca_file(std::string_view command, std::string& path) {
  if (path.empty()) return 0;
  std::error_code ec;
  auto absolute = std::filesystem::absolute(path, ec);
  if (ec || !std::filesystem::is_regular_file(absolute, ec) || !std::ifstream(absolute).good())
    return fail(command, "--ca " + registry::quoted(path) + ": not a readable file", 2);
  path = absolute.string();
  return 0;
}

struct create_args : entity_args {
  std::string uri, topic_up, topic_down, types, ca, client_id;
};

int create_connector(const entity_spec& spec, create_args& a, const CLI::Option* types_flag) {
  const char* command = "connector create";
  if (int rc = check_key(spec, command, a.key)) return rc;
  application::connector::connector_config c;
  c.application_id = a.key[0];
  c.name = a.key[1];
  c.uri = a.uri;
  c.topic_up = a.topic_up;
  c.topic_down = a.topic_down;
  c.client_id = a.client_id;
  c.ca_file = a.ca;
  if (types_flag->count() > 0) {
    if (auto bad = application::connector::parse_types(a.types, c.types); !bad.empty())
      return fail(command, "--types " + registry::quoted(a.types) + ": " + bad, 2);
  }
  if (auto bad = application::connector::validate_connector(c); !bad.empty()) return fail(command, bad, 2);
  if (int rc = check_ca_file(command, c.ca_file)) return rc;
  auto db = open_registry(a.flags.data_dir);
  auto created = application::connector::connector_store(*db).create(c);
  if (!created) {
    if (created.error() == registry::registry_error::unknown_application)
      return fail(command, "application " + registry::quoted(c.application_id) + " does not exist", 1);
    return fail(command, subject_of(spec, a.key), created.error());
  }
  return report(a.flags.json, to_json(*created),
                "Created connector " + c.name + " of application " + c.application_id + " to " +
                    application::connector::redact_password(c.uri));
}

void add_create(CLI::App& parent, command_context& ctx, std::shared_ptr<const entity_spec> spec) {
  auto a = std::make_shared<create_args>();
  auto& cmd =
      add_entity_verb(parent, *spec, "create", "Publish an application's traffic into your broker", *a, 2);
  cmd.add_option("--uri", a->uri,
                 "Broker: mqtt://, mqtts://, ws:// or wss://[user[:password]@]host[:port][/path]")
      ->required();
  cmd.add_option("--topic-up", a->topic_up,
                 "Topic Tether publishes to; {type} {device} {device_addr} {application} {gateway} {network}")
      ->required();
  cmd.add_option("--topic-down", a->topic_down, "Topic Tether subscribes to for downlink_response/claim");
  auto* types =
      cmd.add_option("--types", a->types,
                     "Message types to publish (default uplink,join_request,downlink,downlink_request,"
                     "status_response; also error,warning,info)");
  cmd.add_option("--ca", a->ca, "PEM CA bundle that verifies the broker (default: the system's CAs)");
  cmd.add_option("--client-id", a->client_id, "MQTT client ID (default tether-APP-NAME)");
  add_registry_flags(cmd, a->flags);
  set_registry_callback(cmd, ctx, "connector create",
                        [a, spec, types] { return create_connector(*spec, *a, types); });
}

void print_table(const std::vector<stored_connector>& connectors) {
  std::cout << std::left << std::setw(37) << "APPLICATION ID" << std::setw(37) << "NAME"
            << "URI\n";
  for (const auto& c : connectors) {
    std::cout << std::setw(37) << c.config.application_id << std::setw(37) << c.config.name
              << application::connector::redact_password(c.config.uri) << '\n';
  }
}

void print_details(const stored_connector& c) {
  const auto j = to_json(c);
  const auto& k = c.config;
  std::cout << "application_id: " << k.application_id << '\n'
            << "name:           " << k.name << '\n'
            << "uri:            " << j["uri"].get<std::string>() << '\n'
            << "topic_up:       " << k.topic_up << '\n'
            << "topic_down:     " << (k.topic_down.empty() ? "-" : k.topic_down) << '\n'
            << "types:          " << application::connector::format_types(k.types) << '\n'
            << "ca_file:        " << (k.ca_file.empty() ? "- (system CAs)" : k.ca_file) << '\n'
            << "client_id:      " << j["client_id"].get<std::string>() << '\n'
            << "created_at:     " << format_time(c.created_at) << '\n';
}

// `list [APP]`: an optional positional.
list_scope optional_app_scope() {
  return {.add_flags =
              [](CLI::App& cmd, entity_key& values) {
                values.assign(1, std::string());
                cmd.add_option("APP", values[0], "Application ID (default: every application)");
              },
          .resolve =
              [](std::string_view command, entity_key& values) {
                if (values.empty() || values[0].empty()) {
                  values.clear();
                  return 0;
                }
                if (registry::is_valid_id(values[0])) return 0;
                return fail(command, "application " + registry::quoted(values[0]),
                            registry::registry_error::invalid_id);
              },
          .subject =
              [](const entity_key& scope) {
                return scope.empty() ? std::string("connector") : "application " + registry::quoted(scope[0]);
              }};
}

entity_table<stored_connector> connector_table() {
  using key = const entity_key&;
  using store = application::connector::connector_store;
  return {
      .spec = {.command = "connector",
               .key = {{"APP", "application", "application_id", "Application ID"},
                       {"NAME", "connector", "name", "Connector name",
                        "Connector name (3-36 of a-z, 0-9, '-')"}},
               .help = {.list = "List connectors (of one application, or all)",
                        .show = "Show one connector",
                        .remove = "Delete a connector (a running server stops it)"},
               .scope = optional_app_scope(),
               .empty_text =
                   [](key scope) {
                     return scope.empty() ? std::string("No connectors.")
                                          : "No connectors in application " + scope[0] + ".";
                   },
               .deleted_text = [](key k) { return "Deleted connector " + k[1] + " of application " + k[0]; }},
      .to_json = to_json,
      .print_table = print_table,
      .list = [](storage::database& db, key scope) -> registry::result<std::vector<stored_connector>> {
        if (scope.empty()) return store(db).list();
        return store(db).list(std::string_view(scope[0]));
      },
      .get = [](storage::database& db, key k) { return store(db).get(k[0], k[1]); },
      .print_details = [](storage::database&, const stored_connector& c) { print_details(c); },
      .remove = [](storage::database& db, key k) { return store(db).remove(k[0], k[1]); },
  };
}

}  // namespace

void add_connector_command(CLI::App& app, command_context& ctx) {
  add_entity_commands(app, ctx, "Manage outbound MQTT connectors (Everynet Data API into your broker)",
                      connector_table(), add_create);
}

}  // namespace tether::cli
