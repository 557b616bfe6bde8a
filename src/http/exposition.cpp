#include "http/exposition.hpp"

#include <fmt/format.h>

#include <cmath>

namespace tether::http {
namespace {

std::string_view type_name(metric_type t) {
  switch (t) {
    case metric_type::counter:
      return "counter";
    case metric_type::gauge:
      return "gauge";
    case metric_type::histogram:
      return "histogram";
  }
  return "untyped";
}

}  // namespace

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string escape_help(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (const char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", value);
}

void exposition::family(std::string_view name, metric_type type, std::string_view help) {
  text_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, escape_help(help), name, type_name(type));
}

void exposition::write_name_and_labels(std::string_view name, const label* first, const label* last,
                                       const label* extra) {
  text_ += name;
  if (first == last && !extra) return;
  text_ += '{';
  bool comma = false;
  const auto add = [&](const label& l) {
    if (comma) text_ += ',';
    comma = true;
    text_ += l.name;
    text_ += "=\"";
    text_ += escape_label_value(l.value);
    text_ += '"';
  };
  for (auto* l = first; l != last; ++l) add(*l);
  if (extra) add(*extra);
  text_ += '}';
}

void exposition::sample(std::string_view name, std::initializer_list<label> labels, std::uint64_t value) {
  write_name_and_labels(name, labels.begin(), labels.end());
  text_ += fmt::format(" {}\n", value);
}

void exposition::sample(std::string_view name, std::initializer_list<label> labels, double value) {
  write_name_and_labels(name, labels.begin(), labels.end());
  text_ += ' ';
  text_ += format_value(value);
  text_ += '\n';
}

void exposition::sample(std::string_view name, const std::vector<label>& labels, std::uint64_t value) {
  write_name_and_labels(name, labels.data(), labels.data() + labels.size());
  text_ += fmt::format(" {}\n", value);
}

void exposition::histogram(std::string_view name, std::initializer_list<label> labels,
                           const histogram_snapshot& h) {
  const std::string bucket = std::string(name) + "_bucket";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < h.bounds.size(); ++i) {
    cumulative += i < h.counts.size() ? h.counts[i] : 0;
    const std::string le = format_value(h.bounds[i]);
    const label le_label{"le", le};
    write_name_and_labels(bucket, labels.begin(), labels.end(), &le_label);
    text_ += fmt::format(" {}\n", cumulative);
  }
  const label inf{"le", "+Inf"};
  write_name_and_labels(bucket, labels.begin(), labels.end(), &inf);
  text_ += fmt::format(" {}\n", h.count);
  write_name_and_labels(std::string(name) + "_sum", labels.begin(), labels.end());
  text_ += ' ' + format_value(h.sum) + '\n';
  write_name_and_labels(std::string(name) + "_count", labels.begin(), labels.end());
  text_ += fmt::format(" {}\n", h.count);
}

}  // namespace tether::http
