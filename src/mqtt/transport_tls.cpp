// TLS 1.2+ over TCP (OpenSSL through Asio), used by the *-tls-listen listeners.

#include "mqtt/transport.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <vector>

namespace tether::mqtt {

namespace asio = boost::asio;

namespace {

constexpr std::size_t tls_read_size = 16 * 1024;  // one TLS record

class tls_transport final : public transport {
 public:
  tls_transport(asio::ip::tcp::socket socket, asio::ssl::context& tls) : stream_(std::move(socket), tls) {
    set_remote(stream_.next_layer());
    boost::system::error_code ec;
    stream_.next_layer().set_option(asio::ip::tcp::no_delay(true), ec);
  }

  bool has_handshake() const noexcept override { return true; }

  asio::awaitable<boost::system::error_code> handshake() override {
    boost::system::error_code ec;
    co_await stream_.async_handshake(asio::ssl::stream_base::server,
                                     asio::redirect_error(asio::use_awaitable, ec));
    co_return ec;
  }

  void read(std::shared_ptr<read_sink> sink) override {
    buffer_.resize(tls_read_size);
    stream_.async_read_some(asio::buffer(buffer_),
                            [this, sink = std::move(sink)](boost::system::error_code ec, std::size_t n) {
                              if (ec) n = 0;
                              sink->on_read(ec, std::span<const std::uint8_t>(buffer_.data(), n));
                            });
  }

  void write(asio::const_buffer data, write_handler handler) override {
    asio::async_write(stream_, data, std::move(handler));
  }

  void close() override {
    boost::system::error_code ec;
    stream_.next_layer().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    stream_.next_layer().close(ec);
  }

  asio::any_io_executor executor() override { return stream_.get_executor(); }
  bool secure() const noexcept override { return true; }

 private:
  asio::ssl::stream<asio::ip::tcp::socket> stream_;
  std::vector<std::uint8_t> buffer_;
};

}  // namespace

std::unique_ptr<transport> make_tls_transport(asio::ip::tcp::socket socket, asio::ssl::context& tls) {
  return std::make_unique<tls_transport>(std::move(socket), tls);
}

}  // namespace tether::mqtt
