// The `tether` command: builds the command tree and runs the chosen sub-command.

#include "cli/commands.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>

int main(int argc, char** argv) {
  CLI::App app{"Tether: an MQTT broker with LoRaWAN gateway, network and application servers in one binary."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "tether 0.1.0");

  tether::cli::command_context ctx;
  tether::cli::add_serve_command(app, ctx);
  tether::cli::add_mqtt_passwd_command(app, ctx);
  tether::cli::add_lorawan_command(app, ctx);
  tether::cli::add_gateway_command(app, ctx);
  tether::cli::add_application_command(app, ctx);
  tether::cli::add_device_command(app, ctx);
  tether::cli::add_key_command(app, ctx);
  tether::cli::add_connector_command(app, ctx);
  tether::cli::add_sim_command(app, ctx);
  tether::cli::add_iot_command(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;  // usage error, as DESIGN.md fixes
  }
  return ctx.exit_code;
}
