#include "core/hex.hpp"

namespace tether::core {
namespace {

std::string encode(std::string_view bytes, const char* digits) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 0x0f]);
  }
  return out;
}

int nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string to_hex(std::string_view bytes) { return encode(bytes, "0123456789abcdef"); }
std::string to_upper_hex(std::string_view bytes) { return encode(bytes, "0123456789ABCDEF"); }

std::optional<std::string> from_hex(std::string_view hex) {
  std::string out;
  out.reserve(hex.size() / 2);
  int high = -1;
  for (char c : hex) {
    if (c == ' ') continue;
    int n = nibble(c);
    if (n < 0) return std::nullopt;
    if (high < 0) {
      high = n;
    } else {
      out.push_back(static_cast<char>((high << 4) | n));
      high = -1;
    }
  }
  if (high >= 0) return std::nullopt;
  return out;
}

}  // namespace tether::core
