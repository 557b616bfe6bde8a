#include "core/duration.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <utility>

namespace tether::core {
namespace {

constexpr std::array<std::pair<std::string_view, double>, 5> units{{
    {"ms", 1},
    {"s", 1000},
    {"m", 60'000},
    {"h", 3'600'000},
    {"d", 86'400'000},
}};

parsed_duration refuse(std::string_view text, std::string_view why) {
  return {std::nullopt, "bad duration '" + std::string(text) + "': " + std::string(why)};
}

}  // namespace

parsed_duration parse_duration(std::string_view text) {
  // Digits and at most one dot: no sign, exponent, "inf" or hex, which from_chars alone would take.
  std::size_t digits = 0;
  std::size_t dots = 0;
  std::size_t n = 0;
  for (; n < text.size() && ((text[n] >= '0' && text[n] <= '9') || text[n] == '.'); ++n)
    (text[n] == '.' ? dots : digits)++;
  if (digits == 0 || dots > 1)
    return refuse(text, "a number first, then a unit, as in 500ms, 60s, 1.5s, 2m, 48h or 7d");
  double value = 0;
  if (std::from_chars(text.data(), text.data() + n, value).ec != std::errc{})
    return refuse(text, "the number does not parse");
  const auto unit = text.substr(n);
  double per = 0;
  if (unit.empty()) per = 1000;  // a bare number is seconds
  for (const auto& [name, ms] : units)
    if (unit == name) per = ms;
  if (per == 0) return refuse(text, "unknown unit '" + std::string(unit) + "' (use ms, s, m, h or d)");
  const double ms = value * per;
  if (!std::isfinite(ms) || ms > static_cast<double>(max_duration.count()))
    return refuse(text, "more than 100 years");
  return {std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(ms))), {}};
}

}  // namespace tether::core
