#include "http/bearer_auth.hpp"

#include <algorithm>
#include <cctype>

namespace tether::http {

std::string_view bearer_token(std::string_view authorization) {
  constexpr std::string_view scheme = "bearer ";
  if (authorization.size() <= scheme.size()) return {};
  const bool matches = std::equal(scheme.begin(), scheme.end(), authorization.begin(), [](char a, char b) {
    return a == std::tolower(static_cast<unsigned char>(b));
  });
  if (!matches) return {};
  auto token = authorization.substr(scheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  return token;
}

response unauthorized(std::string_view message) {
  auto r = json_error(401, "unauthorized", message);
  r.www_authenticate = "Bearer";
  return r;
}

response forbidden(std::string_view message) { return json_error(403, "forbidden", message); }

}  // namespace tether::http
