// The application API in The Things Stack's JSON (--application-*): applications log in with an
// API key and get their devices' events from the bus; persistent sessions are journaled.

#include "application/bus.hpp"
#include "application/ttsv3/application_realm.hpp"
#include "cli/serve/frontend_module.hpp"

#include <memory>

namespace tether::cli {
namespace {

class application_module final : public frontend_module {
 public:
  void add_flags(CLI::App& cmd) override { listen_.add_to(cmd, "Application API (The Things Stack JSON)"); }

  void build(serve_context& ctx) override {
    if (!listen_.any()) return;
    auto realm = std::make_unique<application::ttsv3::application_realm>(ctx.keys, ctx.bus);
    auto& frontend = *realm;
    ctx.realms.add(std::move(realm),
                   {.broker = ctx.broker_defaults, .journaled = true, .revocable_credentials = true},
                   listen_);
    ctx.bus.attach(frontend);
  }

 private:
  listen_flags listen_{.prefix = "application", .tcp = "0.0.0.0:1883", .tls = "0.0.0.0:8883"};
};

}  // namespace

std::unique_ptr<frontend_module> make_application_module() { return std::make_unique<application_module>(); }

}  // namespace tether::cli
