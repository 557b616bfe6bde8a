// The gateway API of The Things Stack v3 (--gateway-v3-*): gateways log in with an API key that has
// RIGHT_GATEWAY_LINK and exchange protobuf on v3/{gateway}/...; their traffic goes to the hub.
// Gateway sessions are ephemeral and nothing is retained, so nothing is journaled.

#include "cli/serve/frontend_module.hpp"
#include "gateway/gateway_realm.hpp"
#include "gateway/ttsv3/format.hpp"

#include <memory>

namespace tether::cli {
namespace {

class gateway_v3_module final : public frontend_module {
 public:
  void add_flags(CLI::App& cmd) override {
    listen_.add_to(cmd, "Gateway API (The Things Stack v3 protobuf)");
  }

  void build(serve_context& ctx) override {
    if (!listen_.any()) return;
    realm_setup setup{.revocable_credentials = true};
    setup.broker.max_packet_size = ctx.broker_defaults.max_packet_size;
    ctx.realms.add(std::make_unique<gateway::gateway_realm>(ctx.keys, ctx.hub,
                                                            std::make_unique<gateway::ttsv3::format>()),
                   setup, listen_);
  }

 private:
  listen_flags listen_{.prefix = "gateway-v3", .tcp = "0.0.0.0:1882", .tls = "0.0.0.0:8882"};
};

}  // namespace

std::unique_ptr<frontend_module> make_gateway_v3_module() { return std::make_unique<gateway_v3_module>(); }

}  // namespace tether::cli
