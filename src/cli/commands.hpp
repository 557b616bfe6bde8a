#pragma once
// Each `tether` sub-command lives in its own file and registers itself on the root app here.
// A command's callback stores its exit code (0 success, 1 runtime failure, 2 usage error).

#include <CLI/CLI.hpp>

namespace tether::cli {

struct command_context {
  int exit_code = 0;
};

void add_serve_command(CLI::App& app, command_context& ctx);
void add_mqtt_passwd_command(CLI::App& app, command_context& ctx);
void add_lorawan_command(CLI::App& app, command_context& ctx);
void add_gateway_command(CLI::App& app, command_context& ctx);
void add_application_command(CLI::App& app, command_context& ctx);
void add_device_command(CLI::App& app, command_context& ctx);
void add_key_command(CLI::App& app, command_context& ctx);
void add_sim_command(CLI::App& app, command_context& ctx);
void add_iot_command(CLI::App& app, command_context& ctx);
void add_connector_command(CLI::App& app, command_context& ctx);

}  // namespace tether::cli
