#include "cli/log_format.hpp"

#include "core/json_writer.hpp"
#include "core/log_context.hpp"
#include "core/rfc3339.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>

namespace tether::cli {
namespace {

// The member names every line has; a correlation field of the same name is left out.
constexpr std::array<std::string_view, 5> fixed_names{"time", "level", "logger", "component", "message"};

bool is_word_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'; }

// "[gateway-v3] ..." → gateway-v3; "network: ..." → network; otherwise "".
std::string_view component_of(std::string_view message) {
  if (message.starts_with('[')) {
    const auto end = message.find(']');
    if (end != std::string_view::npos && end > 1 && end <= 32) return message.substr(1, end - 1);
    return {};
  }
  const auto colon = message.find(": ");
  if (colon == std::string_view::npos || colon == 0 || colon > 24) return {};
  const auto word = message.substr(0, colon);
  return std::all_of(word.begin(), word.end(), is_word_char) ? word : std::string_view{};
}

// The IDs core::join_correlation_ids joined → ["a","b","c"], at the writer's pending key.
void write_id_list(core::json_writer& w, std::string_view ids) {
  w.begin_array();
  while (!ids.empty()) {
    const auto end = ids.find(core::correlation_id_separator);
    if (end != 0) w.string(ids.substr(0, end));
    if (end == std::string_view::npos) break;
    ids.remove_prefix(end + 1);
  }
  w.end_array();
}

class json_formatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    line_.clear();
    const std::string_view message(msg.payload.data(), msg.payload.size());
    core::json_writer w(line_);
    w.begin_object();
    auto& time = w.key("time").value_slot();
    time += '"';
    core::append_rfc3339(time, msg.time);
    time += '"';
    const auto level = spdlog::level::to_string_view(msg.level);
    w.key("level").string(std::string_view(level.data(), level.size()));
    const std::string_view logger(msg.logger_name.data(), msg.logger_name.size());
    w.key("logger").string(logger.empty() ? "tether" : logger);
    if (const auto c = component_of(message); !c.empty()) w.key("component").string(c);
    w.key("message").string(message);
    const auto fields = core::log_scope::current();
    for (std::size_t i = 0; i < fields.size(); ++i) {
      const auto& f = fields[i];
      const auto seen = [&](const core::log_field& g) { return g.name == f.name; };
      if (std::any_of(fixed_names.begin(), fixed_names.end(), [&](auto n) { return n == f.name; }) ||
          std::any_of(fields.begin(), fields.begin() + static_cast<std::ptrdiff_t>(i), seen)) {
        continue;  // the outer scope's value of a name wins
      }
      if (f.name == core::correlation_ids_field) {
        write_id_list(w.key(f.name), f.value);
      } else {
        w.key(f.name).string(f.value);
      }
    }
    w.end_object();
    line_ += '\n';
    dest.append(line_.data(), line_.data() + line_.size());
  }

  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<json_formatter>(); }

 private:
  std::string line_;  // reused: a sink formats one line at a time (under its mutex)
};

}  // namespace

std::unique_ptr<spdlog::formatter> make_json_log_formatter() { return std::make_unique<json_formatter>(); }

void set_log_format(std::string_view format) {
  if (format == "text") return;
  if (format != "json") throw std::invalid_argument("--log-format must be text or json");
  spdlog::set_formatter(make_json_log_formatter());
}

}  // namespace tether::cli
