#pragma once
// The byte stream under a connection: plain TCP, TLS, WebSocket or WebSocket over TLS. Every
// transport shares one connection code path; only these few operations differ.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

namespace boost::asio::ssl {
class context;
}

namespace tether::mqtt {

class worker;

class transport {
 public:
  using write_handler = std::function<void(boost::system::error_code, std::size_t)>;

  virtual ~transport() = default;

  // TLS and WebSocket handshakes; plain TCP has none.
  virtual boost::asio::awaitable<boost::system::error_code> handshake() {
    co_return boost::system::error_code{};
  }
  // Waits for bytes and returns them; the view is valid until the next call. Empty on error or end.
  virtual boost::asio::awaitable<std::span<const std::uint8_t>> read(boost::system::error_code& ec) = 0;
  // Writes all of `data` (which stays alive until the handler runs).
  virtual void write(boost::asio::const_buffer data, write_handler handler) = 0;
  virtual void close() = 0;

  virtual boost::asio::any_io_executor executor() = 0;
  const std::string& remote_address() const noexcept { return remote_; }
  virtual bool secure() const noexcept { return false; }

 protected:
  void set_remote(const boost::asio::ip::tcp::socket& socket);
  std::string remote_;
};

enum class transport_kind { tcp, tls, websocket, websocket_tls };

const char* to_string(transport_kind kind) noexcept;

// Builds the transport for a freshly accepted socket. `tls` is required for the TLS kinds.
std::unique_ptr<transport> make_transport(transport_kind kind, boost::asio::ip::tcp::socket socket,
                                          worker& home, boost::asio::ssl::context* tls);

}  // namespace tether::mqtt
