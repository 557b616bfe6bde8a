#include "registry/ids.hpp"

namespace tether::registry {

namespace {
bool is_lower_alnum(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
}  // namespace

bool is_valid_id(std::string_view id) noexcept {
  if (id.size() < min_id_length || id.size() > max_id_length) return false;
  if (!is_lower_alnum(id.front()) || !is_lower_alnum(id.back())) return false;
  char previous = 0;
  for (char c : id) {
    if (c == '-') {
      if (previous == '-') return false;
    } else if (!is_lower_alnum(c)) {
      return false;
    }
    previous = c;
  }
  return true;
}

bool is_valid_frequency_plan_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

bool is_valid_name(std::string_view name) noexcept {
  std::size_t characters = 0;
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return false;
    if ((u & 0xc0) != 0x80) ++characters;  // count UTF-8 lead bytes, not continuation bytes
  }
  return characters <= 50;
}

}  // namespace tether::registry
