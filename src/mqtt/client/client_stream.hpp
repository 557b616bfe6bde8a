#pragma once
// The secure and WebSocket layers the MQTT client can run over a connected TCP socket: TLS (the
// broker's certificate verified against the system's CAs or a given CA file, and its host name
// checked, SNI sent), WebSocket (HTTP upgrade, subprotocol "mqtt", binary frames) and WebSocket over
// TLS. Plain TCP uses no layer: the client reads and writes its socket directly, so the load
// generator's path costs nothing more. MQTT packets may span WebSocket frames or share one; the
// client reassembles them from the byte stream either way.

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace tether::mqtt {

// How the client talks to the broker once TCP is connected.
struct client_transport {
  enum class kind : std::uint8_t { tcp, tls, websocket, websocket_tls };
  kind type = kind::tcp;
  std::string host;            // for SNI, the certificate's name check and the WebSocket Host header
  std::string path = "/mqtt";  // WebSocket request target
  std::string ca_file;         // PEM; empty: the system's CAs
  bool tls() const noexcept { return type == kind::tls || type == kind::websocket_tls; }
};

class client_stream {
 public:
  using handler = std::function<void(const boost::system::error_code&, std::size_t)>;
  virtual ~client_stream() = default;
  // TLS handshake and/or WebSocket upgrade over the connected socket.
  virtual void handshake(std::function<void(const boost::system::error_code&)> done) = 0;
  virtual void read_some(boost::asio::mutable_buffer buffer, handler done) = 0;
  // Writes all of `buffer` (alive until `done` runs).
  virtual void write(boost::asio::const_buffer buffer, handler done) = 0;
};

// A layer over `socket` (which must outlive it); throws boost::system::system_error when the CA file
// cannot be loaded. Never called for kind::tcp.
std::unique_ptr<client_stream> make_client_stream(boost::asio::ip::tcp::socket& socket,
                                                  const client_transport& transport);

}  // namespace tether::mqtt
