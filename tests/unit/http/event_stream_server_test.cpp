// Event streams on a real socket: the head and the pieces a source gives, heartbeats while it has
// nothing, the stream limit (503), and a client that stops reading cut off as slow (counted).

#include "http/router.hpp"
#include "http/server.hpp"

#include <gtest/gtest.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <chrono>
#include <thread>

namespace tether::http {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// Gives `piece` every time (endless), or nothing when empty.
class fixed_source final : public event_source {
 public:
  explicit fixed_source(std::string piece) : piece_(std::move(piece)) {}
  std::string next(std::size_t) override { return piece_; }
  std::string position() const override { return "7"; }

 private:
  std::string piece_;
};

struct running_server {
  explicit running_server(server_options options) {
    routes.stream("/quiet", [](const stream_request&) {
      return stream_reply{{}, std::make_unique<fixed_source>("")};
    });
    routes.stream("/flood", [](const stream_request&) {
      return stream_reply{{}, std::make_unique<fixed_source>(std::string(64 * 1024, 'x'))};
    });
    routes.stream("/refused", [](const stream_request& r) {
      return stream_reply{json_error(401, "unauthenticated", std::string(r.authorization)), nullptr};
    });
    srv = std::make_unique<server>(context, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0), routes,
                                   options);
    srv->start();
    thread = std::thread([this] { context.run(); });
  }
  ~running_server() {
    context.stop();
    thread.join();
    srv->close();
  }
  tcp::socket connect(const std::string& path, int receive_buffer = 0) {
    tcp::socket s(client_context);
    s.open(tcp::v4());
    if (receive_buffer > 0) s.set_option(asio::socket_base::receive_buffer_size(receive_buffer));
    s.connect(srv->local_endpoint());
    const auto request = "GET " + path + " HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer k\r\n\r\n";
    asio::write(s, asio::buffer(request));
    return s;
  }
  static std::string read_some(tcp::socket& s, std::size_t at_least) {
    std::string out(at_least, '\0');
    asio::read(s, asio::buffer(out.data(), out.size()));
    return out;
  }
  template <class F>
  static bool wait_for(F condition) {
    for (int i = 0; i < 200 && !condition(); ++i) std::this_thread::sleep_for(50ms);
    return condition();
  }

  asio::io_context context;
  asio::io_context client_context;
  router routes;
  std::unique_ptr<server> srv;
  std::thread thread;
};

TEST(event_stream_server, a_quiet_stream_has_its_head_then_heartbeats) {
  running_server s({.stream_poll = 10ms, .stream_heartbeat = 50ms});
  auto c = s.connect("/quiet");
  const auto text = running_server::read_some(c, 220);
  EXPECT_EQ(text.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << text;
  EXPECT_NE(text.find("Content-Type: text/event-stream\r\n"), std::string::npos);
  EXPECT_NE(text.find("\r\n\r\n: tether event stream\nretry: 2000\n\n"), std::string::npos);
  EXPECT_NE(text.find(": heartbeat\n\n"), std::string::npos) << text;
  EXPECT_EQ(s.srv->stats().streams_opened.load(), 1u);
}

TEST(event_stream_server, a_refusal_is_an_ordinary_response) {
  running_server s({});
  auto c = s.connect("/refused");
  boost::system::error_code ec;
  std::string text;
  std::array<char, 1024> buf{};
  for (;;) {
    const auto n = c.read_some(asio::buffer(buf), ec);
    text.append(buf.data(), n);
    if (ec) break;
  }
  EXPECT_EQ(text.rfind("HTTP/1.1 401", 0), 0u) << text;
  EXPECT_NE(text.find("\"message\":\"Bearer k\""), std::string::npos) << text;
}

TEST(event_stream_server, streams_over_the_limit_are_503) {
  running_server s({.max_streams = 1, .stream_poll = 10ms});
  auto first = s.connect("/quiet");
  running_server::read_some(first, 100);
  auto second = s.connect("/quiet");
  const auto text = running_server::read_some(second, 12);
  EXPECT_EQ(text, "HTTP/1.1 503");
  EXPECT_EQ(s.srv->stats().streams_refused.load(), 1u);
}

TEST(event_stream_server, a_client_that_stops_reading_is_cut_off_as_slow) {
  running_server s({.stream_buffer_bytes = 64 * 1024, .stream_write_timeout = 300ms, .stream_poll = 10ms});
  auto c = s.connect("/flood", 4096);  // then never reads
  EXPECT_TRUE(running_server::wait_for([&] { return s.srv->stats().streams_cut_slow.load() == 1; }));
  // The server held one piece for it at a time: the socket buffers, not the server, took the rest.
  EXPECT_EQ(s.srv->stats().streams_closed.load(), 0u);
}

}  // namespace
}  // namespace tether::http
