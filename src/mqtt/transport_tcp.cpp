// Plain TCP. A socket is read only once it is readable, into its worker's shared buffer, so an idle
// connection holds no receive buffer at all.

#include "mqtt/transport.hpp"
#include "mqtt/worker_pool.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace tether::mqtt {

namespace asio = boost::asio;

namespace {

class tcp_transport final : public transport {
 public:
  tcp_transport(asio::ip::tcp::socket socket, worker& home) : socket_(std::move(socket)), home_(home) {
    set_remote(socket_);
    boost::system::error_code ec;
    socket_.set_option(asio::ip::tcp::no_delay(true), ec);  // writes are batched already
    socket_.non_blocking(true, ec);
  }

  asio::awaitable<std::span<const std::uint8_t>> read(boost::system::error_code& ec) override {
    for (;;) {
      co_await socket_.async_wait(asio::ip::tcp::socket::wait_read,
                                  asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return std::span<const std::uint8_t>{};
      auto& buffer = home_.receive_buffer();
      auto n = socket_.read_some(asio::buffer(buffer), ec);
      if (ec == asio::error::would_block || ec == asio::error::try_again) continue;
      if (ec) co_return std::span<const std::uint8_t>{};
      co_return std::span<const std::uint8_t>(buffer.data(), n);
    }
  }

  void write(asio::const_buffer data, write_handler handler) override {
    asio::async_write(socket_, data, std::move(handler));
  }

  void close() override {
    boost::system::error_code ec;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    socket_.close(ec);
  }

  asio::any_io_executor executor() override { return socket_.get_executor(); }

 private:
  asio::ip::tcp::socket socket_;
  worker& home_;
};

}  // namespace

void transport::set_remote(const asio::ip::tcp::socket& socket) {
  boost::system::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  remote_ =
      ec ? std::string("unknown") : endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

const char* to_string(transport_kind kind) noexcept {
  switch (kind) {
    case transport_kind::tcp:
      return "tcp";
    case transport_kind::tls:
      return "tls";
    case transport_kind::websocket:
      return "ws";
    case transport_kind::websocket_tls:
      return "wss";
  }
  return "?";
}

std::unique_ptr<transport> make_tls_transport(asio::ip::tcp::socket socket, asio::ssl::context& tls);
std::unique_ptr<transport> make_websocket_transport(asio::ip::tcp::socket socket, asio::ssl::context* tls);

std::unique_ptr<transport> make_transport(transport_kind kind, asio::ip::tcp::socket socket, worker& home,
                                          asio::ssl::context* tls) {
  switch (kind) {
    case transport_kind::tcp:
      return std::make_unique<tcp_transport>(std::move(socket), home);
    case transport_kind::tls:
      return make_tls_transport(std::move(socket), *tls);
    case transport_kind::websocket:
      return make_websocket_transport(std::move(socket), nullptr);
    case transport_kind::websocket_tls:
      return make_websocket_transport(std::move(socket), tls);
  }
  return nullptr;
}

}  // namespace tether::mqtt
