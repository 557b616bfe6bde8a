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

void listen_flags::add_to(CLI::App& cmd, const std::string& what) {
  flag(cmd, prefix + "-listen", tcp, what + ", TCP (off when empty)");
  flag(cmd, prefix + "-tls-listen", tls, what + ", TLS (needs --tls-cert and --tls-key)");
  flag(cmd, prefix + "-ws-listen", ws, what + ", WebSocket (path /mqtt)");
  flag(cmd, prefix + "-wss-listen", wss, what + ", WebSocket over TLS");
}

}  // namespace tether::cli
