#pragma once
// Which shard owns a device: data uplinks are routed by DevAddr, joins by DevEUI. A join allocates a
// DevAddr that maps to the shard the device already lives in, so one device stays on one shard.

#include <cstddef>
#include <cstdint>

namespace tether::network {

// Mixes all bits first: DevAddrs of one NetID share their high bits, EUIs of one vendor share theirs.
constexpr std::size_t shard_of_key(std::uint64_t key, std::size_t shard_count) {
  key ^= key >> 33;
  key *= 0xff51afd7ed558ccdULL;
  key ^= key >> 33;
  return shard_count == 0 ? 0 : static_cast<std::size_t>(key % shard_count);
}

constexpr std::size_t shard_of_dev_addr(std::uint32_t dev_addr, std::size_t shard_count) {
  return shard_of_key(dev_addr, shard_count);
}
constexpr std::size_t shard_of_dev_eui(std::uint64_t dev_eui, std::size_t shard_count) {
  return shard_of_key(dev_eui, shard_count);
}

}  // namespace tether::network
