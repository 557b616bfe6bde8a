#pragma once
// The IoT platform realm (Watson IoT style, spec A1/A2/A4): devices `d:`, gateways `g:` and
// applications `a:`/`A:` in one broker, each organisation under its own prefix of the broker's
// namespace ("{org}/", principal::topic_map), so that orgs never see each other's topics. A device's
// short topics (`iot-2/evt/...`, `iot-2/cmd/...`, `iotdm-1/...`, `iotdevice-1/...`) map onto its full
// name (`iot-2/type/T/id/D/...`), which is what applications and gateways see.
//
// The realm publishes `mon` status messages for every client, `notify` messages to gateways whose
// publish or subscribe it refused, and registers the devices privileged gateways speak for (see
// registrar). Registry reads come from the directory's cache; registrations and the registry poll
// run on a service thread of the realm's own.

#include "core/log_limiter.hpp"
#include "iotp/directory.hpp"
#include "iotp/iot_principal.hpp"
#include "iotp/registrar.hpp"
#include "iotp/topics.hpp"
#include "mqtt/realm.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <thread>

namespace tether::mqtt {
class broker;
}

namespace tether::iotp {

// Close codes of the platform (A1) that the realm uses.
namespace close_code {
inline constexpr int normal = 0;
inline constexpr int socket_closed = 91;
inline constexpr int admin_closed = 94;
inline constexpr int invalid_data = 105;
inline constexpr int keep_alive = 160;
inline constexpr int invalid_client_id = 166;
inline constexpr int not_authorized = 180;
inline constexpr int invalid_topic = 276;
inline constexpr int too_large = 287;
inline constexpr int client_id_reused = 288;
}  // namespace close_code

// RC values of notify messages: HTTP-like, our own choice (A2 gives none). README lists them.
namespace notify_rc {
inline constexpr int invalid_topic = 400;   // the topic is none of the platform's
inline constexpr int not_allowed = 403;     // a platform topic a gateway may not use, or a device not its own
inline constexpr int unknown_device = 404;  // a standard gateway named an unregistered device
inline constexpr int invalid_device = 422;  // registration refused: bad type or device ID
inline constexpr int limit_reached = 429;   // registration queue, held messages or device limit
inline constexpr int registration_failed = 500;
}  // namespace notify_rc

struct realm_options {
  registrar_limits registration;
  std::chrono::milliseconds poll_interval{200};  // registry changes: deleted devices, revoked keys
};

struct realm_stats {
  std::atomic<std::uint64_t> connects{0};
  std::atomic<std::uint64_t> failed_connects{0};
  std::atomic<std::uint64_t> refused_publishes{0};
  std::atomic<std::uint64_t> refused_subscribes{0};
  std::atomic<std::uint64_t> notifies{0};
};

class iot_realm final : public mqtt::realm {
 public:
  iot_realm(directory& dir, realm_options options);
  ~iot_realm() override;

  std::string_view name() const override { return "iot"; }
  mqtt::auth_result authenticate(const mqtt::connect_request& request) override;
  bool authorize_publish(const mqtt::principal& who, std::string_view topic) override;
  mqtt::subscribe_decision authorize_subscribe(const mqtt::principal& who, std::string_view filter) override;
  bool checks_reads() const override { return true; }
  bool authorize_read(const mqtt::principal& who, std::string_view topic) override;
  mqtt::publish_action on_publish(const mqtt::principal& who, const mqtt::message& msg) override;
  void on_connect(const mqtt::principal& who) override;
  void on_closed(const mqtt::principal& who, const mqtt::disconnect_info& info) override;
  bool counts_traffic() const override { return true; }
  bool keeps_retain_flag() const override { return false; }
  mqtt::refusal_action on_refused(const mqtt::principal& who) override;

  // Starts the service thread's registry poll: clients whose device, gateway, org or key is gone
  // are disconnected from `target` (this realm's broker).
  void start(mqtt::broker& target);
  // Stops the service thread (before the broker goes).
  void stop();

  const realm_stats& stats() const noexcept { return stats_; }
  const registrar_stats& registration_stats() const noexcept { return registrar_.stats(); }

 private:
  mqtt::auth_result refuse(const mqtt::connect_request& request, const client_identity* id,
                           mqtt::codec::connack_code code, std::string reason);
  std::shared_ptr<iot_principal> make_principal(const mqtt::connect_request& request, client_identity id);
  void publish_status(const iot_principal& who, std::string_view action, bool retained, int code,
                      std::string_view reason, const mqtt::disconnect_info* info);
  void notify(const iot_principal& gateway, std::string_view request, std::string_view topic,
              const topic_parts* parts, int rc, std::string_view message);
  // A gateway's publish or subscribe naming (type, id): whether it may go on, notifying when not.
  bool gateway_may_use(const iot_principal& gw, std::string_view request, std::string_view topic,
                       const topic_decision& d);
  bool may_act_for(const iot_principal& gw, const device_ref& device);
  void registration_done(const device_ref& device, const std::string& gateway_client,
                         registration_result result, std::vector<mqtt::message_ptr> held);
  void poll(mqtt::broker& target);
  void log_muted_drop(const device_ref& device);

  directory& dir_;
  realm_options options_;
  realm_stats stats_;
  boost::asio::io_context service_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> service_work_;
  boost::asio::steady_timer poll_timer_;
  registrar registrar_;
  std::int64_t seen_version_ = -1;
  std::mutex log_mutex_;
  core::log_limiter muted_log_;
  std::atomic<std::uint64_t> next_shared_{0};  // session IDs of `A:` connections without an instance
  std::thread service_thread_;
};

}  // namespace tether::iotp
