// `tether lorawan decode|encode`: placeholder until the LoRaWAN library lands.

#include "cli/commands.hpp"

namespace tether::cli {

void add_lorawan_command(CLI::App& app, command_context& /*ctx*/) {
  app.add_subcommand("lorawan", "Decode and encode LoRaWAN frames");
}

}  // namespace tether::cli
