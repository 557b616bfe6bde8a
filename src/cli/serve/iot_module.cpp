// The IoT platform API in the style of IBM's Watson IoT Platform (--iot-*): devices, gateways and
// applications of the organisations in the IoT registry (`tether iot ...`). Persistent sessions are
// journaled, so QoS 1 commands queued for an offline device survive a restart; payloads over
// 131,072 bytes close the connection (close code 287), as on the platform.

#include "cli/serve/frontend_module.hpp"
#include "cli/serve/serve_flags.hpp"
#include "http/exposition.hpp"
#include "http/tether_metrics.hpp"
#include "iotp/iot_realm.hpp"
#include "iotp/registry_directory.hpp"

#include <memory>

namespace tether::cli {
namespace {

constexpr std::size_t max_payload = 131'072;               // spec A1
constexpr std::size_t max_topic_and_header = 65'536 + 16;  // the packet may carry a topic of up to 64 KiB

std::uint64_t load(const std::atomic<std::uint64_t>& a) { return a.load(std::memory_order_relaxed); }

// The realm's own counts besides its broker's (those carry realm="iot" with every other realm's).
void write_iot_metrics(http::exposition& out, const iotp::iot_realm& realm,
                       const iotp::registry_directory& dir) {
  using http::metric_type;
  const auto& s = realm.stats();
  out.family("tether_iot_connects_total", metric_type::counter, "IoT platform logins by outcome");
  out.sample("tether_iot_connects_total", {{"outcome", "accepted"}}, load(s.connects));
  out.sample("tether_iot_connects_total", {{"outcome", "refused"}}, load(s.failed_connects));
  out.family("tether_iot_publishes_refused_total", metric_type::counter,
             "IoT platform publishes refused by the topic rules (each answered by a notify or a disconnect)");
  out.sample("tether_iot_publishes_refused_total", {}, load(s.refused_publishes));
  out.family("tether_iot_subscriptions_refused_total", metric_type::counter,
             "IoT platform subscriptions refused by the topic rules");
  out.sample("tether_iot_subscriptions_refused_total", {}, load(s.refused_subscribes));
  out.family("tether_iot_notifies_total", metric_type::counter, "Notify messages sent to clients");
  out.sample("tether_iot_notifies_total", {}, load(s.notifies));
  const auto& r = realm.registration_stats();
  out.family("tether_iot_auto_registrations_total", metric_type::counter,
             "Devices a gateway introduced, registered automatically, by outcome");
  out.sample("tether_iot_auto_registrations_total", {{"outcome", "registered"}}, load(r.registered));
  out.sample("tether_iot_auto_registrations_total", {{"outcome", "failed"}}, load(r.failed));
  out.family("tether_iot_drops_total", metric_type::counter, "IoT platform messages dropped, by reason");
  out.sample("tether_iot_drops_total", {{"reason", "registration_muted"}}, load(r.muted_drops));
  out.sample("tether_iot_drops_total", {{"reason", "registration_queue_full"}}, load(r.refused));
  out.sample("tether_iot_drops_total", {{"reason", "connection_record_dropped"}},
             dir.dropped_connection_records());
}

class iot_module final : public frontend_module {
 public:
  void add_flags(CLI::App& cmd) override {
    listen_.add_to(cmd, "IoT platform API (Watson IoT style)");
    flag(cmd, "iot-registration-mute", mute_seconds_,
         "Seconds a device stays muted after its auto-registration by a gateway failed");
  }

  void build(serve_context& ctx) override {
    if (!listen_.any()) return;
    if (mute_seconds_ < 0) throw CLI::ValidationError("--iot-registration-mute", "must not be negative");
    directory_ = std::make_unique<iotp::registry_directory>(ctx.database_path);
    iotp::realm_options options;
    options.registration.mute = std::chrono::seconds(mute_seconds_);
    auto realm = std::make_unique<iotp::iot_realm>(*directory_, options);
    realm_ = realm.get();
    realm_setup setup{.broker = ctx.broker_defaults, .journaled = true};
    setup.broker.max_payload_size = max_payload;
    setup.broker.max_packet_size = max_payload + max_topic_and_header;
    broker_ = &ctx.realms.add(std::move(realm), setup, listen_);
    ctx.metrics.add([this](http::exposition& out) { write_iot_metrics(out, *realm_, *directory_); });
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
  std::unique_ptr<iotp::registry_directory> directory_;
  iotp::iot_realm* realm_ = nullptr;
  mqtt::broker* broker_ = nullptr;
};

}  // namespace

std::unique_ptr<frontend_module> make_iot_module() { return std::make_unique<iot_module>(); }

}  // namespace tether::cli
