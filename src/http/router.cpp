#include "http/router.hpp"

#include "core/json_writer.hpp"

#include <fmt/format.h>

namespace tether::http {

void router::get(std::string path, handler h) { routes_[std::move(path)] = std::move(h); }

void router::prefix(std::string path_prefix, prefix_handler h) {
  prefixes_[std::move(path_prefix)] = std::move(h);
}

void router::stream(std::string path, stream_handler h) { streams_[std::move(path)] = std::move(h); }

const router::stream_handler* router::find_stream(std::string_view method, std::string_view target) const {
  if (method != "GET") return nullptr;
  const auto it = streams_.find(target.substr(0, target.find('?')));
  return it == streams_.end() ? nullptr : &it->second;
}

response router::handle(std::string_view method, std::string_view target) const {
  return handle(request{.method = method, .target = target});
}

response router::handle(const request& r) const {
  const auto method = r.method;
  const auto path = r.target.substr(0, r.target.find('?'));
  const auto it = routes_.find(path);
  if (it == routes_.end()) {
    if (streams_.find(path) != streams_.end()) {
      auto res = json_error(405, "method_not_allowed", "only GET is allowed here");
      res.allow = "GET";
      return res;
    }
    for (const auto& [start, h] : prefixes_) {
      if (path.starts_with(start)) return h(r, path);
    }
    return json_error(404, "not_found", "no such path");
  }
  if (method != "GET" && method != "HEAD") {
    auto r = json_error(405, "method_not_allowed", "only GET and HEAD are allowed here");
    r.allow = "GET, HEAD";
    return r;
  }
  return it->second();
}

std::string json_string(std::string_view text) {
  std::string out;
  core::append_json_string(out, text);
  return out;
}

response json_error(unsigned status, std::string_view name, std::string_view message) {
  return {.status = status,
          .content_type = "application/json",
          .body = fmt::format("{{\"error\":{},\"message\":{}}}\n", json_string(name), json_string(message))};
}

}  // namespace tether::http
