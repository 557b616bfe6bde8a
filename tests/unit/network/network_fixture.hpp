#pragma once
// Scenario fixture for the network core (ChirpStack's test/class_a_test.rs style): a real registry
// database, real crypto and frame builders, gateways feeding gateway_uplinks, and recording doubles
// of the two outbound interfaces (events to applications, downlinks to gateways).

#include "lorawan/crypto/crypto_context.hpp"
#include "lorawan/frame/frames.hpp"
#include "lorawan/secure_frame.hpp"
#include "network/downlinks.hpp"
#include "network/events.hpp"
#include "network/radio.hpp"
#include "network/server.hpp"
#include "network/session_persistence.hpp"
#include "registry/application_store.hpp"
#include "registry/device_store.hpp"
#include "storage/migrations.hpp"
#include "storage/paths.hpp"
#include "storage/sqlite.hpp"
#include "test_persistence.hpp"

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

namespace tether::network::test {

inline core::aes_key key_of(std::uint8_t fill) {
  core::aes_key k;
  k.bytes.fill(fill);
  return k;
}
inline core::eui64 eui_of(std::uint64_t v) {
  core::eui64 e;
  for (std::size_t i = 0; i < 8; ++i) e.bytes[i] = static_cast<std::uint8_t>(v >> (8 * (7 - i)));
  return e;
}
inline core::dev_addr addr_of(std::uint32_t v) { return to_dev_addr(v); }
inline bytes text(std::string_view s) { return bytes(s.begin(), s.end()); }

class recording_events : public event_sink {
 public:
  void on_join(const join_event& e) override {
    std::lock_guard lock(mutex_);
    joins.push_back(e);
  }
  void on_uplink(const uplink_event& e) override {
    std::lock_guard lock(mutex_);
    uplinks.push_back(e);
  }
  void on_downlink(const downlink_event& e) override {
    std::lock_guard lock(mutex_);
    downlinks.push_back(e);
  }
  std::vector<join_event> joins;
  std::vector<uplink_event> uplinks;
  std::vector<downlink_event> downlinks;

 private:
  std::mutex mutex_;
};

class recording_downlinks : public downlink_sink {
 public:
  send_outcome send_downlink(const downlink_tx& tx) override {
    std::lock_guard lock(mutex_);
    offered.push_back(tx);
    if (const auto it = max_frame.find(tx.gateway_id);
        it != max_frame.end() && tx.raw_payload.size() > it->second)
      return send_outcome{
          send_refusal{"gateway_packet_too_large", "larger than " + tx.gateway_id + " reads"}};
    const bool ok = offered.size() > refuse_first_n && accepted_count < accept_first_n;
    if (ok) {
      ++accepted_count;
      sent.push_back(tx);
    }
    return ok ? answer : send_result::not_connected;
  }
  // What an accepting gateway says: a TxAck follows (TTS v3), or sent at once (TTN v2, UDP without TX_ACK).
  send_result answer = send_result::awaiting_tx_ack;
  std::size_t accept_first_n = 1000;  // the gateway refuses later offers (e.g. 0: RX1 and RX2 fail)
  std::size_t refuse_first_n = 0;     // the gateway refuses the first offers (e.g. 1: RX1 fails)
  std::size_t accepted_count = 0;
  // Gateways that refuse for good every frame (PHYPayload) over this many bytes, as TTN v2 gateways do.
  std::map<std::string, std::size_t> max_frame;
  std::vector<downlink_tx> offered;
  std::vector<downlink_tx> sent;

