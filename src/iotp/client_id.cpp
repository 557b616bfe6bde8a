#include "iotp/client_id.hpp"

#include <array>
#include <cstddef>

namespace tether::iotp {
namespace {

constexpr std::size_t max_name = 36;
constexpr std::size_t org_length = 6;

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.';
}

// Splits `s` at ':' into at most `N` parts; returns how many there were (N + 1 means too many).
template <std::size_t N>
std::size_t split(std::string_view s, std::array<std::string_view, N>& parts) {
  std::size_t n = 0;
  for (;;) {
    auto colon = s.find(':');
    if (n == N) return N + 1;
    parts[n++] = s.substr(0, colon);
    if (colon == std::string_view::npos) return n;
    s.remove_prefix(colon + 1);
  }
}

}  // namespace

bool valid_org_id(std::string_view org) {
  if (org.size() != org_length) return false;
  for (char c : org) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > max_name) return false;
  for (char c : name) {
    if (!name_char(c)) return false;
  }
  return true;
}

std::optional<client_identity> parse_client_id(std::string_view client_id) {
  std::array<std::string_view, 4> parts;
  const auto n = split(client_id, parts);
  if (n < 3 || n > 4 || parts[0].size() != 1) return std::nullopt;
  client_identity out;
  const char letter = parts[0][0];
  switch (letter) {
    case 'd':
    case 'g':
      if (n != 4 || !valid_name(parts[2]) || !valid_name(parts[3])) return std::nullopt;
      out.kind = letter == 'd' ? client_class::device : client_class::gateway;
      out.type = parts[2];
      out.id = parts[3];
      break;
    case 'a':
      if (n != 3 || !valid_name(parts[2])) return std::nullopt;
      out.kind = client_class::application;
      out.id = parts[2];
      break;
    case 'A':
      if (!valid_name(parts[2]) || (n == 4 && !valid_name(parts[3]))) return std::nullopt;
      out.kind = client_class::shared_application;
      out.id = parts[2];
      if (n == 4) out.instance = parts[3];
      break;
    default:
      return std::nullopt;
  }
  if (!valid_org_id(parts[1])) return std::nullopt;
  out.org = parts[1];
  return out;
}

}  // namespace tether::iotp
