#pragma once
// The byte stream under a connection: plain TCP, TLS, WebSocket or WebSocket over TLS. Every
// transport shares one connection code path; only these few operations differ.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
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

// A socket bound to its worker's io_context: its operations carry one pointer of executor instead
// of a type-erased any_io_executor.
using worker_socket =
    boost::asio::basic_stream_socket<boost::asio::ip::tcp, boost::asio::io_context::executor_type>;

// Receives what a transport reads.
class read_sink {
 public:
  virtual ~read_sink() = default;
  // Bytes read (valid until the next read), or an error (end of stream included) and no bytes.
  virtual void on_read(boost::system::error_code ec, std::span<const std::uint8_t> data) = 0;
};

class transport {
 public:
  using write_handler = std::function<void(boost::system::error_code, std::size_t)>;

  virtual ~transport() = default;

  // TLS and WebSocket handshakes; plain TCP has none, so its connections never enter a coroutine.
  virtual bool has_handshake() const noexcept { return false; }
  virtual boost::asio::awaitable<boost::system::error_code> handshake() {
    co_return boost::system::error_code{};
  }
  // Reads once, then calls `sink->on_read`. The pending read holds `sink` and nothing more, so an idle
  // connection costs no coroutine frame (plain TCP: no Asio operation either, see transport_tcp.cpp).
  virtual void read(std::shared_ptr<read_sink> sink) = 0;
  // Writes all of `data` (which stays alive until the handler runs).
  virtual void write(boost::asio::const_buffer data, write_handler handler) = 0;
  virtual void close() = 0;

  virtual boost::asio::any_io_executor executor() = 0;
  // "address:port" of the peer, formatted on demand (kept as an endpoint, not a string).
  std::string remote_address() const;
  virtual bool secure() const noexcept { return false; }
  virtual bool websocket() const noexcept { return false; }
  // The port the client connected to (the listener's), 0 if unknown.
  std::uint16_t local_port() const noexcept { return local_port_; }

 protected:
  template <class Socket>
  void set_remote(const Socket& socket) {
    boost::system::error_code ec;
    remote_ = socket.remote_endpoint(ec);
    known_remote_ = !ec;
    auto local = socket.local_endpoint(ec);
    if (!ec) local_port_ = local.port();
  }

 private:
  boost::asio::ip::tcp::endpoint remote_;
  std::uint16_t local_port_ = 0;
  bool known_remote_ = false;
};

enum class transport_kind { tcp, tls, websocket, websocket_tls };

const char* to_string(transport_kind kind) noexcept;

// Builds the transport for a freshly accepted socket. `tls` is required for the TLS kinds.
std::unique_ptr<transport> make_transport(transport_kind kind, worker_socket socket, worker& home,
                                          boost::asio::ssl::context* tls);

}  // namespace tether::mqtt
