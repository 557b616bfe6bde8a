#pragma once
// What `tether serve` runs its frontends on: one broker per realm (its own namespace, sessions and,
// when journaled, durable state), the listeners that feed it over TCP, TLS, WebSocket and WSS, and
// the list of brokers whose clients hold API keys the registry can revoke. Frontend modules add
// their realms here; serve starts them all at once and disconnects revoked clients through it.
// A listener binds when it is added: an address that is taken or malformed throws
// std::runtime_error naming the flag, the address and the port, and serve exits with status 1.

#include "cli/serve/serve_flags.hpp"
#include "mqtt/broker.hpp"
#include "mqtt/listener.hpp"
#include "mqtt/tls_context.hpp"
#include "mqtt/worker_pool.hpp"
#include "registry/key_authenticator.hpp"
#include "storage/mqtt_state_store.hpp"

#include <memory>
#include <string>
#include <vector>

namespace tether::cli {

// How a realm's broker is set up.
struct realm_setup {
  mqtt::broker_options broker;
  // Persistent sessions, queued QoS 1/2 and retained messages are journaled and survive a restart.
  bool journaled = false;
  // Principals carry the id of an API key (principal::credential_id); clients whose key is revoked
  // or deleted are disconnected when the registry changes.
  bool revocable_credentials = false;
};

class realm_host {
 public:
  realm_host(mqtt::worker_pool& workers, storage::mqtt_state_store& mqtt_state, mqtt::tls_files tls);
  realm_host(const realm_host&) = delete;
  realm_host& operator=(const realm_host&) = delete;

  // Makes the realm's broker and opens its listeners (those of `where` that are not empty).
  mqtt::broker& add(std::unique_ptr<mqtt::realm> realm, const realm_setup& setup, const listen_flags& where);

  std::size_t listener_count() const { return listeners_.size(); }
  // Every realm's broker, in the order added (for /metrics and /readyz).
  std::vector<mqtt::broker*> brokers() const;
  // How many of the listeners are open (accepting).
  std::size_t open_listener_count() const;
  // Starts every broker's $SYS topics and every listener (each logs the address it listens on).
  void start(const std::string& version);
  // Closes the connections whose API key is no longer active, in every realm with revocable credentials.
  void disconnect_revoked(registry::key_authenticator& keys);

 private:
  void open(mqtt::broker& target, const std::string& flag_name, const std::string& address,
            mqtt::transport_kind kind);
  boost::asio::ssl::context* tls_context(const std::string& flag_name, const std::string& address);

  mqtt::worker_pool& workers_;
  storage::mqtt_state_store& mqtt_state_;
  mqtt::tls_files tls_files_;
  std::unique_ptr<boost::asio::ssl::context> tls_;  // made on first use: only TLS listeners need files
  std::vector<std::unique_ptr<mqtt::realm>> realms_;
  std::vector<std::unique_ptr<mqtt::broker>> brokers_;
  std::vector<mqtt::broker*> revocable_;
  std::vector<std::unique_ptr<mqtt::listener>> listeners_;
};

}  // namespace tether::cli
