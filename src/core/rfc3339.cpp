#include "core/rfc3339.hpp"

#include <fmt/format.h>

#include <cstdint>

namespace tether::core {

namespace {

// ".123", ".123456" or ".123456789": as few digit groups as represent `nanos` exactly ("" for 0).
std::string fraction(std::int64_t nanos) {
  if (nanos == 0) return {};
  if (nanos % 1'000'000 == 0) return fmt::format(".{:03}", nanos / 1'000'000);
  if (nanos % 1'000 == 0) return fmt::format(".{:06}", nanos / 1'000);
  return fmt::format(".{:09}", nanos);
}

}  // namespace

std::string to_duration_seconds(std::chrono::nanoseconds d) {
  const auto ns = d.count();
  const auto magnitude = ns < 0 ? -ns : ns;
  return fmt::format("{}{}{}s", ns < 0 ? "-" : "", magnitude / 1'000'000'000, fraction(magnitude % 1'000'000'000));
}

std::string to_rfc3339(std::chrono::system_clock::time_point t) {
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
  auto text = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", static_cast<int>(ymd.year()),
                          static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                          hms.hours().count(), hms.minutes().count(), hms.seconds().count());
  text += fraction(nanos);
  text += 'Z';
  return text;
}

}  // namespace tether::core
