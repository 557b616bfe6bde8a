#include "cli/registry_cli.hpp"

#include "core/rfc3339.hpp"
#include "storage/migrations.hpp"
#include "storage/paths.hpp"

#include <chrono>
#include <filesystem>
#include <iostream>

namespace tether::cli {

void add_registry_flags(CLI::App& cmd, registry_flags& flags) {
  cmd.add_option("--data-dir", flags.data_dir, "Directory for the database and state")
      ->envname("TETHER_DATA_DIR")
      ->capture_default_str();
  cmd.add_flag("--json", flags.json, "Print JSON for scripts");
}

std::unique_ptr<storage::database> open_registry(const std::string& data_dir) {
  std::filesystem::create_directories(data_dir);
  auto db = std::make_unique<storage::database>(storage::database_path(data_dir).string());
  storage::migrate(*db);
  return db;
}

void set_registry_callback(CLI::App& cmd, command_context& ctx, std::string name, std::function<int()> body) {
  cmd.callback([&ctx, name = std::move(name), body = std::move(body)] {
    try {
      ctx.exit_code = body();
    } catch (const std::exception& e) {
      ctx.exit_code = fail(name, e.what(), 1);
    }
  });
}

int fail(std::string_view command, std::string_view text, int code) {
  std::cerr << "tether " << command << ": " << text << '\n';
  return code;
}

int fail(std::string_view command, std::string_view subject, const boost::system::error_code& ec) {
  return fail(command, registry::entity_failure(ec, std::string(subject)));
}

std::string flag_of(std::string_view field) {
  if (field == "frequency_plan_id") return "--frequency-plan";
  std::string flag = "--" + std::string(field);
  for (auto& c : flag) c = c == '_' ? '-' : c;
  return flag;
}

int fail(std::string_view command, const registry::failure& f) {
  return fail(command, f.message(flag_of), f.invalid_input() ? 2 : 1);
}

void print_json(const nlohmann::json& value) { std::cout << value.dump(2) << '\n'; }

int report(bool as_json, const nlohmann::json& value, const std::string& text) {
  if (as_json) {
    print_json(value);
  } else {
    std::cout << text << '\n';
  }
  return 0;
}

std::string format_time(std::int64_t unix_seconds) {
  return core::to_rfc3339(std::chrono::system_clock::time_point(std::chrono::seconds(unix_seconds)));
}

}  // namespace tether::cli
