// Topic names and filters (MQTT 3.1.1 section 4.7): validation and allocation-free matching.

#include "mqtt/codec/topic.hpp"

namespace tether::mqtt::codec {
namespace {

// Walks the '/'-separated levels of a topic or filter; "a/" has two levels, "a" and "".
class level_cursor {
 public:
  explicit level_cursor(std::string_view s) noexcept : s_(s) {}

  bool next(std::string_view& level) noexcept {
    if (done_) return false;
    const auto slash = s_.find('/', pos_);
    if (slash == std::string_view::npos) {
      level = s_.substr(pos_);
      done_ = true;
    } else {
      level = s_.substr(pos_, slash - pos_);
      pos_ = slash + 1;
    }
    return true;
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
  bool done_ = false;
};

bool is_valid_filter_level(std::string_view level, bool last) noexcept {
  if (level.find('#') != std::string_view::npos) return level == "#" && last;
  if (level.find('+') != std::string_view::npos) return level == "+";
  return true;
}

bool hides_dollar_topic(std::string_view filter, std::string_view topic) noexcept {
  return !topic.empty() && topic.front() == '$' && !filter.empty() &&
         (filter.front() == '+' || filter.front() == '#');
}

}  // namespace

boost::system::error_code validate_topic_name(std::string_view topic) noexcept {
  if (topic.empty()) return codec_error::empty_topic;
  if (topic.find_first_of("+#") != std::string_view::npos) return codec_error::wildcard_in_topic;
  return {};
}

boost::system::error_code validate_topic_filter(std::string_view filter) noexcept {
  if (filter.empty()) return codec_error::empty_topic;
  level_cursor cursor(filter);
  std::string_view level;
  bool more = cursor.next(level);
  while (more) {
    std::string_view following;
    const bool has_next = cursor.next(following);
    if (!is_valid_filter_level(level, !has_next)) return codec_error::invalid_topic_filter;
    level = following;
    more = has_next;
  }
  return {};
}

bool topic_matches(std::string_view filter, std::string_view topic) noexcept {
  if (hides_dollar_topic(filter, topic)) return false;
  level_cursor f(filter);
  level_cursor t(topic);
  std::string_view fl;
  std::string_view tl;
  while (true) {
    const bool has_f = f.next(fl);
    const bool has_t = t.next(tl);
    if (!has_f) return !has_t;
    if (fl == "#") return true;  // the parent level and everything below it
    if (!has_t) return false;
    if (fl != "+" && fl != tl) return false;
  }
}

}  // namespace tether::mqtt::codec
