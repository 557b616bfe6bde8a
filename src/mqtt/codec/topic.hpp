#pragma once
// Topic names and filters: validation and matching (MQTT section 4.7).

#include "mqtt/codec/error.hpp"

#include <string_view>

namespace tether::mqtt::codec {

// A topic name a PUBLISH may carry: non-empty, no wildcards (UTF-8 is checked by the decoder).
boost::system::error_code validate_topic_name(std::string_view topic) noexcept;

// A subscription filter: non-empty; '#' only as the whole last level; '+' only as a whole level.
boost::system::error_code validate_topic_filter(std::string_view filter) noexcept;

// Whether `topic` matches `filter`. Topics starting with '$' are not matched by a filter whose
// first level is a wildcard [MQTT-4.7.2-1].
bool topic_matches(std::string_view filter, std::string_view topic) noexcept;

// Well-formed UTF-8 without U+0000 and without surrogates (MQTT section 1.5.3).
boost::system::error_code validate_utf8(std::string_view s) noexcept;

}  // namespace tether::mqtt::codec
