#pragma once
// What one subscriber saw of each publisher: how many distinct messages, and whether they came in
// the order they were sent. Sequence numbers start at 0 and increase by one per message.

#include <cstdint>
#include <vector>

namespace tether::bench {

struct sequence_totals {
  std::uint64_t received = 0;    // in order or after a gap
  std::uint64_t disordered = 0;  // older than one already seen: a duplicate or a reordering
  std::uint64_t unexpected = 0;  // from a publisher this subscriber should not hear
};

class sequence_check {
 public:
  // `publishers`: how many publishers exist; `only` restricts the subscriber to one of them.
  sequence_check(std::size_t publishers, std::int64_t only = -1);

  void observe(std::uint32_t publisher, std::uint64_t sequence) noexcept;
  // Messages each publisher's `sent` count says this subscriber should have received but did not.
  std::uint64_t missing(const std::vector<std::uint64_t>& sent) const noexcept;
  std::uint64_t expected(const std::vector<std::uint64_t>& sent) const noexcept;
  const sequence_totals& totals() const noexcept { return totals_; }

 private:
  bool hears(std::size_t publisher) const noexcept;

  std::vector<std::uint64_t> next_;      // next sequence expected, per publisher
  std::vector<std::uint64_t> received_;  // distinct messages, per publisher
  std::int64_t only_;
  sequence_totals totals_;
};

}  // namespace tether::bench
