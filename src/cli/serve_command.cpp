// `tether serve`: placeholder, replaced by the real server wiring.

#include "cli/commands.hpp"

namespace tether::cli {

void add_serve_command(CLI::App& app, command_context& /*ctx*/) { app.add_subcommand("serve", "Run the server"); }
void add_mqtt_passwd_command(CLI::App& app, command_context& /*ctx*/) {
  app.add_subcommand("mqtt-passwd", "Add or replace a user in an MQTT password file");
}

}  // namespace tether::cli
