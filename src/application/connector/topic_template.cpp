#include "application/connector/topic_template.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace tether::application::connector {
namespace {

constexpr std::size_t max_topic = 65535;  // MQTT's UTF-8 string limit

constexpr std::array<std::pair<std::string_view, topic_template::field>, 6> placeholders{{
    {"type", topic_template::field::type},
    {"device", topic_template::field::device},
    {"device_addr", topic_template::field::device_addr},
    {"application", topic_template::field::application},
    {"gateway", topic_template::field::gateway},
    {"network", topic_template::field::network},
}};

bool has_nul_or_control(std::string_view text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

}  // namespace

topic_template::parse_result topic_template::parse(std::string_view text) {
  if (text.empty()) return std::string("the topic template is empty");
  if (text.size() > max_topic) return std::string("the topic template is longer than 65,535 bytes");
  if (has_nul_or_control(text)) return std::string("the topic template has a control character");
  if (text.find_first_of("+#") != std::string_view::npos)
    return std::string("the topic template has an MQTT wildcard ('+' or '#'): a publish topic cannot");
  topic_template t;
  t.text_ = std::string(text);
  std::size_t i = 0;
  while (i < text.size()) {
    const auto open = text.find_first_of("{}", i);
    if (open == std::string_view::npos) {
      t.parts_.push_back({field::literal, std::string(text.substr(i))});
      break;
    }
    if (text[open] == '}') return "unmatched '}' at position " + std::to_string(open + 1);
    if (open > i) t.parts_.push_back({field::literal, std::string(text.substr(i, open - i))});
    const auto close = text.find_first_of("{}", open + 1);
    if (close == std::string_view::npos || text[close] == '{')
      return "unclosed '{' at position " + std::to_string(open + 1);
    const auto name = text.substr(open + 1, close - open - 1);
    const auto* found = std::find_if(placeholders.begin(), placeholders.end(),
                                     [&](const auto& p) { return p.first == name; });
    if (found == placeholders.end()) {
      return "unknown placeholder {" + std::string(name) +
             "}: use {type}, {device}, {device_addr}, {application}, {gateway} or {network}";
    }
    t.parts_.push_back({found->second, std::string(text.substr(open, close - open + 1))});
    i = close + 1;
  }
  return t;
}

std::string topic_template::expand(std::string_view type, const data_api_meta& meta) const {
  std::string out;
  out.reserve(text_.size() + 32);
  for (const auto& p : parts_) {
    const std::optional<std::string>* value = nullptr;
    switch (p.kind) {
      case field::literal:
        out += p.text;
        continue;
      case field::type:
        out += type;
        continue;
      case field::device:
        value = &meta.device;
        break;
      case field::device_addr:
        value = &meta.device_addr;
        break;
      case field::application:
        value = &meta.application;
        break;
      case field::gateway:
        value = &meta.gateway;
        break;
      case field::network:
        value = &meta.network;
        break;
    }
    // A value that would make the topic a filter or split a level it should not is left as written.
    if (value && *value && !(*value)->empty() && (*value)->find_first_of("+#") == std::string::npos) {
      out += **value;
    } else {
      out += p.text;
    }
  }
  return out;
}

std::string check_topic_filter(std::string_view filter) {
  if (filter.empty()) return "the topic is empty";
  if (filter.size() > max_topic) return "the topic is longer than 65,535 bytes";
  if (has_nul_or_control(filter)) return "the topic has a control character";
  std::size_t start = 0;
  for (;;) {
    const auto end = filter.find('/', start);
    const auto level =
        filter.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (level.find_first_of("+#") != std::string_view::npos && level.size() != 1)
      return "a wildcard ('+' or '#') must fill a whole topic level";
    if (level == "#" && end != std::string_view::npos) return "'#' must be the last topic level";
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return {};
}

}  // namespace tether::application::connector
