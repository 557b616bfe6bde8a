#include "sequence_check.hpp"

namespace tether::bench {

sequence_check::sequence_check(std::size_t publishers, std::int64_t only)
    : next_(publishers, 0), received_(publishers, 0), only_(only) {}

bool sequence_check::hears(std::size_t publisher) const noexcept {
  return only_ < 0 || static_cast<std::size_t>(only_) == publisher;
}

void sequence_check::observe(std::uint32_t publisher, std::uint64_t sequence) noexcept {
  if (publisher >= next_.size() || !hears(publisher)) {
    ++totals_.unexpected;
    return;
  }
  auto& next = next_[publisher];
  if (sequence < next) {
    ++totals_.disordered;
    return;
  }
  // A jump forward is a loss (QoS 0 may lose); it is counted by missing() at the end.
  next = sequence + 1;
  ++received_[publisher];
  ++totals_.received;
}

std::uint64_t sequence_check::expected(const std::vector<std::uint64_t>& sent) const noexcept {
  std::uint64_t total = 0;
  for (std::size_t p = 0; p < sent.size() && p < next_.size(); ++p) {
    if (hears(p)) total += sent[p];
  }
  return total;
}

std::uint64_t sequence_check::missing(const std::vector<std::uint64_t>& sent) const noexcept {
  std::uint64_t total = 0;
  for (std::size_t p = 0; p < sent.size() && p < next_.size(); ++p) {
    if (hears(p) && sent[p] > received_[p]) total += sent[p] - received_[p];
  }
  return total;
}

}  // namespace tether::bench
