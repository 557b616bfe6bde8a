#include "cli/event_log_flags.hpp"

#include "core/duration.hpp"

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string_view>

namespace tether::cli {
namespace {

// Retention is kept in whole seconds; a nonzero duration below one second is one second (0: no limit).
std::optional<std::chrono::seconds> parse_retention(std::string_view text) {
  const auto d = core::parse_duration(text);
  if (!d) return std::nullopt;
  return std::chrono::ceil<std::chrono::seconds>(*d.value);
}

}  // namespace

void add_event_log_flags(CLI::App& cmd, event_log_flags& flags) {
  const CLI::Validator duration([](std::string& text) { return core::parse_duration(text).error; },
                                "DURATION");
  cmd.add_option("--event-retention", flags.retention,
                 "How long the event log keeps application events (90s, 30m, 12h, 7d; 0: no age limit)")
      ->envname("TETHER_EVENT_RETENTION")
      ->check(duration)
      ->capture_default_str();
  cmd.add_option("--event-retention-count", flags.retention_count,
                 "Newest application events the event log keeps per application (0: no count limit)")
      ->envname("TETHER_EVENT_RETENTION_COUNT")
      ->capture_default_str();
}

storage::event_log_options to_event_log_options(const event_log_flags& flags, storage::sync_mode sync) {
  const auto age = parse_retention(flags.retention);
  if (!age) throw std::runtime_error("--event-retention: " + core::parse_duration(flags.retention).error);
  storage::event_log_options o;
  o.max_age = *age;
  o.max_rows_per_stream = flags.retention_count;
  o.writer.sync = sync;
  return o;
}

}  // namespace tether::cli
