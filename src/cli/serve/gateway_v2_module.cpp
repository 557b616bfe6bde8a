// The TTN v2 gateway connector (--gateway-v2-*): legacy gateways (TTN gateway connector C library,
// mp_pkt_fwd, The Things Gateway) log in with a gateway API key that has RIGHT_GATEWAY_LINK and
// exchange protobuf on connect, disconnect and {gateway}/up|status|down; their traffic goes to the hub.
// Gateway sessions are ephemeral and nothing is retained, so nothing is journaled.

#include "cli/serve/frontend_module.hpp"
#include "gateway/gateway_realm.hpp"
#include "gateway/ttnv2/format.hpp"

#include <memory>

namespace tether::cli {
namespace {

class gateway_v2_module final : public frontend_module {
 public:
  void add_flags(CLI::App& cmd) override {
    listen_.add_to(cmd, "Gateway API (TTN v2 connector protobuf)");
    flag(cmd, "gateway-v2-max-packet-size", max_packet_,
         "Largest MQTT packet sent to a v2 gateway (its firmware's read buffer less one byte); a downlink "
         "that would be larger fails with gateway_packet_too_large")
        ->check(CLI::Range(gateway::ttnv2::min_packet_limit, gateway::ttnv2::gateway_read_buffer - 1));
  }

  void build(serve_context& ctx) override {
    if (!listen_.any()) return;
    realm_setup setup{.revocable_credentials = true};
    setup.broker.max_packet_size = ctx.broker_defaults.max_packet_size;
    ctx.realms.add(std::make_unique<gateway::gateway_realm>(
                       ctx.keys, ctx.hub, std::make_unique<gateway::ttnv2::format>(max_packet_)),
                   setup, listen_);
  }

 private:
  listen_flags listen_{.prefix = "gateway-v2", .tcp = "0.0.0.0:1881"};
  std::size_t max_packet_ = gateway::ttnv2::gateway_read_buffer - 1;
};

}  // namespace

std::unique_ptr<frontend_module> make_gateway_v2_module() { return std::make_unique<gateway_v2_module>(); }

}  // namespace tether::cli
