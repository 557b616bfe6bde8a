#pragma once
// What a group_writer measures of its commits, for /metrics: how many changes each group carried and
// how long its transaction took (microseconds, commit included). Observed on the writer thread
// without a lock (core::histogram); read from any thread.

#include "core/histogram.hpp"

namespace tether::storage {

struct group_commit_stats {
  core::histogram group_size{1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000};
  core::histogram commit_us{100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 1000000};
};

}  // namespace tether::storage
