#pragma once
// Durations as people write them on the command line, in the environment and in the config file:
// "500ms", "60s", "1.5s", "2m", "48h", "7d"; a bare number is seconds ("0" is zero). Every flag that
// takes a duration (--event-retention, --connector-*, tether sim's --duration) reads it here, so they
// accept the same forms and refuse them with the same words.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace tether::core {

// The longest duration accepted: 100 years, far beyond any retention or timeout.
inline constexpr std::chrono::milliseconds max_duration{100LL * 366 * 86'400 * 1000};

struct parsed_duration {
  std::optional<std::chrono::milliseconds> value;  // rounded to the millisecond
  std::string error;  // when refused, a sentence naming the text: "bad duration '5x': unknown unit 'x' ..."
  explicit operator bool() const { return value.has_value(); }
};

parsed_duration parse_duration(std::string_view text);

}  // namespace tether::core
