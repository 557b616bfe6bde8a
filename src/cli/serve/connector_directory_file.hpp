#pragma once
// The connectors of the `--config` TOML file, as `[[connector]]` tables:
//   [[connector]]
//   application = "app1"
//   name = "mine"
//   uri = "mqtts://user:pass@broker.example.com"
//   topic_up = "/lora/{type}/{device}"
//   topic_down = "/downstream"           # optional
//   types = "uplink,join_request"        # optional: the Data API default filter
//   ca = "/etc/ssl/my-ca.pem"            # optional: the system's CAs
//   client_id = "tether-1"               # optional
// The file is read again at each list() (once a second), so an edit reaches a running server. An
// entry that `tether connector create` would refuse (validate_connector), or with a missing key, is
// left out with a clear log line (once per change of the file); an unreadable file keeps the last
// good list.

#include "application/connector/connector_config.hpp"

#include <memory>
#include <string>

namespace tether::cli {

// `path` empty: a directory that lists nothing.
std::unique_ptr<application::connector::connector_directory> make_file_connector_directory(std::string path);

}  // namespace tether::cli
