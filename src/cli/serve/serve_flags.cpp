#include "cli/serve/serve_flags.hpp"

#include <cctype>

namespace tether::cli {

std::string env_name_of(const std::string& flag_name) {
  std::string env = "TETHER_" + flag_name;
  for (auto& c : env) c = c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return env;
}

CLI::Option* switch_flag(CLI::App& cmd, const std::string& name, bool& value, const std::string& help) {
  return cmd.add_flag("--" + name, value, help)->envname(env_name_of(name));
}

void apply_config_file(CLI::App& cmd, const std::string& path) {
  CLI::ConfigTOML toml;
  for (const auto& item : toml.from_file(path)) {
    // [[connector]] tables are the connectors' (cli/serve/connector_directory_file.hpp).
    if (!item.parents.empty() && item.parents.front() == "connector") continue;
    if (!item.parents.empty() || item.name == "++" || item.name == "--") {
      const auto section = item.parents.empty() ? item.name : item.parents.front();
      throw CLI::ConfigError(path + ": [" + section + "]: no sections; keys are flag names at the top level");
    }
    auto* option = cmd.get_option_no_throw("--" + item.name);
    if (option == nullptr || item.name == "config") {
      throw CLI::ConfigError(path + ": '" + item.name + "' is not a flag of `tether serve`");
    }
    if (option->count() > 0) continue;  // the command line or the environment said otherwise
    if (option->get_expected_min() == 0) {
      option->add_result(option->get_flag_value(item.name, toml.to_flag(item)));
    } else {
      option->add_result(item.inputs);
    }
    option->run_callback();  // checks the value and stores it
  }
}

void listen_flags::add_to(CLI::App& cmd, const std::string& what) {
  flag(cmd, prefix + "-listen", tcp, what + ", TCP (off when empty)");
  flag(cmd, prefix + "-tls-listen", tls, what + ", TLS (needs --tls-cert and --tls-key)");
  flag(cmd, prefix + "-ws-listen", ws, what + ", WebSocket (path /mqtt)");
  flag(cmd, prefix + "-wss-listen", wss, what + ", WebSocket over TLS");
}

}  // namespace tether::cli
