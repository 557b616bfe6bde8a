#pragma once
// DevAddr allocation for joins: DevAddr = type prefix | NwkID (from the NetID) | NwkAddr, with the
// NwkAddr drawn at random (LoRaWAN Backend Interfaces NetID types 0..7).

#include <cstdint>
#include <functional>
#include <optional>
#include <random>

namespace tether::network {

struct dev_addr_range {
  std::uint32_t prefix = 0;  // the fixed high bits (type prefix and NwkID), low bits zero
  std::uint32_t nwk_addr_mask = 0;
  friend bool operator==(const dev_addr_range&, const dev_addr_range&) = default;
};

// The DevAddrs a NetID may hand out; NetID 0x000013 gives 0x26000000..0x27FFFFFF.
dev_addr_range dev_addr_range_of(std::uint32_t net_id);

class dev_addr_allocator {
 public:
  explicit dev_addr_allocator(std::uint32_t net_id, std::uint64_t seed = std::random_device{}());

  // A random DevAddr in the range for which `acceptable` holds (e.g. it lands on the right shard
  // and no session uses it yet); nullopt after `max_tries` misses.
  std::optional<std::uint32_t> allocate(const std::function<bool(std::uint32_t)>& acceptable,
                                        int max_tries = 4096);

 private:
  dev_addr_range range_;
  std::mt19937_64 random_;
};

}  // namespace tether::network
