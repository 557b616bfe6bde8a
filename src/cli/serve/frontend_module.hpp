#pragma once
// A frontend of `tether serve` (the plain broker, the gateway API of one protocol, the application
// API, ...) as one module: it adds its own flags to the command, and once the core is built it
// builds its realm(s) and listeners from the shared serve_context. serve iterates the list in
// frontend_modules.cpp; adding a frontend is one module file and one line in that list.

#include "cli/serve/realm_host.hpp"

#include <CLI/CLI.hpp>

#include <string>

namespace tether::application {
class bus;
}
namespace tether::gateway {
class hub;
}
namespace tether::network {
class server;
}
namespace tether::storage {
class event_log;
}
namespace tether::http {
struct core_measures;
class metric_writers;
}  // namespace tether::http

namespace tether::cli {

// What every module builds from; everything here outlives the modules' realms and listeners.
struct serve_context {
  mqtt::worker_pool& workers;
  std::string database_path;
  storage::mqtt_state_store& mqtt_state;
  registry::key_authenticator& keys;  // API keys of gateways and applications
  gateway::hub& hub;                  // where gateway frontends hand uplinks and get downlinks
  application::bus& bus;              // where application frontends get events and hand downlinks
  storage::event_log& event_log;      // the durable event stream the bus appends to (connectors read it)
  network::server& network;
  mqtt::tls_files tls;                   // --tls-cert, --tls-key, --tls-ca
  mqtt::broker_options broker_defaults;  // --mqtt-max-*: limits every realm's broker starts from
  realm_host& realms;                    // add a realm here: its broker, listeners, revocation
  const http::core_measures& measures;   // latency and group-commit histograms, for /metrics
  http::metric_writers& metrics;         // a frontend's own counters for /metrics: add a writer in build()
};

class frontend_module {
 public:
  virtual ~frontend_module() = default;
  // Called once, when the command is declared; the values are read in build().
  virtual void add_flags(CLI::App& cmd) = 0;
  // Called once, after the core is built and before anything runs. A module whose listeners are all
  // off builds nothing. Realms go to ctx.realms; anything else the module makes it keeps itself.
  virtual void build(serve_context& ctx) = 0;
  // Called once everything is built and the listeners are open, before the workers run (timers,
  // outbound connections).
  virtual void start() {}
  // Called once when serve ends (after the workers stopped, or when a module failed to build), while
  // the context still lives: flush, and release whatever refers to the context. Must not throw, and
  // must do nothing for a module that built nothing.
  virtual void stop() {}
};

}  // namespace tether::cli
