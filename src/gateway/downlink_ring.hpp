#pragma once
// The last downlinks the hub sent to one gateway whose protocol acknowledges transmissions, each under
// the correlation ID `gs:down:token:<n>` it added, so the TxAck that echoes that ID finds its
// downlink_tx again. Fixed size (The Things Stack keeps 16 too): a 17th downlink overwrites the
// oldest, whose late TxAck then matches nothing (the core still tries its own `ns:downlink:` ID).
// Not thread-safe: the hub holds its lock.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tether::gateway {

class downlink_ring {
 public:
  static constexpr std::size_t size = 16;
  static constexpr std::string_view token_prefix = "gs:down:token:";

  // Remembers `downlink_id` (never 0) and returns the correlation ID to send it with.
  std::string add(std::uint64_t downlink_id);
  // The downlink the first `gs:down:token:<n>` among `correlation_ids` names; 0 when none does or
  // the ring no longer holds it.
  std::uint64_t match(const std::vector<std::string>& correlation_ids) const;

 private:
  std::uint16_t next_token_ = 0;
  std::array<std::uint64_t, size> downlink_ids_{};
  std::array<std::uint16_t, size> tokens_{};
};

}  // namespace tether::gateway