 private:
  std::mutex mutex_;
};

struct gateway_copy {
  std::string gateway_id;
  float snr = 5;
  float rssi = -80;
  std::uint32_t timestamp = 1'000'000;
};

class network_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tether-network-" + std::to_string(std::random_device{}()) + "-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    db_ = std::make_unique<storage::database>(db_path());
    storage::migrate(*db_);
    registry::application_store apps(*db_);
    ASSERT_TRUE(apps.create({"app1", "App", 0}));
    persistence_ = make_test_persistence(db_path());
    options_.dedup_window = std::chrono::milliseconds(30);
    // Scenarios feed repetitions back to back, faster than a device could: no cooldown unless a test
    // sets one (overload_order_test.cpp).
    options_.dedup_cooldown = std::chrono::milliseconds(0);
  }
  void TearDown() override {
    server_.reset();
    persistence_.reset();
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string db_path() const { return storage::database_path(dir_).string(); }

  void start(std::size_t shards = 3) {
    options_.shard_count = shards;
    server_ =
        std::make_unique<server>(options_, std::vector<boost::asio::any_io_executor>{io_.get_executor()},
                                 db_path(), *persistence_, events_, downlinks_);
    run();
  }
  // Tears the server down and builds it again on the same database (a restart).
  void restart() {
    run();
    server_.reset();
    persistence_->sync();
    persistence_.reset();
    persistence_ = make_test_persistence(db_path());
    start(options_.shard_count);
  }

  void run() {
    io_.restart();
    io_.run();
  }

  registry::end_device otaa_device(std::string id, std::uint64_t dev_eui, std::uint8_t key_fill,
                                   std::string version = "1.0.3") {
    registry::end_device d;
    d.application_id = "app1";
    d.device_id = std::move(id);
    d.activation = registry::activation_mode::otaa;
    d.dev_eui = eui_of(dev_eui);
    d.join_eui = eui_of(0x70B3D57ED0000001);
    d.app_key = key_of(key_fill);
    d.lorawan_version = std::move(version);
    return d;
  }
  registry::end_device abp_device(std::string id, std::uint32_t dev_addr, std::uint8_t nwk_fill,
                                  std::uint8_t app_fill, std::string version = "1.0.3") {
    registry::end_device d;
    d.application_id = "app1";
    d.device_id = std::move(id);
    d.activation = registry::activation_mode::abp;
    d.dev_addr = addr_of(dev_addr);
    d.nwk_s_key = key_of(nwk_fill);
    d.app_s_key = key_of(app_fill);
    d.lorawan_version = std::move(version);
    return d;
  }
  void create(const registry::end_device& d) {
    registry::device_store store(*db_);
    auto r = store.create(d);
    ASSERT_TRUE(r) << r.error().message();
  }

  bytes data_up(std::uint32_t dev_addr, const core::aes_key& nwk, const core::aes_key& app,
                std::uint32_t f_cnt, std::uint8_t f_port, bytes payload, bool confirmed = false,
                bytes f_opts = {}) {
    lorawan::data_frame f;
    f.type = confirmed ? lorawan::mtype::confirmed_data_up : lorawan::mtype::unconfirmed_data_up;
    f.header.dev_addr = dev_addr;
    f.header.f_opts = std::move(f_opts);
    f.f_port = f_port;
    f.frm_payload = std::move(payload);
    auto wire = lorawan::encode_data_frame(crypto_, f, f_cnt, nwk.bytes, app.bytes);
    EXPECT_TRUE(wire);
    return wire ? *wire : bytes{};
  }
  bytes join_req(const registry::end_device& d, std::uint16_t dev_nonce) {
    lorawan::join_request r;
    r.join_eui = to_number(*d.join_eui);
    r.dev_eui = to_number(*d.dev_eui);
    r.dev_nonce = dev_nonce;
    return lorawan::encode_join_request(crypto_, r, d.app_key->bytes);
  }

  // Feeds one frame as heard by each gateway (EU868 868.1 MHz SF7BW125 unless said otherwise).
  void feed(const bytes& phy, std::vector<gateway_copy> gateways = {{"gw1"}}, std::uint32_t sf = 7) {
    for (const auto& g : gateways) {
      gateway_uplink up;
      up.raw_payload = phy;
      up.settings.data_rate = lora_data_rate{125'000, sf, "4/5"};
      up.settings.frequency = 868'100'000;
      up.settings.timestamp = g.timestamp;
      rx_metadata m;
      m.gateway_id = g.gateway_id;
      m.timestamp = g.timestamp;
      m.snr = g.snr;
      m.rssi = g.rssi;
      m.uplink_token = text("token-" + g.gateway_id);
      up.rx_metadata.push_back(m);
      up.received_at = std::chrono::system_clock::now();
      up.correlation_ids.push_back("gs:uplink:" + g.gateway_id);
      server_->handle_uplink(std::move(up));
    }
  }
  void feed_and_run(const bytes& phy, std::vector<gateway_copy> gateways = {{"gw1"}}) {
    feed(phy, std::move(gateways));
    run();
  }

  std::uint64_t stat(counter c) const { return server_->stats()[c]; }

  std::filesystem::path dir_;
  std::unique_ptr<storage::database> db_;
  std::unique_ptr<test_persistence> persistence_;
  lorawan::crypto_context crypto_;
  boost::asio::io_context io_;
  recording_events events_;
  recording_downlinks downlinks_;
  server_options options_;
  std::unique_ptr<server> server_;
};

}  // namespace tether::network::test
