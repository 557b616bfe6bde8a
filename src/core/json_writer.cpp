#include "core/json_writer.hpp"

#include <charconv>
#include <cmath>

namespace tether::core {

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  std::size_t run = 0;  // start of the pending run of characters that need no escape
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out += hex[c >> 4];
        out += hex[c & 15];
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

void json_writer::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (depth_ > 0) {
    if (has_items_[depth_ - 1]) out_ += ',';
    has_items_[depth_ - 1] = true;
  }
}

json_writer& json_writer::open(char c) {
  separate();
  out_ += c;
  if (depth_ < max_depth) has_items_[depth_] = false;
  ++depth_;
  return *this;
}

json_writer& json_writer::close(char c) {
  out_ += c;
  if (depth_ > 0) --depth_;
  return *this;
}

json_writer& json_writer::key(std::string_view name) {
  separate();
  append_json_string(out_, name);
  out_ += ':';
  after_key_ = true;
  return *this;
}

json_writer& json_writer::string(std::string_view value) {
  separate();
  append_json_string(out_, value);
  return *this;
}

json_writer& json_writer::boolean(bool value) {
  separate();
  out_ += value ? "true" : "false";
  return *this;
}

json_writer& json_writer::number(std::int64_t value) {
  separate();
  char text[24];
  out_.append(text, std::to_chars(text, text + sizeof text, value).ptr);
  return *this;
}

json_writer& json_writer::number(std::uint64_t value) {
  separate();
  char text[24];
  out_.append(text, std::to_chars(text, text + sizeof text, value).ptr);
  return *this;
}

namespace {

template <class F>
void append_floating(std::string& out, F value) {
  if (std::isnan(value)) {
    out += "\"NaN\"";
  } else if (std::isinf(value)) {
    out += value > 0 ? "\"Infinity\"" : "\"-Infinity\"";
  } else {
    char text[64];
    out.append(text, std::to_chars(text, text + sizeof text, value).ptr);
  }
}

}  // namespace

json_writer& json_writer::number(float value) {
  separate();
  append_floating(out_, value);
  return *this;
}

json_writer& json_writer::number(double value) {
  separate();
  append_floating(out_, value);
  return *this;
}

json_writer& json_writer::raw(std::string_view json) {
  separate();
  out_ += json;
  return *this;
}

}  // namespace tether::core
