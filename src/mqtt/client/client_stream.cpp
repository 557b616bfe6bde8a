#include "mqtt/client/client_stream.hpp"

#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <utility>

namespace tether::mqtt {
namespace asio = boost::asio;
namespace ssl = asio::ssl;
namespace websocket = boost::beast::websocket;
using boost::system::error_code;
using tcp = asio::ip::tcp;

namespace {

std::unique_ptr<ssl::context> make_context(const client_transport& t) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                   ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  if (t.ca_file.empty()) {
    ctx->set_default_verify_paths();
  } else {
    ctx->load_verify_file(t.ca_file);
  }
  ctx->set_verify_mode(ssl::verify_peer);
  return ctx;
}

// SNI, and OpenSSL's own name check (an IP address matched against the certificate's IP SANs, a
// name against its DNS names), before the handshake starts.
error_code prepare(SSL* ssl, const std::string& host) {
  error_code ec;
  asio::ip::make_address(host, ec);
  bool is_address = !ec;
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  int ok = is_address ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str())
                      : X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
  if (ok == 1 && !is_address) ok = static_cast<int>(SSL_set_tlsext_host_name(ssl, host.c_str()));
  if (ok != 1) return make_error_code(boost::system::errc::invalid_argument);
  return {};
}

class tls_stream final : public client_stream {
 public:
  tls_stream(tcp::socket& socket, const client_transport& t)
      : context_(make_context(t)), stream_(socket, *context_), host_(t.host) {}
  void handshake(std::function<void(const error_code&)> done) override {
    if (auto ec = prepare(stream_.native_handle(), host_)) return done(ec);
    stream_.async_handshake(ssl::stream_base::client, std::move(done));
  }
  void read_some(asio::mutable_buffer b, handler done) override {
    stream_.async_read_some(b, std::move(done));
  }
  void write(asio::const_buffer b, handler done) override { asio::async_write(stream_, b, std::move(done)); }

 private:
  std::unique_ptr<ssl::context> context_;
  ssl::stream<tcp::socket&> stream_;
  std::string host_;
};

template <class Next>
class ws_stream final : public client_stream {
 public:
  template <class... Args>
  ws_stream(const client_transport& t, Args&&... next) : ws_(std::forward<Args>(next)...), t_(t) {
    ws_.binary(true);
    ws_.auto_fragment(false);
    ws_.set_option(websocket::stream_base::decorator([](websocket::request_type& req) {
      req.set(boost::beast::http::field::sec_websocket_protocol, "mqtt");
    }));
  }
  void handshake(std::function<void(const error_code&)> done) override {
    if constexpr (std::is_same_v<Next, tcp::socket&>) {
      upgrade(std::move(done));
    } else {
      if (auto ec = prepare(ws_.next_layer().native_handle(), t_.host)) return done(ec);
      ws_.next_layer().async_handshake(ssl::stream_base::client,
                                       [this, done = std::move(done)](const error_code& ec) mutable {
                                         if (ec) return done(ec);
                                         upgrade(std::move(done));
                                       });
    }
  }
  void read_some(asio::mutable_buffer b, handler done) override { ws_.async_read_some(b, std::move(done)); }
  void write(asio::const_buffer b, handler done) override { ws_.async_write(b, std::move(done)); }

 private:
  void upgrade(std::function<void(const error_code&)> done) {
    ws_.async_handshake(response_, t_.host, t_.path.empty() ? "/" : t_.path,
                        [this, done = std::move(done)](const error_code& ec) {
                          if (ec) return done(ec);
                          auto proto = response_[boost::beast::http::field::sec_websocket_protocol];
                          // A broker that picks no subprotocol is accepted (several do); another is not.
                          if (!proto.empty() && proto != "mqtt")
                            return done(make_error_code(boost::system::errc::protocol_not_supported));
                          done({});
                        });
  }

  websocket::stream<Next> ws_;
  client_transport t_;
  websocket::response_type response_;
};

class wss_stream_owner {
 protected:
  wss_stream_owner(const client_transport& t) : context_(make_context(t)) {}
  std::unique_ptr<ssl::context> context_;
};

// The TLS context must be built before the stream that refers to it: a base class holds it.
class wss_stream final : private wss_stream_owner, public client_stream {
 public:
  wss_stream(tcp::socket& socket, const client_transport& t)
      : wss_stream_owner(t), inner_(t, socket, *context_) {}
  void handshake(std::function<void(const error_code&)> done) override { inner_.handshake(std::move(done)); }
  void read_some(asio::mutable_buffer b, handler done) override { inner_.read_some(b, std::move(done)); }
  void write(asio::const_buffer b, handler done) override { inner_.write(b, std::move(done)); }

 private:
  ws_stream<ssl::stream<tcp::socket&>> inner_;
};

}  // namespace

std::unique_ptr<client_stream> make_client_stream(tcp::socket& socket, const client_transport& t) {
  switch (t.type) {
    case client_transport::kind::tls:
      return std::make_unique<tls_stream>(socket, t);
    case client_transport::kind::websocket:
      return std::make_unique<ws_stream<tcp::socket&>>(t, socket);
    case client_transport::kind::websocket_tls:
      return std::make_unique<wss_stream>(socket, t);
    case client_transport::kind::tcp:
      break;
  }
  return nullptr;
}

}  // namespace tether::mqtt
