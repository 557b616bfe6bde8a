// Fuzzes the MAC command decoder. The first byte picks the direction; the rest is a command list.
// Whatever decodes must encode again and decode to the same commands.

#include "lorawan/mac/mac_codec.hpp"

#include <cstdint>
#include <cstdlib>

namespace {

using namespace tether::lorawan;

template <class Command>
void check(const mac::decoded_list<Command>& list, byte_view input) {
  if (list.stop_offset > input.size()) std::abort();
  if (list.stop == lorawan_error::ok && list.stop_offset != input.size()) std::abort();
  auto encoded = mac::encode_all(std::span<const Command>(list.commands));
  if (!encoded || encoded->size() != list.stop_offset) std::abort();
  for (const auto& command : list.commands) (void)mac::name_of(command);
  const auto again = [&] {
    if constexpr (std::is_same_v<Command, mac::uplink_command>) {
      return mac::decode_uplink(*encoded);
    } else {
      return mac::decode_downlink(*encoded);
    }
  }();
  if (again.stop != lorawan_error::ok || again.commands != list.commands) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const byte_view input(data + 1, size - 1);
  if (data[0] & 1) {
    check(mac::decode_downlink(input), input);
  } else {
    check(mac::decode_uplink(input), input);
  }
  return 0;
}
