#include "application/connector/uri.hpp"

#include <array>
#include <cctype>
#include <charconv>

namespace tether::application::connector {
namespace {

struct scheme_entry {
  std::string_view name;
  uri_scheme scheme;
  std::uint16_t default_port;
};
constexpr std::array<scheme_entry, 4> schemes{{{"mqtt", uri_scheme::mqtt, 1883},
                                               {"mqtts", uri_scheme::mqtts, 8883},
                                               {"ws", uri_scheme::ws, 80},
                                               {"wss", uri_scheme::wss, 443}}};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    const int hi = i + 1 < text.size() ? hex_value(text[i + 1]) : -1;
    const int lo = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

bool has_control(std::string_view text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f || c == ' ') return true;
  }
  return false;
}

bool valid_host_name(std::string_view host) {
  for (unsigned char c : host) {
    if (!std::isalnum(c) && c != '-' && c != '.' && c != '_') return false;
  }
  return true;
}

bool valid_ipv6(std::string_view host) {
  for (unsigned char c : host) {
    if (!std::isxdigit(c) && c != ':' && c != '.') return false;
  }
  return host.find(':') != std::string_view::npos;
}

// user[?query]:password, decoded but for the user's query.
std::optional<std::string> read_userinfo(std::string_view info, broker_uri& uri) {
  const auto colon = info.find(':');
  auto user = info.substr(0, colon);
  const auto query = user.find('?');
  auto name = percent_decode(user.substr(0, query));
  if (!name) return "the user name has a bad %-escape (use %XX with two hex digits)";
  if (query != std::string_view::npos) *name += user.substr(query);  // as given: the broker decodes it
  uri.username = std::move(*name);
  if (colon != std::string_view::npos) {
    auto password = percent_decode(info.substr(colon + 1));
    if (!password) return "the password has a bad %-escape (use %XX with two hex digits)";
    uri.password = std::move(*password);
  }
  return std::nullopt;
}

// host[:port] or [v6]:port
std::optional<std::string> read_host_port(std::string_view authority, broker_uri& uri) {
  std::string_view host = authority;
  std::string_view port;
  bool has_port = false;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return "an IPv6 address must be closed with ']'";
    host = authority.substr(1, close - 1);
    const auto after = authority.substr(close + 1);
    if (!after.empty() && !after.starts_with(':')) return "expected ':PORT' after the IPv6 address";
    has_port = !after.empty();
    if (has_port) port = after.substr(1);
    if (!valid_ipv6(host)) return "'" + std::string(host) + "' is not an IPv6 address";
  } else {
    const auto colon = authority.rfind(':');
    if (colon != std::string_view::npos) {
      has_port = true;
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
    }
    if (!valid_host_name(host)) return "'" + std::string(host) + "' is not a host name or address";
  }
  if (host.empty()) return "no host: expected scheme://[user[:password]@]host[:port]";
  uri.host = std::string(host);
  if (has_port) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535)
      return "port '" + std::string(port) + "' is not a number from 1 to 65535";
    uri.port = static_cast<std::uint16_t>(value);
  }
  return std::nullopt;
}

}  // namespace

std::string_view scheme_name(uri_scheme scheme) {
  for (const auto& s : schemes) {
    if (s.scheme == scheme) return s.name;
  }
  return "mqtt";
}

uri_result parse_broker_uri(std::string_view text) {
  if (text.empty()) return std::string("the URI is empty");
  if (has_control(text)) return std::string("the URI has a space or a control character");
  const auto sep = text.find("://");
  if (sep == std::string_view::npos)
    return std::string("expected scheme://host: use mqtt://, mqtts://, ws:// or wss://");
  const auto scheme = text.substr(0, sep);
  const scheme_entry* entry = nullptr;
  for (const auto& s : schemes) {
    if (s.name == scheme) entry = &s;
  }
  if (!entry) return "unknown scheme '" + std::string(scheme) + "': use mqtt://, mqtts://, ws:// or wss://";
  broker_uri uri;
  uri.scheme = entry->scheme;
  uri.port = entry->default_port;
  auto rest = text.substr(sep + 3);
  // The userinfo ends at the last '@': a raw '/' or '?' in a signature must not end it early.
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
    if (auto error = read_userinfo(rest.substr(0, at), uri)) return *error;
    rest = rest.substr(at + 1);
  }
  const auto path_start = rest.find_first_of("/?#");
  const auto authority = rest.substr(0, path_start);
  if (auto error = read_host_port(authority, uri)) return *error;
  const auto path = path_start == std::string_view::npos ? std::string_view{} : rest.substr(path_start);
  if (path.find('#') != std::string_view::npos) return std::string("a broker URI has no #fragment");
  if (uri.websocket()) {
    if (!path.empty() && !path.starts_with('/')) return std::string("a WebSocket path must start with '/'");
    uri.path = path.empty() || path == "/" ? std::string("/mqtt") : std::string(path);
  } else if (!path.empty() && path != "/") {
    return std::string(scheme) + "://: no path or query (only ws:// and wss:// have a path)";
  }
  return uri;
}

std::string redact_password(std::string_view uri) {
  const auto sep = uri.find("://");
  if (sep == std::string_view::npos) return std::string(uri);
  const auto at = uri.rfind('@');
  if (at == std::string_view::npos || at < sep) return std::string(uri);
  const auto colon = uri.find(':', sep + 3);
  if (colon == std::string_view::npos || colon > at) return std::string(uri);
  return std::string(uri.substr(0, colon + 1)) + "***" + std::string(uri.substr(at));
}

}  // namespace tether::application::connector
