#include "network/session_key_id.hpp"

#include <array>

namespace tether::network {

std::vector<std::uint8_t> session_key_id(lorawan::crypto_context& crypto, const core::aes_key& nwk_s_key,
                                         const core::dev_addr& dev_addr) {
  static constexpr std::array<std::uint8_t, 16> label{'t', 'e', 't', 'h', 'e', 'r', ' ', 's',
                                                      'e', 's', 's', 'i', 'o', 'n', ' ', 'i'};
  const auto id = crypto.cmac(nwk_s_key.bytes, {label, dev_addr.bytes});
  return {id.begin(), id.end()};
}

}  // namespace tether::network
