#pragma once
// Hex encoding of byte strings, as used in logs, test vectors and the command line.

#include <optional>
#include <string>
#include <string_view>

namespace tether::core {

// Lower-case hex of `bytes`.
std::string to_hex(std::string_view bytes);
// Upper-case hex (EUIs and DevAddrs are shown this way).
std::string to_upper_hex(std::string_view bytes);
// Parses hex, ignoring spaces; nullopt on an odd digit count or a non-hex character.
std::optional<std::string> from_hex(std::string_view hex);

}  // namespace tether::core
