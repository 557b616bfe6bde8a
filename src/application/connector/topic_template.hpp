#pragma once
// The topic_up template of a connector (spec/everynet.md B1): literal text with the placeholders
// {type}, {device}, {device_addr}, {application}, {gateway} and {network}, replaced per message from
// its type and meta. A placeholder whose field the message lacks stays as written (as Everynet's HTTP
// connector does). Parsed once when the connector is created: an unknown placeholder, an unclosed
// brace, an MQTT wildcard or an empty template is refused there, with the reason.

#include "application/connector/data_api_meta.hpp"

#include <boost/system/result.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tether::application::connector {

class topic_template {
 public:
  enum class field : std::uint8_t { literal, type, device, device_addr, application, gateway, network };

  // Why a template is refused, in one sentence.
  using parse_result = boost::system::result<topic_template, std::string>;
  static parse_result parse(std::string_view text);

  // The topic for one message.
  std::string expand(std::string_view type, const data_api_meta& meta) const;
  const std::string& text() const { return text_; }

 private:
  struct part {
    field kind = field::literal;
    std::string text;  // the literal, or the placeholder as written
  };
  std::string text_;
  std::vector<part> parts_;
};

// Refuses a topic_down filter that MQTT would refuse (empty, misplaced wildcards); the reason, or empty.
std::string check_topic_filter(std::string_view filter);

}  // namespace tether::application::connector
