#pragma once
// Timestamps as The Things Stack's JSON writes them: RFC 3339 in UTC with 0, 3, 6 or 9 fractional
// digits (as few as represent the value exactly) and a trailing Z, e.g. 2026-11-23T01:02:03.123456789Z.

#include <chrono>
#include <string>

namespace tether::core {

std::string to_rfc3339(std::chrono::system_clock::time_point t);
// The same, appended to `out`: every application event carries several timestamps.
void append_rfc3339(std::string& out, std::chrono::system_clock::time_point t);

// A duration the same way: seconds with 0, 3, 6 or 9 decimals and an `s`, e.g. "0.061696s".
std::string to_duration_seconds(std::chrono::nanoseconds d);
void append_duration_seconds(std::string& out, std::chrono::nanoseconds d);

}  // namespace tether::core
