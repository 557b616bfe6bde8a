// The Prometheus text format (0.0.4) as /metrics writes it: HELP and TYPE lines, escaping, histograms.

#include "http/exposition.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace tether::http {
namespace {

TEST(exposition_escape, label_values_escape_backslash_quote_and_line_feed) {
  EXPECT_EQ(escape_label_value(R"(a\b"c)"
                               "\n"
                               "d"),
            R"(a\\b\"c\nd)");
  EXPECT_EQ(escape_label_value("plain value"), "plain value");
}

TEST(exposition_escape, help_escapes_backslash_and_line_feed_but_not_quotes) {
  EXPECT_EQ(escape_help("one\\two\n\"three\""), "one\\\\two\\n\"three\"");
}

TEST(exposition_value, special_values_are_spelled_as_the_format_wants) {
  EXPECT_EQ(format_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_value(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(format_value(0.25), "0.25");
  EXPECT_EQ(format_value(3), "3");
}

TEST(exposition, a_counter_family_has_help_type_and_labelled_samples) {
  exposition out;
  out.family("tether_drops_total", metric_type::counter, "Drops\nby reason");
  out.sample("tether_drops_total", {{"reason", "queue \"full\""}, {"realm", "mqtt"}}, std::uint64_t{7});
  out.sample("tether_drops_total", {}, std::uint64_t{18446744073709551615u});
  EXPECT_EQ(out.text(),
            "# HELP tether_drops_total Drops\\nby reason\n"
            "# TYPE tether_drops_total counter\n"
            "tether_drops_total{reason=\"queue \\\"full\\\"\",realm=\"mqtt\"} 7\n"
            "tether_drops_total 18446744073709551615\n");
}

TEST(exposition, a_gauge_takes_a_fractional_value) {
  exposition out;
  out.family("tether_ratio", metric_type::gauge, "A ratio");
  out.sample("tether_ratio", {}, 0.5);
  EXPECT_EQ(out.text(), "# HELP tether_ratio A ratio\n# TYPE tether_ratio gauge\ntether_ratio 0.5\n");
}

TEST(exposition, a_histogram_has_cumulative_buckets_inf_sum_and_count) {
  exposition out;
  out.family("tether_latency_seconds", metric_type::histogram, "Latency");
  // 2 at or below 0.01, 3 in (0.01, 0.1], 1 above 0.1.
  const histogram_snapshot h{.bounds = {0.01, 0.1}, .counts = {2, 3}, .sum = 1.25, .count = 6};
  out.histogram("tether_latency_seconds", {{"realm", "a"}}, h);
  EXPECT_EQ(out.text(),
            "# HELP tether_latency_seconds Latency\n"
            "# TYPE tether_latency_seconds histogram\n"
            "tether_latency_seconds_bucket{realm=\"a\",le=\"0.01\"} 2\n"
            "tether_latency_seconds_bucket{realm=\"a\",le=\"0.1\"} 5\n"
            "tether_latency_seconds_bucket{realm=\"a\",le=\"+Inf\"} 6\n"
            "tether_latency_seconds_sum{realm=\"a\"} 1.25\n"
            "tether_latency_seconds_count{realm=\"a\"} 6\n");
}

TEST(exposition, a_histogram_without_labels_has_only_le_on_buckets) {
  exposition out;
  out.histogram("h", {}, histogram_snapshot{.bounds = {1}, .counts = {0}, .sum = 0, .count = 0});
  EXPECT_EQ(out.text(), "h_bucket{le=\"1\"} 0\nh_bucket{le=\"+Inf\"} 0\nh_sum 0\nh_count 0\n");
}

}  // namespace
}  // namespace tether::http
