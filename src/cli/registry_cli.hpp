#pragma once
// What the registry commands (gateway, application, device, key) share: the --data-dir and --json
// flags, opening the migrated database, and turning errors into one stderr line and an exit code
// (2 for bad input, 1 for everything else). entity_command.hpp builds their list/show/delete from these.

#include "cli/commands.hpp"
#include "registry/error.hpp"
#include "registry/service/failure.hpp"
#include "storage/sqlite.hpp"

#include <boost/system/error_code.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

namespace tether::cli {

struct registry_flags {
  std::string data_dir = "data";
  bool json = false;
};

// --data-dir (TETHER_DATA_DIR, default "data") and --json.
void add_registry_flags(CLI::App& cmd, registry_flags& flags);

// Opens <data-dir>/tether.db, creating the directory and applying the migrations.
std::unique_ptr<storage::database> open_registry(const std::string& data_dir);

// Sets `cmd` to run `body`, whose return value becomes the exit code; exceptions (database errors)
// print one line and exit 1.
void set_registry_callback(CLI::App& cmd, command_context& ctx, std::string name, std::function<int()> body);

// Prints "tether <command>: <text>" to stderr and returns `code`.
int fail(std::string_view command, std::string_view text, int code);
// The same for a registry error about `subject` (e.g. "gateway 'gw1'"): 2 for bad input, else 1.
int fail(std::string_view command, std::string_view subject, const boost::system::error_code& ec);

// The same for a failure of the registry service, naming its field as the flag that set it
// ("frequency_plan_id" as "--frequency-plan").
int fail(std::string_view command, const registry::failure& f);
// The flag that sets a service field.
std::string flag_of(std::string_view field);
// A service outcome as the error code the entity tables expect (the subject is the same words).
template <class T>
registry::result<T> to_result(registry::outcome<T> o) {
  if (!o) return o.error().code;
  if constexpr (std::is_void_v<T>) {
    return {};
  } else {
    return std::move(*o);
  }
}

// Pretty JSON on stdout.
void print_json(const nlohmann::json& value);
// The outcome of a command: `value` as JSON with --json, else `text` as one line. Returns exit code 0.
int report(bool as_json, const nlohmann::json& value, const std::string& text);
// "2024-05-01T12:00:00Z"
std::string format_time(std::int64_t unix_seconds);

}  // namespace tether::cli
