#pragma once
// Base32 (RFC 4648 alphabet A-Z 2-7, upper case, no padding), as The Things Stack writes API keys.

#include <string>
#include <string_view>

namespace tether::core {

std::string to_base32(std::string_view bytes);
// True when every character is in the upper-case base32 alphabet.
bool is_base32(std::string_view text);

}  // namespace tether::core
