#pragma once
// The `serve` flags of the durable event stream (application events, storage/event_log): how long
// and how many events per application the log keeps. Kept apart from serve_command.cpp so the
// application frontend's module adds them with one call.

#include "storage/event_log.hpp"

#include <CLI/CLI.hpp>

#include <cstddef>
#include <string>

namespace tether::cli {

struct event_log_flags {
  std::string retention = "7d";           // a duration: 90s, 30m, 12h, 7d; 0: no age limit
  std::size_t retention_count = 100'000;  // per application; 0: no count limit
};

// --event-retention, --event-retention-count (also TETHER_EVENT_RETENTION..., and config keys).
void add_event_log_flags(CLI::App& cmd, event_log_flags& flags);
// Throws std::runtime_error on a duration add_event_log_flags would have refused.
storage::event_log_options to_event_log_options(const event_log_flags& flags, storage::sync_mode sync);

}  // namespace tether::cli
