#include "application/connector/connector_store.hpp"

#include "application/connector/data_api_json.hpp"
#include "application/connector/topic_template.hpp"
#include "application/connector/uri.hpp"
#include "registry/change_counter.hpp"
#include "registry/ids.hpp"

#include <spdlog/spdlog.h>

#include <map>
#include <memory>

namespace tether::application::connector {
namespace {

constexpr std::size_t max_client_id = 256;

constexpr const char* columns =
    "application_id, name, uri, topic_up, topic_down, types, ca_file, client_id, created_at";

std::optional<stored_connector> read_row(const storage::statement& s) {
  stored_connector c;
  auto& k = c.config;
  k.application_id = s.column_text(0);
  k.name = s.column_text(1);
  k.uri = s.column_text(2);
  k.topic_up = s.column_text(3);
  k.topic_down = s.column_text(4);
  k.ca_file = s.column_text(6);
  k.client_id = s.column_text(7);
  c.created_at = s.column_int(8);
  if (auto bad = parse_types(s.column_text(5), k.types); !bad.empty()) {
    spdlog::warn("connector {}/{}: stored types are bad ({}): the defaults apply", k.application_id, k.name,
                 bad);
    k.types = type_set::defaults();
  }
  auto broker = parse_broker_uri(k.uri);
  if (!broker) {
    spdlog::warn("connector {}/{}: the stored URI is refused ({}): not run", k.application_id, k.name,
                 broker.error());
    return std::nullopt;
  }
  k.broker = *broker;
  return c;
}

bool printable(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

class registry_directory final : public connector_directory {
 public:
  registry_directory(const std::string& path, connector_directory& file)
      : db_(path), counter_(db_), file_(file) {}

  std::vector<connector_config> list() override {
    const auto version = counter_.current();
    if (!loaded_ || version != version_) {
      stored_.clear();
      for (auto& c : connector_store(db_).list()) stored_.push_back(std::move(c.config));
      version_ = version;
      loaded_ = true;
    }
    std::map<std::pair<std::string, std::string>, connector_config> merged;
    for (const auto& c : stored_) merged.insert_or_assign({c.application_id, c.name}, c);
    for (auto& c : file_.list()) merged.insert_or_assign({c.application_id, c.name}, std::move(c));
    std::vector<connector_config> out;
    out.reserve(merged.size());
    for (auto& [key, c] : merged) out.push_back(std::move(c));
    return out;
  }

 private:
  storage::database db_;
  registry::change_counter counter_;
  connector_directory& file_;
  std::vector<connector_config> stored_;
  std::int64_t version_ = 0;
  bool loaded_ = false;
};

}  // namespace

std::string parse_types(std::string_view list, type_set& out) {
  type_set types;
  std::size_t start = 0;
  while (start <= list.size()) {
    const auto comma = list.find(',', start);
    auto name = list.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (name.empty()) return "an empty type name (use a comma-separated list such as uplink,downlink)";
    const auto type = parse_type_name(name);
    if (!type) {
      return "unknown type '" + std::string(name) +
             "' (known: uplink, join_request, downlink, downlink_request, status_response, error, warning, "
             "info, "
             "location)";
    }
    types.add(*type);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  out = types;
  return {};
}

std::string format_types(const type_set& types) {
  std::string out;
  for (unsigned i = 0; i <= static_cast<unsigned>(message_type::location); ++i) {
    const auto t = static_cast<message_type>(i);
    if (!types.contains(t)) continue;
    if (!out.empty()) out += ',';
    out += type_name(t);
  }
  return out;
}

std::string validate_connector(connector_config& c) {
  if (!registry::is_valid_id(c.application_id))
    return "application '" + c.application_id + "': invalid ID: 3-36 of a-z, 0-9 and single inner dashes";
  if (!registry::is_valid_id(c.name))
    return "connector name '" + c.name + "': invalid ID: 3-36 of a-z, 0-9 and single inner dashes";
  auto broker = parse_broker_uri(c.uri);
  if (!broker) return "--uri: " + broker.error();
  c.broker = *broker;
  if (auto t = topic_template::parse(c.topic_up); !t) return "--topic-up '" + c.topic_up + "': " + t.error();
  if (!c.topic_down.empty()) {
    if (auto bad = check_topic_filter(c.topic_down); !bad.empty())
      return "--topic-down '" + c.topic_down + "': " + bad;
  }
  if (c.types.bits() == 0) return "--types: name at least one type";
  if (c.client_id.size() > max_client_id || !printable(c.client_id))
    return "--client-id: at most 256 printable characters";
  if (!printable(c.ca_file)) return "--ca: the path has a control character";
  return {};
}

registry::result<stored_connector> connector_store::create(const connector_config& config) {
  storage::transaction t(db_);
  {
    auto s = db_.prepare("SELECT 1 FROM applications WHERE application_id = ?");
    s.bind(1, config.application_id);
    if (!s.step()) return registry::registry_error::unknown_application;
  }
  {
    auto s = db_.prepare("SELECT 1 FROM connectors WHERE application_id = ? AND name = ?");
    s.bind(1, config.application_id).bind(2, config.name);
    if (s.step()) return registry::registry_error::already_exists;
  }
  stored_connector c{config, registry::unix_now()};
  auto insert =
      db_.prepare(std::string("INSERT INTO connectors (") + columns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  insert.bind(1, config.application_id).bind(2, config.name).bind(3, config.uri).bind(4, config.topic_up);
  insert.bind(5, config.topic_down).bind(6, format_types(config.types)).bind(7, config.ca_file);
  insert.bind(8, config.client_id).bind(9, c.created_at);
  insert.run();
  registry::bump_registry_version(db_);
  t.commit();
  return c;
}

registry::result<stored_connector> connector_store::get(std::string_view application_id,
                                                        std::string_view name) {
  if (!registry::is_valid_id(application_id) || !registry::is_valid_id(name))
    return registry::registry_error::invalid_id;
  auto s = db_.prepare(std::string("SELECT ") + columns +
                       " FROM connectors WHERE application_id = ? AND name = ?");
  s.bind(1, application_id).bind(2, name);
  if (!s.step()) return registry::registry_error::not_found;
  auto c = read_row(s);
  if (!c) return registry::registry_error::not_found;
  return *c;
}

std::vector<stored_connector> connector_store::list(std::optional<std::string_view> application_id) {
  std::vector<stored_connector> out;
  auto s =
      db_.prepare(std::string("SELECT ") + columns + " FROM connectors" +
                  (application_id ? " WHERE application_id = ?" : "") + " ORDER BY application_id, name");
  if (application_id) s.bind(1, *application_id);
  while (s.step()) {
    if (auto c = read_row(s)) out.push_back(std::move(*c));
  }
  return out;
}

registry::result<void> connector_store::remove(std::string_view application_id, std::string_view name) {
  if (!registry::is_valid_id(application_id) || !registry::is_valid_id(name))
    return registry::registry_error::invalid_id;
  storage::transaction t(db_);
  auto s = db_.prepare("DELETE FROM connectors WHERE application_id = ? AND name = ?");
  s.bind(1, application_id).bind(2, name);
  s.run();
  if (db_.changes() == 0) return registry::registry_error::not_found;
  registry::bump_registry_version(db_);
  t.commit();
  return {};
}

std::unique_ptr<connector_directory> make_registry_directory(const std::string& database_path,
                                                             connector_directory& from_config_file) {
  return std::make_unique<registry_directory>(database_path, from_config_file);
}

}  // namespace tether::application::connector
