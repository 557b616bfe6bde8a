#pragma once
// What the `tether iot ...` commands share (iot_command*.cpp): the key parts that name orgs, types,
// devices and groups, turning IoT registry errors into one stderr line and an exit code (2 for bad input,
// 1 otherwise, as the other entity commands), and the JSON of device references and times.

#include "cli/commands.hpp"
#include "cli/entity_command.hpp"
#include "iotp/directory.hpp"
#include "iotp/registry_error.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace tether::cli::iot {

key_part org_part();
key_part type_part();
// The last part of a device's or gateway's key: `noun` is "device" or "gateway".
key_part device_part(const std::string& noun);
key_part group_part();

// {ORG, TYPE, ID} of a key.
iotp::device_ref ref_of(const entity_key& key);

// The error the shared list/show/delete bodies print well: not_found and already_exists as the
// registry's, an unknown org as not found (the subject then names it); others as they are.
boost::system::error_code for_listing(const boost::system::error_code& ec);
template <class T>
registry::result<T> listed(iotp::result<T> r) {
  if (r) return r;
  return for_listing(r.error());
}

// "tether <command>: <subject> <why>", exit 2 for bad input, else 1.
int fail_iot(std::string_view command, std::string_view subject, const boost::system::error_code& ec);
// The same for a create whose org or type may be missing: names the missing one.
int fail_create(std::string_view command, std::string_view subject, const iotp::device_ref& ref,
                const boost::system::error_code& ec);

nlohmann::json time_json(std::optional<std::int64_t> unix_seconds);
std::string ref_text(const iotp::device_ref& ref);  // "org/type/id"

// The subcommands under `tether iot`.
void add_org_command(CLI::App& iot, command_context& ctx);
void add_type_command(CLI::App& iot, command_context& ctx);
void add_device_command(CLI::App& iot, command_context& ctx);
void add_gateway_command(CLI::App& iot, command_context& ctx);
void add_apikey_command(CLI::App& iot, command_context& ctx);
void add_group_command(CLI::App& iot, command_context& ctx);

constexpr std::string_view token_not_shown_again = "This token will not be shown again: store it now.";

}  // namespace tether::cli::iot
