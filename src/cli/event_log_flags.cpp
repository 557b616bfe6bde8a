#include "cli/event_log_flags.hpp"

#include <charconv>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string_view>

namespace tether::cli {
namespace {

// "90s", "30m", "12h", "7d"; a bare number is seconds. At most 100 years.
std::optional<std::chrono::seconds> parse_retention(std::string_view text) {
  std::uint64_t value = 0;
  const auto* end = text.data() + text.size();
  const auto [unit, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{}) return std::nullopt;
  const std::string_view suffix(unit, static_cast<std::size_t>(end - unit));
  std::uint64_t per = 0;
  if (suffix.empty() || suffix == "s") per = 1;
  if (suffix == "m") per = 60;
  if (suffix == "h") per = 3600;
  if (suffix == "d") per = 86'400;
  if (per == 0 || value > 100ull * 366 * 86'400 / per) return std::nullopt;
  return std::chrono::seconds(static_cast<std::int64_t>(value * per));
}

}  // namespace

void add_event_log_flags(CLI::App& cmd, event_log_flags& flags) {
  const CLI::Validator duration(
      [](std::string& text) {
        return parse_retention(text) ? std::string{}
                                     : "'" + text + "' is not a duration like 90s, 30m, 12h or 7d";
      },
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
  if (!age) throw std::runtime_error("--event-retention: '" + flags.retention + "' is not a duration");
  storage::event_log_options o;
  o.max_age = *age;
  o.max_rows_per_stream = flags.retention_count;
  o.writer.sync = sync;
  return o;
}

}  // namespace tether::cli
