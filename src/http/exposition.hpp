#pragma once
// The Prometheus text exposition format (version 0.0.4), written into one string: each metric family
// opens with its HELP and TYPE lines and all its samples follow, label values and HELP text escaped as
// the format says. Counter names end in _total (the caller chooses them); a histogram writes its
// cumulative buckets, the +Inf bucket, _sum and _count. Nothing here knows where the numbers come from.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace tether::http {

enum class metric_type { counter, gauge, histogram };

struct label {
  std::string_view name;
  std::string_view value;
};

// One histogram as read at one moment: counts[i] observations fell at or below bounds[i] and above
// bounds[i-1] (not cumulative); `count` is the total, so observations above the last bound are
// count - sum(counts).
struct histogram_snapshot {
  std::vector<double> bounds;
  std::vector<std::uint64_t> counts;
  double sum = 0;
  std::uint64_t count = 0;
};

// "a\"b" for a label value: backslash, double quote and line feed escaped.
std::string escape_label_value(std::string_view value);
// HELP text: backslash and line feed escaped.
std::string escape_help(std::string_view help);
// A sample value: integers exactly, +Inf, -Inf, NaN spelled as the format wants.
std::string format_value(double value);

class exposition {
 public:
  // Opens a family. Its samples must follow before the next family opens.
  void family(std::string_view name, metric_type type, std::string_view help);
  void sample(std::string_view name, std::initializer_list<label> labels, std::uint64_t value);
  void sample(std::string_view name, std::initializer_list<label> labels, double value);
  void sample(std::string_view name, const std::vector<label>& labels, std::uint64_t value);
  // The _bucket, _sum and _count samples of histogram `name` (opened with family()).
  void histogram(std::string_view name, std::initializer_list<label> labels, const histogram_snapshot& h);

  const std::string& text() const noexcept { return text_; }
  std::string take() noexcept { return std::move(text_); }

 private:
  void write_name_and_labels(std::string_view name, const label* first, const label* last,
                             const label* extra = nullptr);

  std::string text_;
};

// The Content-Type of the text format.
inline constexpr std::string_view content_type = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace tether::http
