#pragma once
// Correlation IDs for log lines: a scope names the gateway, device, DevAddr, client ID, ... the code
// under it works for, and every line logged on this thread while it lives carries them (the JSON log
// format, --log-format json, writes them as fields; the text format ignores them). Why thread-local
// state: the logging library formats a line without any argument of ours, and the IDs belong to
// what the thread does now — the "mapped diagnostic context" of most logging libraries. Bounded:
// at most `max_fields` at once (more are ignored); nested scopes stack. The names and values are
// viewed, not copied: they must outlive the scope (they do when they are the caller's members or
// locals). Cost: a few stores per scope, no allocation.

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tether::core {

struct log_field {
  std::string_view name;
  std::string_view value;
};

// The field that holds an event's correlation IDs: one value, the IDs separated by the ASCII unit
// separator (0x1F; gateways may put spaces in an ID, control characters they do not), written by
// the JSON format as an array.
inline constexpr std::string_view correlation_ids_field = "correlation_ids";
inline constexpr char correlation_id_separator = '\x1f';
std::string join_correlation_ids(const std::vector<std::string>& ids);

class log_scope {
 public:
  static constexpr std::size_t max_fields = 12;

  // Fields with an empty value are left out.
  log_scope(std::initializer_list<log_field> fields) noexcept;
  ~log_scope();
  log_scope(const log_scope&) = delete;
  log_scope& operator=(const log_scope&) = delete;

  // The fields of this thread's open scopes, oldest first.
  static std::span<const log_field> current() noexcept;

 private:
  std::size_t restore_;
};

}  // namespace tether::core
