#pragma once
// Runs one simulation on a single-threaded io_context: G gateway clients speaking TTS v3 protobuf, one
// application client reading the JSON events, and D devices behind the gateways. OTAA devices join
// first (join-accepts come back on the gateways' down topics); then uplinks are paced at the
// configured rate, each heard by several gateways, and the application side checks them in a ledger.

#include "lorawan/band/frequency_plan.hpp"
#include "lorawan/crypto/crypto_context.hpp"
#include "mqtt/client/client.hpp"
#include "sim/pacer.hpp"
#include "sim/provisioner.hpp"
#include "sim/radio_model.hpp"
#include "sim/report.hpp"
#include "sim/sim_options.hpp"
#include "sim/uplink_ledger.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace tether::sim {

class simulator {
 public:
  // Throws std::invalid_argument for an address that does not resolve or a plan without channels.
  simulator(sim_options o, provisioning p, lorawan::band::frequency_plan plan, std::uint64_t seed);
  simulator(const simulator&) = delete;
  simulator& operator=(const simulator&) = delete;
  ~simulator();

  // Blocks until the run is over.
  sim_report run();

 private:
  struct gateway_link {
    credentials cred;
    std::unique_ptr<mqtt::client> client;
    std::string up_topic, down_topic, ack_topic, status_topic;
    std::uint32_t clock_offset = 0;  // each concentrator counts from its own origin
    bool ready = false;
  };
  struct join_state {
    bool pending = false;
    std::size_t attempts = 0;
    sim_clock::time_point deadline;
  };

  void connect(std::unique_ptr<mqtt::client>& slot, const mqtt::client_options& co,
               const mqtt::tcp::endpoint& server, std::function<void()> on_connected);
  void start_application();
  void start_gateway(std::size_t g);
  void on_ready();
  void on_application_message(std::string_view topic, std::span<const std::uint8_t> payload);
  void on_downlink(std::size_t g, std::span<const std::uint8_t> payload);
  bool try_join(std::size_t device, const lorawan::bytes& phy);

  void start_joins();
  void join_tick();
  void send_join(std::size_t device);
  void start_uplinks();
  void uplink_tick();
  bool send_uplink();
  void start_drain();
  void drain_tick();
  void finish();

  void transmit(std::size_t device, const lorawan::bytes& phy, std::vector<std::uint64_t>* heard_at);
  std::uint32_t concentrator_us(std::size_t g) const;
  void record_error(std::string error);

  sim_options o_;
  provisioning p_;
  radio_model radio_;
  std::mt19937_64 rng_;
  lorawan::crypto_context crypto_;
  boost::asio::io_context io_;
  boost::asio::steady_timer tick_;
  boost::asio::steady_timer watchdog_;
  mqtt::tcp::endpoint gateway_server_, application_server_;

  std::vector<gateway_link> gateways_;
  std::unique_ptr<mqtt::client> application_;
  bool application_ready_ = false;
  bool started_ = false;
  bool finished_ = false;
  std::vector<std::unique_ptr<mqtt::client>> retired_;  // failed attempts; their handlers may still run
  std::size_t connect_attempts_ = 0;

  std::unordered_map<std::string, std::size_t> device_index_;
  std::vector<join_state> joins_;
  std::vector<std::size_t> join_queue_;
  std::size_t join_cursor_ = 0;
  std::unordered_map<std::uint64_t, std::size_t> join_heard_;  // (gateway << 32 | timestamp) -> device
  pacer join_pacer_;
  sim_clock::time_point phase_start_;

  pacer uplink_pacer_;
  std::vector<std::size_t> active_devices_;  // joined, in turn
  std::size_t next_device_ = 0;
  std::uint64_t frames_ = 0;
  sim_clock::time_point run_start_, first_send_, last_send_, last_receive_, drain_deadline_;
  lorawan::bytes payload_;

  uplink_ledger ledger_;
  sim_report report_;
};

}  // namespace tether::sim
