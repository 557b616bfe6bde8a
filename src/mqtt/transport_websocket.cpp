// MQTT over WebSocket (and over WebSocket over TLS): HTTP upgrade on path /mqtt with subprotocol
// "mqtt", binary frames only. MQTT packets may be split across frames or several packed into one:
// the connection reassembles packets from the byte stream either way.

#include "mqtt/transport.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <optional>
#include <vector>

namespace tether::mqtt {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

namespace {

constexpr std::string_view mqtt_path = "/mqtt";
constexpr std::size_t ws_read_size = 16 * 1024;

// The subprotocol we answer with: "mqtt" (3.1.1) or "mqttv3.1" (3.1), if the client offered one.
std::optional<std::string> pick_subprotocol(std::string_view offered) {
  std::optional<std::string> chosen;
  while (!offered.empty()) {
    auto comma = offered.find(',');
    auto item = offered.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item == "mqtt") return std::string(item);
    if (item == "mqttv3.1") chosen = std::string(item);
    if (comma == std::string_view::npos) break;
    offered.remove_prefix(comma + 1);
  }
  return chosen;
}

template <class Next>
class websocket_transport final : public transport {
 public:
  template <class... Args>
  explicit websocket_transport(Args&&... args) : ws_(std::forward<Args>(args)...) {
    auto& socket = beast::get_lowest_layer(ws_);
    set_remote(socket);
    boost::system::error_code ec;
    socket.set_option(asio::ip::tcp::no_delay(true), ec);
  }

  bool has_handshake() const noexcept override { return true; }

  asio::awaitable<boost::system::error_code> handshake() override {
    boost::system::error_code ec;
    if constexpr (!std::is_same_v<Next, asio::ip::tcp::socket>) {
      co_await ws_.next_layer().async_handshake(asio::ssl::stream_base::server,
                                                asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return ec;
    }
    beast::flat_buffer buffer;
    http::request<http::string_body> request;
    co_await http::async_read(ws_.next_layer(), buffer, request,
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return ec;
    if (!websocket::is_upgrade(request) || request.target() != mqtt_path) {
      co_return co_await refuse(request, "expected a WebSocket upgrade on /mqtt");
    }
    auto subprotocol = pick_subprotocol(request[http::field::sec_websocket_protocol]);
    ws_.set_option(websocket::stream_base::decorator([subprotocol](websocket::response_type& response) {
      if (subprotocol) response.set(http::field::sec_websocket_protocol, *subprotocol);
      response.set(http::field::server, "tether");
    }));
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.read_message_max(256 * 1024 * 1024);
    co_await ws_.async_accept(request, asio::redirect_error(asio::use_awaitable, ec));
    ws_.binary(true);
    co_return ec;
  }

  void read(std::shared_ptr<read_sink> sink) override {
    buffer_.resize(ws_read_size);
    ws_.async_read_some(asio::buffer(buffer_),
                        [this, sink = std::move(sink)](boost::system::error_code ec, std::size_t n) {
                          if (!ec && ws_.got_text())
                            ec = websocket::error::bad_data_frame;  // MQTT travels in binary frames only
                          if (ec) n = 0;
                          sink->on_read(ec, std::span<const std::uint8_t>(buffer_.data(), n));
                        });
  }

  void write(asio::const_buffer data, write_handler handler) override {
    ws_.async_write(data, std::move(handler));
  }

  void close() override {
    boost::system::error_code ec;
    auto& socket = beast::get_lowest_layer(ws_);
    socket.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    socket.close(ec);
  }

  asio::any_io_executor executor() override { return ws_.get_executor(); }
  bool secure() const noexcept override { return !std::is_same_v<Next, asio::ip::tcp::socket>; }
  bool websocket() const noexcept override { return true; }

 private:
  asio::awaitable<boost::system::error_code> refuse(const http::request<http::string_body>& request,
                                                    std::string_view why) {
    spdlog::info("websocket {}: refused {} {}: {}", remote_address(), std::string(request.method_string()),
                 std::string(request.target()), why);
    http::response<http::string_body> response{http::status::bad_request, request.version()};
    response.set(http::field::server, "tether");
    response.set(http::field::content_type, "text/plain");
    response.body() = std::string(why) + "\n";
    response.prepare_payload();
    boost::system::error_code ec;
    co_await http::async_write(ws_.next_layer(), response, asio::redirect_error(asio::use_awaitable, ec));
    co_return websocket::error::no_connection_upgrade;
  }

  websocket::stream<Next> ws_;
  std::vector<std::uint8_t> buffer_;
};

}  // namespace

std::unique_ptr<transport> make_websocket_transport(asio::ip::tcp::socket socket, asio::ssl::context* tls) {
  if (tls) {
    return std::make_unique<websocket_transport<asio::ssl::stream<asio::ip::tcp::socket>>>(std::move(socket),
                                                                                           *tls);
  }
  return std::make_unique<websocket_transport<asio::ip::tcp::socket>>(std::move(socket));
}

}  // namespace tether::mqtt
