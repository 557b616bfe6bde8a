// `tether mqtt-passwd FILE USER`: adds or replaces USER in the broker's password file, reading the
// password from standard input so it never shows in the process list or shell history.

#include "cli/commands.hpp"
#include "plain/password_file.hpp"

#include <iostream>
#include <memory>

namespace tether::cli {

void add_mqtt_passwd_command(CLI::App& app, command_context& ctx) {
  struct args {
    std::string file;
    std::string user;
  };
  auto a = std::make_shared<args>();
  auto* cmd =
      app.add_subcommand("mqtt-passwd", "Add or replace a user in an MQTT password file (password on stdin)");
  cmd->add_option("FILE", a->file, "Password file")->required();
  cmd->add_option("USER", a->user, "User name")->required();
  cmd->callback([a, &ctx] {
    std::string password;
    if (!std::getline(std::cin, password) || password.empty()) {
      std::cerr << "mqtt-passwd: expected the password on standard input\n";
      ctx.exit_code = 2;
      return;
    }
    if (!password.empty() && password.back() == '\r') password.pop_back();
    try {
      plain::password_file::set_user(a->file, a->user, password);
    } catch (const std::invalid_argument& e) {
      std::cerr << "mqtt-passwd: " << e.what() << '\n';
      ctx.exit_code = 2;
    } catch (const std::exception& e) {
      std::cerr << "mqtt-passwd: " << e.what() << '\n';
      ctx.exit_code = 1;
    }
  });
}

}  // namespace tether::cli
