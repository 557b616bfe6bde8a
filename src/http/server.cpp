#include "http/server.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <fmt/format.h>
#include <sys/socket.h>

#include <cerrno>

namespace tether::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto as_tuple_awaitable = asio::as_tuple(asio::use_awaitable);

// Keeps the count of open event streams while one runs.
struct stream_guard {
  std::size_t& streams;
  ~stream_guard() { --streams; }
};

// The response head of an event stream: its body runs until the connection closes.
std::string stream_head(unsigned version) {
  return fmt::format(
      "HTTP/{}.{} 200 OK\r\nServer: tether\r\nContent-Type: text/event-stream\r\n"
      "Cache-Control: no-store\r\nX-Accel-Buffering: no\r\nConnection: close\r\n\r\n"
      ": tether event stream\nretry: 2000\n\n",
      version / 10, version % 10);
}

// Keeps the count of open connections while a connection runs (also when its coroutine frame is
// destroyed with the io_context at shutdown).
struct active_guard {
  std::atomic<std::size_t>& active;
  ~active_guard() { active.fetch_sub(1, std::memory_order_relaxed); }
};

bhttp::response<bhttp::string_body> to_beast(response r, const bhttp::request<bhttp::string_body>& req) {
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(r.status), req.version()};
  res.set(bhttp::field::server, "tether");
  res.set(bhttp::field::content_type, r.content_type);
  res.set(bhttp::field::cache_control, "no-store");
  if (!r.allow.empty()) res.set(bhttp::field::allow, r.allow);
  if (!r.www_authenticate.empty()) res.set(bhttp::field::www_authenticate, r.www_authenticate);
  res.keep_alive(req.keep_alive());
  const auto size = r.body.size();
  if (req.method() != bhttp::verb::head) res.body() = std::move(r.body);
  res.content_length(size);
  return res;
}

// The answer to a request the parser refused, or nullptr-like status 0 when the connection simply ends.
unsigned status_of_read_error(const boost::system::error_code& ec) {
  if (ec == bhttp::error::header_limit) return 431;
  if (ec == bhttp::error::body_limit) return 413;
  if (ec.category() == bhttp::make_error_code(bhttp::error::end_of_stream).category() &&
      ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
    return 400;
  }
  return 0;
}

// Whether the client of an idle event stream has closed its side (EOF or a reset on the socket). It
// sends nothing after its request, so a peek that sees the end means it went away: its slot is freed
// at the next poll instead of at the next heartbeat's failed write. Bytes waiting (a TLS close_notify)
// leave it to the write to find out.
bool client_went_away(tcp::socket& socket) {
  char byte = 0;
  const auto n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

}  // namespace

server::server(asio::io_context& context, const tcp::endpoint& endpoint, const router& routes,
               server_options options, asio::ssl::context* tls)
    : context_(context), acceptor_(std::in_place, context), routes_(routes), options_(options), tls_(tls) {
  acceptor_->open(endpoint.protocol());
  acceptor_->set_option(tcp::acceptor::reuse_address(true));
  acceptor_->bind(endpoint);
  acceptor_->listen(asio::socket_base::max_listen_connections);
}

void server::start() {
  const auto where = acceptor_->local_endpoint();
  spdlog::info("http listening on {}:{} ({})", where.address().to_string(), where.port(),
               tls_ ? "https" : "http");
  asio::co_spawn(context_, accept_loop(), asio::detached);
}

void server::close() { acceptor_.reset(); }

