// The IoT platform API in the style of IBM's Watson IoT Platform (--iot-*): devices, gateways and
// applications of the organisations in the IoT registry (`tether iot ...`). Persistent sessions are
// journaled, so QoS 1 commands queued for an offline device survive a restart; payloads over
// 131,072 bytes close the connection (close code 287), as on the platform. Device management (spec A3)
// runs on a thread of its own over the same registry.

#include "cli/serve/frontend_module.hpp"
#include "cli/serve/serve_flags.hpp"
#include "iotp/dm_service.hpp"
#include "iotp/iot_realm.hpp"
#include "iotp/registry_directory.hpp"

#include <memory>

namespace tether::cli {
namespace {

constexpr std::size_t max_payload = 131'072;               // spec A1
constexpr std::size_t max_topic_and_header = 65'536 + 16;  // the packet may carry a topic of up to 64 KiB

class iot_module final : public frontend_module {
 public:
  void add_flags(CLI::App& cmd) override {
    listen_.add_to(cmd, "IoT platform API (Watson IoT style)");
    flag(cmd, "iot-registration-mute", mute_seconds_,
         "Seconds a device stays muted after its auto-registration by a gateway failed");
    flag(cmd, "iot-dm-min-lifetime", min_lifetime_,
         "Shortest device management lifetime other than 0, in seconds (3600 on the platform)");
  }

  void build(serve_context& ctx) override {
    if (!listen_.any()) return;
    if (mute_seconds_ < 0) throw CLI::ValidationError("--iot-registration-mute", "must not be negative");
    directory_ = std::make_unique<iotp::registry_directory>(ctx.database_path);
    iotp::realm_options options;
    options.registration.mute = std::chrono::seconds(mute_seconds_);
    auto realm = std::make_unique<iotp::iot_realm>(*directory_, options);
    if (min_lifetime_ < 1) throw CLI::ValidationError("--iot-dm-min-lifetime", "must be at least 1");
    iotp::dm_service_options dm;
    dm.handler.min_lifetime = min_lifetime_;
    realm->set_device_management(std::make_unique<iotp::dm_service>(ctx.database_path, dm));
    realm_ = realm.get();
    realm_setup setup{.broker = ctx.broker_defaults, .journaled = true};
    setup.broker.max_payload_size = max_payload;
    setup.broker.max_packet_size = max_payload + max_topic_and_header;
    broker_ = &ctx.realms.add(std::move(realm), setup, listen_);
  }

  void start() override {
    if (realm_) realm_->start(*broker_);
  }

  void stop() override {
    if (realm_) realm_->stop();
  }

 private:
  listen_flags listen_{.prefix = "iot", .tcp = "0.0.0.0:1884"};
  int mute_seconds_ = 60;
  std::int64_t min_lifetime_ = 3600;
  std::unique_ptr<iotp::directory> directory_;
  iotp::iot_realm* realm_ = nullptr;
  mqtt::broker* broker_ = nullptr;
};

}  // namespace

std::unique_ptr<frontend_module> make_iot_module() { return std::make_unique<iot_module>(); }

}  // namespace tether::cli
