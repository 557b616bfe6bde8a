#include "gateway/downlink_ring.hpp"

#include <fmt/format.h>

#include <charconv>

namespace tether::gateway {

std::string downlink_ring::add(std::uint64_t downlink_id) {
  const std::uint16_t token = next_token_++;
  tokens_[token % size] = token;
  downlink_ids_[token % size] = downlink_id;
  return fmt::format("{}{}", token_prefix, token);
}

std::uint64_t downlink_ring::match(const std::vector<std::string>& correlation_ids) const {
  for (const auto& id : correlation_ids) {
    if (!id.starts_with(token_prefix)) continue;
    std::uint16_t token = 0;
    const auto digits = std::string_view(id).substr(token_prefix.size());
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), token);
    if (ec != std::errc{} || end != digits.data() + digits.size()) continue;
    const auto slot = token % size;
    // The token must still be in the ring: 16 newer downlinks overwrite it.
    return tokens_[slot] == token ? downlink_ids_[slot] : 0;
  }
  return 0;
}

}  // namespace tether::gateway
