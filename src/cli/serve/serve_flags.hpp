#pragma once
// How `tether serve` declares its flags, so that every flag, whichever module adds it, is also
// TETHER_<FLAG> in the environment and a key of the --config TOML file, and every frontend's
// listeners are spelled alike: --{prefix}-listen, --{prefix}-tls-listen, --{prefix}-ws-listen,
// --{prefix}-wss-listen (an empty value leaves that listener closed).
// A --config file is read by apply_config_file.

#include <CLI/CLI.hpp>

#include <string>

namespace tether::cli {

// "mqtt-max-queued" → "TETHER_MQTT_MAX_QUEUED".
std::string env_name_of(const std::string& flag_name);

// A flag with a value, its default shown in --help.
template <class T>
CLI::Option* flag(CLI::App& cmd, const std::string& name, T& value, const std::string& help) {
  return cmd.add_option("--" + name, value, help)->envname(env_name_of(name))->capture_default_str();
}

// A flag without a value (true when given).
CLI::Option* switch_flag(CLI::App& cmd, const std::string& name, bool& value, const std::string& help);

// CLI11 (2.1) reads a --config file only for the main app, never for a subcommand such as `serve`, so
// serve reads its own once the command line is parsed: each top-level key of the TOML file sets the
// flag of that name unless the command line or a TETHER_* variable set it already (command line >
// environment > file). An unknown key, or a value a flag rejects, is a usage error (CLI::ParseError).
void apply_config_file(CLI::App& cmd, const std::string& path);

// The listener addresses of one frontend, one per transport.
struct listen_flags {
  std::string prefix;  // "mqtt", "gateway-v3", ...: the flags are --{prefix}-listen and so on
  std::string tcp;
  std::string tls;
  std::string ws;
  std::string wss;

  bool any() const { return !(tcp.empty() && tls.empty() && ws.empty() && wss.empty()); }
  // Adds the four flags; `what` names the frontend in --help ("Gateway API (v3)").
  void add_to(CLI::App& cmd, const std::string& what);
};

}  // namespace tether::cli
