#pragma once
// Durations on the command line: "10s", "500ms", "1.5s", "2m"; a bare number is seconds.

#include <chrono>
#include <optional>
#include <string_view>

namespace tether::sim {

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

}  // namespace tether::sim
