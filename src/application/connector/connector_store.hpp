#pragma once
// The outbound connectors in the registry database (migration 10): created and deleted by `tether
// connector`, read by the serve module through connector_directory. A connector is named by its
// application and a name of its own; it goes with its application. Every write bumps the registry
// version, so a running server sees the change at its next poll. The URI is stored as given,
// password included (the broker needs it in clear; `show` and `list` print it masked).
//
// validate_connector() is the one check every source of a connector goes through (the command
// line, the config file): it parses the URI and the topic_up template and checks the rest, so that a
// connector that is stored or configured is one a link can run.

#include "application/connector/connector_config.hpp"
#include "registry/error.hpp"
#include "storage/sqlite.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tether::application::connector {

struct stored_connector {
  connector_config config;
  std::int64_t created_at = 0;  // Unix seconds
};

// Fills config.broker from config.uri and checks every field; the reason it is refused, in one
// sentence naming the field ("--uri: unknown scheme 'http': ..."), or empty.
std::string validate_connector(connector_config& config);

// "uplink,downlink_request" -> the set; the reason a name is refused (empty on success).
std::string parse_types(std::string_view list, type_set& out);
std::string format_types(const type_set& types);

class connector_store {
 public:
  explicit connector_store(storage::database& db) : db_(db) {}

  // The config must have passed validate_connector. unknown_application, already_exists.
  registry::result<stored_connector> create(const connector_config& config);
  registry::result<stored_connector> get(std::string_view application_id, std::string_view name);
  // Every connector, or one application's; ordered by application, then name. Rows whose URI no longer
  // parses are skipped (logged): they cannot run.
  std::vector<stored_connector> list(std::optional<std::string_view> application_id = std::nullopt);
  registry::result<void> remove(std::string_view application_id, std::string_view name);  // not_found

 private:
  storage::database& db_;
};

// The directory the serve module polls: the stored connectors (read on a connection of its own,
// reloaded only when the registry version changed) plus those `from_config_file` lists at each
// list(), which win over a stored one of the same application and name. `from_config_file` must
// outlive the directory.
std::unique_ptr<connector_directory> make_registry_directory(const std::string& database_path,
                                                             connector_directory& from_config_file);

}  // namespace tether::application::connector
