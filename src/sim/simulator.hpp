#pragma once
// Runs one simulation on a single-threaded io_context: G gateway clients speaking TTS v3 protobuf, one
// application client reading the JSON events, and D devices behind the gateways. OTAA devices join
// first (join-accepts come back on the gateways' down topics); then uplinks are paced at the
// configured rate, each heard by several gateways, and the application side checks them in a ledger.
// Every downlink a gateway gets is acknowledged (TxAck) and checked against the receive windows of the
// device it is for; with --downlink-rate the application also pushes downlinks, the devices decrypt
// them, and a second ledger matches pushes, device receptions and down/* events. Class A: a device
// then waits after each uplink until the network answered it (or plainly did not) before sending again,
// and devices with downlinks still queued keep sending uplinks after the planned ones.

#include "lorawan/band/frequency_plan.hpp"
#include "lorawan/crypto/crypto_context.hpp"
#include "mqtt/client/client.hpp"
#include "sim/application_event.hpp"
#include "sim/downlink_ledger.hpp"
#include "sim/pacer.hpp"
#include "sim/provisioner.hpp"
#include "sim/radio_model.hpp"
#include "sim/receive_windows.hpp"
#include "sim/report.hpp"
#include "sim/sim_options.hpp"
#include "sim/uplink_ledger.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <deque>
#include <optional>

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
  // A frame a device sent recently, so a downlink's concentrator time can be matched to its windows.
  struct recent_frame {
    std::uint32_t us = 0;  // the sim's concentrator clock at RX end; gateway g adds its offset
    sent_frame frame;
    sim_clock::time_point at;
  };
  struct device_radio {
    std::deque<recent_frame> recent;  // oldest first, pruned by age
    // Class A pacing (with downlinks): no new uplink before this time.
    sim_clock::time_point quiet_until;
    std::optional<std::uint32_t> awaiting_f_cnt;  // the uplink whose answer the device waits for
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
  void on_join_accept(std::size_t g, const network::downlink_tx& tx);
  void on_data_downlink(std::size_t g, const network::downlink_tx& tx);
  void on_downlink_event(const application_event& event);
  bool try_join(std::size_t device, const lorawan::bytes& phy);
  void check_window(std::size_t device, std::size_t g, const network::tx_settings& scheduled);

  void start_joins();
  void join_tick();
  void send_join(std::size_t device);
  void start_uplinks();
  void uplink_tick();
  bool send_uplink();
  bool send_uplink_from(std::size_t device);
  bool may_send(std::size_t device, sim_clock::time_point now) const;
  void push_downlinks(sim_clock::duration elapsed);
  void push_downlink(std::size_t device);
  bool owes_uplink(std::size_t device) const;
  void start_drain();
  void drain_tick();
  void finish();

  void transmit(std::size_t device, const lorawan::bytes& phy, std::vector<std::uint64_t>* heard_at,
                bool join_request);
  std::uint32_t sim_us() const;
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

  bool downlinks_on_ = false;  // --downlink-rate above 0: devices keep Class A pacing
  std::vector<device_radio> radios_;
  std::unordered_multimap<std::uint32_t, std::size_t> by_dev_addr_;
  pacer downlink_pacer_;
  std::size_t next_downlink_device_ = 0;
  bool draining_ = false;
  bool connection_lost_ = false;  // no extra uplinks then
  downlink_ledger downlink_ledger_;
};

}  // namespace tether::sim
