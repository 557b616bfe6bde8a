#include "network/dev_addr_allocator.hpp"

#include <array>

namespace tether::network {

dev_addr_range dev_addr_range_of(std::uint32_t net_id) {
  // NetID[23:21] is the type; type t prefixes the DevAddr with t one-bits then a zero.
  constexpr std::array<unsigned, 8> nwk_id_bits{6, 6, 9, 11, 12, 13, 15, 17};
  const unsigned type = (net_id >> 21) & 0x7;
  const unsigned prefix_len = type + 1;
  const unsigned id_bits = nwk_id_bits[type];
  const unsigned addr_bits = 32 - prefix_len - id_bits;
  const std::uint32_t type_prefix = ((1u << type) - 1) << 1;  // t ones then a zero, prefix_len bits
  const std::uint32_t nwk_id = net_id & ((1u << id_bits) - 1);
  dev_addr_range r;
  r.prefix = (type_prefix << (32 - prefix_len)) | (nwk_id << addr_bits);
  r.nwk_addr_mask = (1u << addr_bits) - 1;
  return r;
}

dev_addr_allocator::dev_addr_allocator(std::uint32_t net_id, std::uint64_t seed)
    : range_(dev_addr_range_of(net_id)), random_(seed) {}

std::optional<std::uint32_t> dev_addr_allocator::allocate(
    const std::function<bool(std::uint32_t)>& acceptable, int max_tries) {
  for (int i = 0; i < max_tries; ++i) {
    const auto addr = range_.prefix | (static_cast<std::uint32_t>(random_()) & range_.nwk_addr_mask);
    if (acceptable(addr)) return addr;
  }
  return std::nullopt;
}

}  // namespace tether::network
