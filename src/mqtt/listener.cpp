#include "mqtt/listener.hpp"

#include "mqtt/connection.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <stdexcept>

namespace tether::mqtt {

namespace asio = boost::asio;

asio::ip::tcp::endpoint parse_endpoint(const std::string& host_port) {
  auto colon = host_port.rfind(':');
  if (colon == std::string::npos || colon + 1 == host_port.size()) {
    throw std::invalid_argument("expected HOST:PORT, got '" + host_port + "'");
  }
  auto host = host_port.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  if (host == "localhost") host = "127.0.0.1";
  unsigned long port = 0;
  try {
    std::size_t used = 0;
    port = std::stoul(host_port.substr(colon + 1), &used);
    if (used != host_port.size() - colon - 1 || port > 65535) throw std::out_of_range("port");
  } catch (const std::exception&) {
    throw std::invalid_argument("invalid port in '" + host_port + "'");
  }
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) throw std::invalid_argument("invalid address in '" + host_port + "'");
  return {address, static_cast<unsigned short>(port)};
}

listener::listener(worker_pool& workers, broker& target, const asio::ip::tcp::endpoint& endpoint,
                   std::string label, transport_kind kind, asio::ssl::context* tls)
    : workers_(workers),
      broker_(target),
      acceptor_(workers.system().context()),
      label_(std::move(label)),
      kind_(kind),
      tls_(tls) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::ip::tcp::acceptor::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
}

void listener::start() {
  spdlog::info("{} listening on {}:{} ({})", label_, acceptor_.local_endpoint().address().to_string(),
               acceptor_.local_endpoint().port(), to_string(kind_));
  asio::co_spawn(acceptor_.get_executor(), accept_loop(), asio::detached);
}

asio::awaitable<void> listener::accept_loop() {
  for (;;) {
    auto& home = workers_.next();
    boost::system::error_code ec;
    auto socket =
        co_await acceptor_.async_accept(home.context(), asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted) co_return;
    if (ec) {
      // Out of file descriptors and the like: log, back off briefly, keep serving.
      spdlog::warn("{}: accept failed: {}", label_, ec.message());
      asio::steady_timer pause(acceptor_.get_executor(), std::chrono::milliseconds(100));
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    // The connection must start on its own worker's thread.
    asio::post(home.context(), [&home, this, s = std::move(socket)]() mutable {
      std::make_shared<connection>(home, broker_, make_transport(kind_, std::move(s), home, tls_))->start();
    });
  }
}

}  // namespace tether::mqtt
