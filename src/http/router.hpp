#pragma once
// The HTTP endpoints as a pure function of the request, kept apart from the I/O (server.hpp), so they
// are tested without sockets. A path is served by one GET handler (HEAD too: the server sends the
// headers only), or else by the handler of the longest prefix it starts with (every method: the admin
// API under /api/v1/), so an exact path such as /api/v1/events wins over its prefix; an unknown path is
// 404, another method on a GET path 405 with an Allow header. The query string is ignored.

#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace tether::http {

struct response {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::string allow;             // for 405
  std::string www_authenticate;  // for 401
};

// What a handler may read of a request; the views live as long as the call.
struct request {
  std::string_view method;         // as on the request line ("GET")
  std::string_view target;         // the request target ("/metrics?x=1")
  std::string_view authorization;  // the Authorization header; empty when absent
  std::string_view body;
};

class router {
 public:
  using handler = std::function<response()>;
  // Gets the request and its path (the target without the query string).
  using prefix_handler = std::function<response(const request&, std::string_view path)>;

  void get(std::string path, handler h);
  void prefix(std::string path_prefix, prefix_handler h);
  // `method` as on the request line ("GET"), `target` the request target ("/metrics?x=1").
  response handle(std::string_view method, std::string_view target) const;
  response handle(const request& r) const;

 private:
  std::map<std::string, handler, std::less<>> routes_;
  std::map<std::string, prefix_handler, std::greater<>> prefixes_;  // longest first among equal starts
};

// A JSON error body: {"error":"<name>","message":"<message>"} (message escaped).
response json_error(unsigned status, std::string_view name, std::string_view message);
// `text` as a JSON string literal, quotes included.
std::string json_string(std::string_view text);

}  // namespace tether::http
