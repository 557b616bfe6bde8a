#pragma once
// Proto fields the way protojson writes them (EmitUnpopulated=false, proto names), on top of the
// streaming json_writer: zero and empty values are omitted, 64-bit integers are quoted, bytes are
// base64, timestamps RFC 3339 and float32 values their shortest decimal (spec/tts-v3.md §3.3).
// Shared by every writer of The Things Stack's JSON (the application events and the radio structs)
// so that a field is written one way wherever it appears. Inline: the application events call these
// a few dozen times per uplink.

#include "core/base64.hpp"
#include "core/json_writer.hpp"
#include "core/rfc3339.hpp"

#include <charconv>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace tether::core::protojson {

// A bool or 32-bit integer field as a bare value.
template <class T>
requires std::is_integral_v<T>
inline void put(json_writer& w, std::string_view key, T value) {
  if (value == T{}) return;
  if constexpr (std::is_same_v<T, bool>) {
    w.key(key).boolean(value);
  } else {
    w.key(key).number(value);
  }
}

inline void put(json_writer& w, std::string_view key, std::string_view value) {
  if (!value.empty()) w.key(key).string(value);
}

inline void put_float(json_writer& w, std::string_view key, float value) {
  if (value != 0) w.key(key).number(value);
}

inline void put_double(json_writer& w, std::string_view key, double value) {
  if (value != 0) w.key(key).number(value);
}

// The Unix epoch stands for "not set".
inline void put_time(json_writer& w, std::string_view key, std::chrono::system_clock::time_point t) {
  if (t == std::chrono::system_clock::time_point{}) return;
  auto& out = w.key(key).value_slot();
  out += '"';
  append_rfc3339(out, t);
  out += '"';
}

inline void put_bytes(json_writer& w, std::string_view key, const std::vector<std::uint8_t>& b) {
  if (b.empty()) return;
  auto& out = w.key(key).value_slot();
  out += '"';
  append_base64(out, {reinterpret_cast<const char*>(b.data()), b.size()});
  out += '"';
}

// A 64-bit integer field, quoted.
template <class T>
requires std::is_integral_v<T>
inline void put_quoted(json_writer& w, std::string_view key, T value) {
  if (value == T{}) return;
  char text[24];
  const auto end = std::to_chars(text, text + sizeof text, value).ptr;
  w.key(key).string({text, static_cast<std::size_t>(end - text)});
}

inline void put_strings(json_writer& w, std::string_view key, const std::vector<std::string>& values) {
  if (values.empty()) return;
  w.key(key).begin_array();
  for (const auto& v : values) w.string(v);
  w.end_array();
}

}  // namespace tether::core::protojson
