#pragma once
// The HTTP endpoints as a pure function of method and target, kept apart from the I/O (server.hpp),
// so they are tested without sockets. A path is served by one GET handler (HEAD too: the server sends
// the headers only); an unknown path is 404, another method 405 with an Allow header. The query
// string is ignored.

#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace tether::http {

struct response {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::string allow;  // for 405
};

class router {
 public:
  using handler = std::function<response()>;

  void get(std::string path, handler h);
  // `method` as on the request line ("GET"), `target` the request target ("/metrics?x=1").
  response handle(std::string_view method, std::string_view target) const;

 private:
  std::map<std::string, handler, std::less<>> routes_;
};

// A JSON error body: {"error":"<name>","message":"<message>"} (message escaped).
response json_error(unsigned status, std::string_view name, std::string_view message);
// `text` as a JSON string literal, quotes included.
std::string json_string(std::string_view text);

}  // namespace tether::http
