#pragma once
// Accepts connections on one address and hands each to a worker (round-robin) as a connection of
// one broker, over one kind of transport.

#include "mqtt/broker.hpp"
#include "mqtt/transport.hpp"
#include "mqtt/worker_pool.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <string>

namespace tether::mqtt {

// "HOST:PORT" (IPv6 as "[::1]:1883"); throws std::invalid_argument on a malformed value.
boost::asio::ip::tcp::endpoint parse_endpoint(const std::string& host_port);

class listener {
 public:
  // Binds at once; throws boost::system::system_error when the address is taken.
  // `tls` is required for the TLS kinds and must outlive the listener.
  listener(worker_pool& workers, broker& target, const boost::asio::ip::tcp::endpoint& endpoint,
           std::string label, transport_kind kind = transport_kind::tcp,
           boost::asio::ssl::context* tls = nullptr);

  void start();
  boost::asio::ip::tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }
  bool is_open() const { return acceptor_.is_open(); }

 private:
  boost::asio::awaitable<void> accept_loop();

  worker_pool& workers_;
  broker& broker_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::string label_;
  transport_kind kind_;
  boost::asio::ssl::context* tls_;
};

}  // namespace tether::mqtt