asio::awaitable<void> server::accept_loop() {
  for (;;) {
    if (!acceptor_) co_return;
    auto [ec, socket] = co_await acceptor_->async_accept(as_tuple_awaitable);
    if (ec == asio::error::operation_aborted || !acceptor_) co_return;
    if (ec) {
      spdlog::warn("http: accept failed: {}", ec.message());
      asio::steady_timer pause(context_, std::chrono::milliseconds(100));
      co_await pause.async_wait(as_tuple_awaitable);
      continue;
    }
    if (active_.load(std::memory_order_relaxed) >= options_.max_connections) {
      stats_.connections_refused.fetch_add(1, std::memory_order_relaxed);
      if (auto n = refused_log_.due()) {
        spdlog::warn("http: {} connection(s) refused: {} open already (the limit)", *n,
                     options_.max_connections);
      }
      boost::system::error_code ignored;
      socket.close(ignored);
      continue;
    }
    active_.fetch_add(1, std::memory_order_relaxed);
    stats_.connections_accepted.fetch_add(1, std::memory_order_relaxed);
    asio::co_spawn(context_, run_connection(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> server::run_connection(tcp::socket socket) {
  const active_guard guard{active_};
  if (!tls_) {
    beast::tcp_stream stream(std::move(socket));
    co_await serve_requests(stream);
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    co_return;
  }
  beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *tls_);
  beast::get_lowest_layer(stream).expires_after(options_.timeout);
  auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, as_tuple_awaitable);
  if (ec) {
    if (ec == beast::error::timeout) stats_.connections_timed_out.fetch_add(1, std::memory_order_relaxed);
    spdlog::debug("http: TLS handshake failed: {}", ec.message());
    co_return;
  }
  co_await serve_requests(stream);
  beast::get_lowest_layer(stream).expires_after(options_.timeout);
  co_await stream.async_shutdown(as_tuple_awaitable);
}

template <class Stream>
asio::awaitable<void> server::serve_requests(Stream& stream) {
  beast::flat_buffer buffer(options_.max_header_bytes + options_.max_body_bytes);
  for (std::size_t served = 0; served < options_.max_requests_per_connection; ++served) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options_.max_header_bytes));
    parser.body_limit(options_.max_body_bytes);
    beast::get_lowest_layer(stream).expires_after(options_.timeout);
    auto [read_error, read] = co_await bhttp::async_read(stream, buffer, parser, as_tuple_awaitable);
    if (read_error == beast::error::timeout) {
      stats_.connections_timed_out.fetch_add(1, std::memory_order_relaxed);
      co_return;
    }
    if (read_error) {
      const auto status = status_of_read_error(read_error);
      if (status == 0) co_return;
      stats_.requests_rejected.fetch_add(1, std::memory_order_relaxed);
      bhttp::request<bhttp::string_body> none;
      none.keep_alive(false);
      auto res = to_beast(json_error(status, "bad_request", read_error.message()), none);
      co_await bhttp::async_write(stream, res, as_tuple_awaitable);
      co_return;
    }
    stats_.requests.fetch_add(1, std::memory_order_relaxed);
    const auto& req = parser.get();
    if (const auto* h =
            routes_.find_stream(std::string_view(req.method_string()), std::string_view(req.target()))) {
      const stream_request sr{.target = std::string_view(req.target()),
                              .authorization = std::string_view(req[bhttp::field::authorization]),
                              .last_event_id = std::string_view(req["Last-Event-ID"])};
      co_await serve_stream(stream, *h, sr, req.version());
      co_return;
    }
    auto res = to_beast(routes_.handle(request{.method = req.method_string(),
                                               .target = req.target(),
                                               .authorization = req[bhttp::field::authorization],
                                               .body = req.body()}),
                        req);
    if (served + 1 == options_.max_requests_per_connection) res.keep_alive(false);
    auto [write_error, written] = co_await bhttp::async_write(stream, res, as_tuple_awaitable);
    if (write_error || !res.keep_alive()) co_return;
  }
}

template <class Stream>
asio::awaitable<void> server::serve_stream(Stream& stream, const router::stream_handler& handler,
                                           const stream_request& request, unsigned version) {
  bhttp::request<bhttp::string_body> closing;
  closing.version(version);
  closing.keep_alive(false);
  auto reply = handler(request);
  if (reply.source && streams_ >= options_.max_streams) {
    stats_.streams_refused.fetch_add(1, std::memory_order_relaxed);
    if (auto n = refused_log_.due()) {
      spdlog::warn("http: {} event stream(s) refused: {} open already (the limit)", *n, options_.max_streams);
    }
    reply = {json_error(503, "too_many_streams", "too many event streams are open; retry later"), nullptr};
  }
  beast::get_lowest_layer(stream).expires_after(options_.timeout);
  if (!reply.source) {
    auto res = to_beast(std::move(reply.refusal), closing);
    co_await bhttp::async_write(stream, res, as_tuple_awaitable);
    co_return;
  }
  ++streams_;
  const stream_guard guard{streams_};
  stats_.streams_opened.fetch_add(1, std::memory_order_relaxed);
  const auto head = stream_head(version);
  auto [ec, n] = co_await asio::async_write(stream, asio::buffer(head), as_tuple_awaitable);
  if (ec) co_return;
  co_await pump_events(stream, *reply.source);
}

template <class Stream>
asio::awaitable<void> server::pump_events(Stream& stream, event_source& source) {
  asio::steady_timer timer(context_);
  auto last_write = std::chrono::steady_clock::now();
  for (;;) {
    auto piece = source.next(options_.stream_buffer_bytes);
    if (piece.empty()) {
      if (client_went_away(beast::get_lowest_layer(stream).socket())) {
        stats_.streams_closed.fetch_add(1, std::memory_order_relaxed);
        co_return;
      }
      if (std::chrono::steady_clock::now() - last_write < options_.stream_heartbeat) {
        timer.expires_after(options_.stream_poll);
        co_await timer.async_wait(as_tuple_awaitable);
        continue;
      }
      piece = ": heartbeat\n\n";
    }
    beast::get_lowest_layer(stream).expires_after(options_.stream_write_timeout);
    auto [ec, n] = co_await asio::async_write(stream, asio::buffer(piece), as_tuple_awaitable);
    if (ec == beast::error::timeout) {
      stats_.streams_cut_slow.fetch_add(1, std::memory_order_relaxed);
      if (auto k = slow_log_.due()) {
        spdlog::warn(
            "http: event stream cut off: slow client (could not take {} bytes in {} ms); it resumes "
            "with Last-Event-ID {}{}",
            piece.size(), options_.stream_write_timeout.count(), source.position(), core::repeat_note(*k));
      }
      co_return;
    }
    if (ec) {
      stats_.streams_closed.fetch_add(1, std::memory_order_relaxed);
      co_return;
    }
    last_write = std::chrono::steady_clock::now();
  }
}

}  // namespace tether::http
