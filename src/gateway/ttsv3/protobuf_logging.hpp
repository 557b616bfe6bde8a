#pragma once
// libprotobuf prints its own error line to stderr for some malformed input (e.g. invalid UTF-8 in a
// string field), so any gateway could flood stderr. Route those lines to spdlog at debug level: the
// realm already logs the drop with its reason.

namespace tether::gateway::ttsv3 {

// Process-wide; call once at start, before the first decode.
void route_protobuf_logs_to_spdlog();

}  // namespace tether::gateway::ttsv3
