#include "cli/serve/realm_host.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>

#include <stdexcept>

namespace tether::cli {
namespace {

bool is_secure(mqtt::transport_kind kind) {
  return kind == mqtt::transport_kind::tls || kind == mqtt::transport_kind::websocket_tls;
}

std::string bind_failure(const std::string& flag_name, const std::string& address, unsigned short port,
                         const boost::system::error_code& ec) {
  const std::string where = "--" + flag_name + " " + address + ": cannot listen: ";
  if (ec == boost::asio::error::address_in_use) {
    return where + "port " + std::to_string(port) + " is already in use";
  }
  return where + ec.message() + " (port " + std::to_string(port) + ")";
}

}  // namespace

realm_host::realm_host(mqtt::worker_pool& workers, storage::mqtt_state_store& mqtt_state, mqtt::tls_files tls)
    : workers_(workers), mqtt_state_(mqtt_state), tls_files_(std::move(tls)) {}

mqtt::broker& realm_host::add(std::unique_ptr<mqtt::realm> realm, const realm_setup& setup,
                              const listen_flags& where) {
  const std::string label(realm->name());
  realms_.push_back(std::move(realm));
  auto* journal = setup.journaled ? &mqtt_state_.journal_for(label) : nullptr;
  brokers_.push_back(std::make_unique<mqtt::broker>(*realms_.back(), setup.broker, workers_.size(),
                                                    workers_.system().context().get_executor(), journal));
  auto& b = *brokers_.back();
  if (setup.journaled) b.restore(mqtt_state_.load(label));
  if (setup.revocable_credentials) revocable_.push_back(&b);
  open(b, where.prefix + "-listen", where.tcp, mqtt::transport_kind::tcp);
  open(b, where.prefix + "-tls-listen", where.tls, mqtt::transport_kind::tls);
  open(b, where.prefix + "-ws-listen", where.ws, mqtt::transport_kind::websocket);
  open(b, where.prefix + "-wss-listen", where.wss, mqtt::transport_kind::websocket_tls);
  return b;
}

void realm_host::open(mqtt::broker& target, const std::string& flag_name, const std::string& address,
                      mqtt::transport_kind kind) {
  if (address.empty()) return;
  boost::asio::ip::tcp::endpoint endpoint;
  try {
    endpoint = mqtt::parse_endpoint(address);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error("--" + flag_name + ": " + e.what());
  }
  boost::asio::ssl::context* tls = nullptr;
  if (is_secure(kind)) {
    tls = tls_context(flag_name, address);
    if (!tls) return;  // warned
  }
  try {
    listeners_.push_back(std::make_unique<mqtt::listener>(workers_, target, endpoint,
                                                          std::string(target.owner().name()), kind, tls));
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error(bind_failure(flag_name, address, endpoint.port(), e.code()));
  }
}

boost::asio::ssl::context* realm_host::tls_context(const std::string& flag_name, const std::string& address) {
  if (tls_files_.certificate_chain.empty() || tls_files_.private_key.empty()) {
    spdlog::warn("--{} {} not opened: TLS listeners need --tls-cert and --tls-key", flag_name, address);
    return nullptr;
  }
  if (!tls_) tls_ = mqtt::make_server_tls_context(tls_files_);
  return tls_.get();
}

void realm_host::start(const std::string& version) {
  for (auto& b : brokers_) {
    boost::asio::post(workers_.system().context(), [&b, version] { b->start_sys_topics(version); });
  }
  for (auto& l : listeners_) l->start();
}

std::vector<mqtt::broker*> realm_host::brokers() const {
  std::vector<mqtt::broker*> out;
  for (const auto& b : brokers_) out.push_back(b.get());
  return out;
}

std::size_t realm_host::open_listener_count() const {
  std::size_t open = 0;
  for (const auto& l : listeners_) open += l->is_open() ? 1 : 0;
  return open;
}

void realm_host::disconnect_revoked(registry::key_authenticator& keys) {
  for (auto* b : revocable_) {
    const auto closed = b->disconnect_if(
        [&](const mqtt::principal& who) {
          return !who.credential_id.empty() && !keys.is_active(who.credential_id);
        },
        "its API key was revoked");
    if (closed) spdlog::info("[{}] registry changed: disconnecting {} client(s)", b->owner().name(), closed);
  }
}

}  // namespace tether::cli
