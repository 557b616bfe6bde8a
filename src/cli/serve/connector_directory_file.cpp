#include "cli/serve/connector_directory_file.hpp"

#include "application/connector/connector_store.hpp"

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <array>
#include <filesystem>
#include <stdexcept>

namespace tether::cli {
namespace {
namespace conn = application::connector;

std::string unquote(std::string s) {
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front())
    return s.substr(1, s.size() - 2);
  return s;
}

struct raw_entry {
  std::map<std::string, std::string> keys;
};

void set_key(conn::connector_config& c, const std::string& k, const std::string& v) {
  if (k == "application") {
    c.application_id = v;
  } else if (k == "name") {
    c.name = v;
  } else if (k == "uri") {
    c.uri = v;
  } else if (k == "topic_up") {
    c.topic_up = v;
  } else if (k == "topic_down") {
    c.topic_down = v;
  } else if (k == "types") {
    conn::type_set types;
    if (auto bad = conn::parse_types(v, types); !bad.empty()) throw std::invalid_argument("types: " + bad);
    c.types = types;
  } else if (k == "ca") {
    c.ca_file = v;
  } else if (k == "client_id") {
    c.client_id = v;
  } else {
    throw std::invalid_argument("unknown key '" + k + "'");
  }
}

conn::connector_config to_config(const raw_entry& e) {
  conn::connector_config c;
  for (const auto& [k, v] : e.keys) set_key(c, k, v);
  for (const char* required : {"application", "name", "uri", "topic_up"})
    if (!e.keys.contains(required)) throw std::invalid_argument(std::string("'") + required + "' is missing");
  // The same checks as `tether connector create`, so the file and the command refuse the same things.
  if (auto bad = conn::validate_connector(c); !bad.empty()) throw std::invalid_argument(bad);
  return c;
}

class file_directory final : public conn::connector_directory {
 public:
  explicit file_directory(std::string path) : path_(std::move(path)) {}

  std::vector<conn::connector_config> list() override {
    if (path_.empty()) return {};
    std::error_code ec;
    auto stamp = std::filesystem::last_write_time(path_, ec);
    if (ec || (read_once_ && stamp == stamp_)) return last_;
    std::vector<raw_entry> entries;
    try {
      entries = read();
    } catch (const std::exception& e) {
      spdlog::warn("connectors in {}: cannot read the file, keeping the last list: {}", path_, e.what());
      stamp_ = stamp;
      return last_;
    }
    std::vector<conn::connector_config> out;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      try {
        out.push_back(to_config(entries[i]));
      } catch (const std::exception& e) {
        spdlog::warn("connectors in {}: [[connector]] #{} left out: {}", path_, i + 1, e.what());
      }
    }
    read_once_ = true;
    stamp_ = stamp;
    last_ = out;
    return out;
  }

 private:
  std::vector<raw_entry> read() const {
    CLI::ConfigTOML toml;
    std::vector<raw_entry> entries;
    for (const auto& item : toml.from_file(path_)) {
      if (item.parents.empty() || item.parents.front() != "connector") continue;
      if (item.name == "++") {
        entries.emplace_back();
        continue;
      }
      if (item.name == "--") continue;
      if (entries.empty()) entries.emplace_back();
      std::string value;
      for (const auto& part : item.inputs) value += (value.empty() ? "" : ",") + unquote(part);
      entries.back().keys[item.name] = value;
    }
    // "++" opens each table, but a table's first "++" may repeat when sections nest: drop empty ones.
    std::erase_if(entries, [](const raw_entry& e) { return e.keys.empty(); });
    return entries;
  }

  std::string path_;
  bool read_once_ = false;
  std::filesystem::file_time_type stamp_{};
  std::vector<conn::connector_config> last_;
};

}  // namespace

std::unique_ptr<conn::connector_directory> make_file_connector_directory(std::string path) {
  return std::make_unique<file_directory>(std::move(path));
}

}  // namespace tether::cli
