#pragma once
// Standard base64 (RFC 4648, with padding), as JSON APIs and password files carry bytes.

#include <optional>
#include <string>
#include <string_view>

namespace tether::core {

std::string to_base64(std::string_view bytes);
// The same, appended to `out` (no temporary string on hot paths).
void append_base64(std::string& out, std::string_view bytes);
// nullopt on a character outside the alphabet or a wrong length/padding.
std::optional<std::string> from_base64(std::string_view text);

}  // namespace tether::core
