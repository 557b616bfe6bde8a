#pragma once
// The HTTP server (Boost.Beast) behind --http-listen and --http-tls-listen: it accepts on one
// executor (serve gives it the system worker's) and runs every connection there, as a coroutine that
// only waits asynchronously, so it never blocks the worker; what it serves comes from a router.
// Bounded: at most `max_connections` connections at once (one more is accepted and closed at once,
// counted as refused and logged, at most one line a second); a request's header and body have size
// limits (a request over them is answered 431 or 413 and the connection closed); every read, write
// and TLS handshake has a deadline (`timeout`), after which the connection is closed; a keep-alive
// connection serves at most `max_requests_per_connection` requests.
// Event streams (router::stream, Server-Sent Events): at most `max_streams` at once (one more is
// answered 503, counted); each client's buffer is one piece pulled from its event_source, at most
// about `stream_buffer_bytes`, and the next piece is pulled only once that one is written, so a slow
// client holds no more than that. A piece not written within `stream_write_timeout` cuts the client
// off (counted as slow, logged at most once a second; it resumes with Last-Event-ID). A stream with
// nothing new is polled every `stream_poll` and gets a heartbeat comment every `stream_heartbeat`,
// which keeps proxies from closing it and finds clients that went away.

#include "core/log_limiter.hpp"
#include "http/router.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace tether::http {

struct server_options {
  std::size_t max_connections = 64;
  std::size_t max_header_bytes = 8 * 1024;
  std::size_t max_body_bytes = 4 * 1024;
  std::size_t max_requests_per_connection = 1000;
  std::chrono::milliseconds timeout{10'000};
  std::size_t max_streams = 32;
  std::size_t stream_buffer_bytes = 64 * 1024;
  std::chrono::milliseconds stream_write_timeout{10'000};
  std::chrono::milliseconds stream_poll{200};
  std::chrono::milliseconds stream_heartbeat{15'000};
};

struct server_stats {
  std::atomic<std::uint64_t> connections_accepted{0};
  std::atomic<std::uint64_t> connections_refused{0};  // over max_connections
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> requests_rejected{0};  // malformed, or over a size limit
  std::atomic<std::uint64_t> connections_timed_out{0};
  std::atomic<std::uint64_t> streams_opened{0};
  std::atomic<std::uint64_t> streams_refused{0};   // over max_streams
  std::atomic<std::uint64_t> streams_cut_slow{0};  // a write missed stream_write_timeout
  std::atomic<std::uint64_t> streams_closed{0};    // the client went away
};

class server {
 public:
  // Binds at once (throws boost::system::system_error when the address is taken). `tls`, when not
  // null, makes every connection TLS; it and `routes` must outlive the server's connections.
  server(boost::asio::io_context& context, const boost::asio::ip::tcp::endpoint& endpoint,
         const router& routes, server_options options = {}, boost::asio::ssl::context* tls = nullptr);
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  void start();
  // Stops accepting and releases the socket (connections under way end on their own deadlines). From
  // the executor's thread, or once it no longer runs; before the io_context is destroyed. The server
  // itself may outlive the io_context (a connection's frame, destroyed with it, still counts down).
  void close();
  boost::asio::ip::tcp::endpoint local_endpoint() const { return acceptor_->local_endpoint(); }
  bool is_open() const { return acceptor_ && acceptor_->is_open(); }
  const server_stats& stats() const noexcept { return stats_; }
  std::size_t active_connections() const noexcept { return active_.load(std::memory_order_relaxed); }

 private:
  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> run_connection(boost::asio::ip::tcp::socket socket);
  template <class Stream>
  boost::asio::awaitable<void> serve_requests(Stream& stream);
  template <class Stream>
  boost::asio::awaitable<void> serve_stream(Stream& stream, const router::stream_handler& handler,
                                            const stream_request& request, unsigned version);
  template <class Stream>
  boost::asio::awaitable<void> pump_events(Stream& stream, event_source& source);

  boost::asio::io_context& context_;
  std::optional<boost::asio::ip::tcp::acceptor> acceptor_;
  const router& routes_;
  server_options options_;
  boost::asio::ssl::context* tls_;
  server_stats stats_;
  std::atomic<std::size_t> active_{0};
  std::size_t streams_ = 0;  // the executor's thread only
  core::log_limiter refused_log_;
  core::log_limiter slow_log_;
};

}  // namespace tether::http
