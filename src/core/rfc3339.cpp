#include "core/rfc3339.hpp"

#include <charconv>
#include <cstdint>

namespace tether::core {

namespace {

// `value` as exactly `width` decimal digits (zero-padded).
void append_digits(std::string& out, std::uint64_t value, int width) {
  char text[20];
  for (int i = width - 1; i >= 0; --i) {
    text[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out.append(text, static_cast<std::size_t>(width));
}

// ".123", ".123456" or ".123456789": as few digit groups as represent `nanos` exactly ("" for 0).
void append_fraction(std::string& out, std::int64_t nanos) {
  if (nanos == 0) return;
  out += '.';
  if (nanos % 1'000'000 == 0) return append_digits(out, static_cast<std::uint64_t>(nanos / 1'000'000), 3);
  if (nanos % 1'000 == 0) return append_digits(out, static_cast<std::uint64_t>(nanos / 1'000), 6);
  append_digits(out, static_cast<std::uint64_t>(nanos), 9);
}

}  // namespace

std::string to_duration_seconds(std::chrono::nanoseconds d) {
  std::string out;
  append_duration_seconds(out, d);
  return out;
}

void append_duration_seconds(std::string& out, std::chrono::nanoseconds d) {
  const auto ns = d.count();
  const auto magnitude = static_cast<std::uint64_t>(ns < 0 ? -ns : ns);
  if (ns < 0) out += '-';
  char text[24];
  const auto end = std::to_chars(text, text + sizeof text, magnitude / 1'000'000'000).ptr;
  out.append(text, end);
  append_fraction(out, static_cast<std::int64_t>(magnitude % 1'000'000'000));
  out += 's';
}

std::string to_rfc3339(std::chrono::system_clock::time_point t) {
  std::string out;
  append_rfc3339(out, t);
  return out;
}

void append_rfc3339(std::string& out, std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto ns_since_epoch = duration_cast<nanoseconds>(t.time_since_epoch()).count();
  auto seconds_part = ns_since_epoch / 1'000'000'000;
  auto nanos = ns_since_epoch % 1'000'000'000;
  if (nanos < 0) {  // before 1970: floor, so the fraction stays positive
    nanos += 1'000'000'000;
    --seconds_part;
  }
  const sys_seconds secs{seconds{seconds_part}};
  const auto day = floor<days>(secs);
  const year_month_day ymd{day};
  const hh_mm_ss hms{secs - day};
  const int year = static_cast<int>(ymd.year());
  if (year < 0) out += '-';
  append_digits(out, static_cast<std::uint64_t>(year < 0 ? -year : year), 4);
  out += '-';
  append_digits(out, static_cast<unsigned>(ymd.month()), 2);
  out += '-';
  append_digits(out, static_cast<unsigned>(ymd.day()), 2);
  out += 'T';
  append_digits(out, static_cast<std::uint64_t>(hms.hours().count()), 2);
  out += ':';
  append_digits(out, static_cast<std::uint64_t>(hms.minutes().count()), 2);
  out += ':';
  append_digits(out, static_cast<std::uint64_t>(hms.seconds().count()), 2);
  append_fraction(out, nanos);
  out += 'Z';
}

}  // namespace tether::core
