// Plain TCP. A socket is read only once it is readable, into its worker's shared buffer, so an idle
// connection holds no receive buffer and no coroutine frame: only a pending wait with a small handler.

#include "mqtt/transport.hpp"
#include "mqtt/worker_pool.hpp"

#include <boost/asio/write.hpp>

namespace tether::mqtt {

namespace asio = boost::asio;

namespace {

class tcp_transport final : public transport {
 public:
  tcp_transport(worker_socket socket, worker& home) : socket_(std::move(socket)), home_(home) {
    set_remote(socket_);
    boost::system::error_code ec;
    socket_.set_option(asio::ip::tcp::no_delay(true), ec);  // writes are batched already
    socket_.non_blocking(true, ec);
  }

  // Waits with a small callback (the sink pointer and this), reads only once readable.
  void read(std::shared_ptr<read_sink> sink) override {
    socket_.async_wait(worker_socket::wait_read,
                       [this, sink = std::move(sink)](boost::system::error_code ec) mutable {
                         if (!ec) {
                           auto& buffer = home_.receive_buffer();
                           auto n = socket_.read_some(asio::buffer(buffer), ec);
                           if (ec == asio::error::would_block || ec == asio::error::try_again) {
                             read(std::move(sink));
                             return;
                           }
                           if (!ec) {
                             sink->on_read(ec, std::span<const std::uint8_t>(buffer.data(), n));
                             return;
                           }
                         }
                         sink->on_read(ec, {});
                       });
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
  worker_socket socket_;
  worker& home_;
};

}  // namespace

std::string transport::remote_address() const {
  if (!known_remote_) return "unknown";
  return remote_.address().to_string() + ":" + std::to_string(remote_.port());
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

std::unique_ptr<transport> make_transport(transport_kind kind, worker_socket socket, worker& home,
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
