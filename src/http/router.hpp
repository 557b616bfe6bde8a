#pragma once
// The HTTP endpoints as a pure function of the request, kept apart from the I/O (server.hpp), so they
// are tested without sockets. A path is served by one GET handler (HEAD too: the server sends the
// headers only), or else by the handler of the longest prefix it starts with (every method: the admin
// API under /api/v1/); exact paths win over prefixes. An unknown path is 404, another method on a GET
// path 405 with an Allow header. The query string is ignored by plain handlers. A *stream* path (GET
// only, e.g. /api/v1/events) answers with a body that does not end — Server-Sent Events — produced by
// an event_source the server pulls from (server.hpp).

#include <functional>
#include <map>
#include <memory>
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

// What a stream handler is told of the request.
struct stream_request {
  std::string_view target;         // "/api/v1/events?application=app1"
  std::string_view authorization;  // the Authorization header ("" when absent)
  std::string_view last_event_id;  // the Last-Event-ID header ("" when absent)
};

// The body of a stream, pulled by the server whenever the previous piece was written.
class event_source {
 public:
  virtual ~event_source() = default;
  // What is new since the last call, as text/event-stream lines: at most about `max_bytes` (at least
  // one whole event when there is one). Empty when nothing is new. Called on the server's executor;
  // may read the store (briefly).
  virtual std::string next(std::size_t max_bytes) = 0;
  // Where a client cut off now resumes (its Last-Event-ID), for the log line.
  virtual std::string position() const = 0;
};

// A stream handler's answer: a source to stream from, or (source null) a plain refusal.
struct stream_reply {
  response refusal;
  std::unique_ptr<event_source> source;
};

class router {
 public:
  using handler = std::function<response()>;
  // Gets the request and its path (the target without the query string).
  using prefix_handler = std::function<response(const request&, std::string_view path)>;
  using stream_handler = std::function<stream_reply(const stream_request&)>;

  void get(std::string path, handler h);
  void prefix(std::string path_prefix, prefix_handler h);
  void stream(std::string path, stream_handler h);
  // `method` as on the request line ("GET"), `target` the request target ("/metrics?x=1").
  response handle(std::string_view method, std::string_view target) const;
  response handle(const request& r) const;
  // The stream handler of the target's path, when it is a stream path and the method GET.
  const stream_handler* find_stream(std::string_view method, std::string_view target) const;

 private:
  std::map<std::string, handler, std::less<>> routes_;
  std::map<std::string, prefix_handler, std::greater<>> prefixes_;  // longest first among equal starts
  std::map<std::string, stream_handler, std::less<>> streams_;
};

// A JSON error body: {"error":"<name>","message":"<message>"} (message escaped).
response json_error(unsigned status, std::string_view name, std::string_view message);
// `text` as a JSON string literal, quotes included.
std::string json_string(std::string_view text);

}  // namespace tether::http
