// Issue 13's seam, proven: a gateway format defined only in this file (JSON on test/{id}/up and
// test/{id}/down) plugs into gateway::gateway_realm and carries an uplink through the hub and the
// network core to the application API, and a downlink back, with nothing in src/network/ or src/cli/
// knowing of it. The object graph is built as `tether serve` builds it (workers, one broker and
// listener per realm, registry in a temporary SQLite database, hub, bus, network server) and driven by
// real MQTT clients over loopback TCP.

#include "application/bus.hpp"
#include "application/ttsv3/application_realm.hpp"
#include "core/base64.hpp"
#include "core/hex.hpp"
#include "gateway/format.hpp"
#include "gateway/gateway_realm.hpp"
#include "gateway/hub.hpp"
#include "lorawan/crypto/crypto_context.hpp"
#include "lorawan/frame/parse.hpp"
#include "lorawan/secure_frame.hpp"
#include "mqtt/broker.hpp"
#include "mqtt/client/client.hpp"
#include "mqtt/listener.hpp"
#include "mqtt/worker_pool.hpp"
#include "network/device_session_store_persistence.hpp"
#include "network/device_table.hpp"
#include "network/server.hpp"
#include "registry/application_store.hpp"
#include "registry/device_store.hpp"
#include "registry/gateway_store.hpp"
#include "registry/key_authenticator.hpp"
#include "registry/key_store.hpp"
#include "storage/device_session_store.hpp"
#include "storage/downlink_queue_store.hpp"
#include "storage/migrations.hpp"
#include "storage/paths.hpp"
#include "storage/sqlite.hpp"

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/system/errc.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace tether {
namespace {

using nlohmann::json;

// The whole format: username = gateway ID, password = key; one antenna, LoRa in EU868 terms; no TxAck.
class json_test_format final : public gateway::format {
 public:
  std::string_view realm_name() const override { return "gateway-test"; }
  std::string_view protocol() const override { return "test-json"; }
  bool acknowledges_transmissions() const override { return false; }

  gateway::credentials_result read_credentials(const mqtt::connect_request& r) const override {
    if (!r.username || !r.password)
      return {std::nullopt, mqtt::codec::connack_code::not_authorized, "no login"};
    return {gateway::gateway_credentials{std::string(*r.username), std::string(*r.password)}};
  }
  std::optional<gateway::gateway_message> classify(std::string_view id,
                                                   std::string_view topic) const override {
    if (topic == "test/" + std::string(id) + "/up") return gateway::gateway_message::uplink;
    return std::nullopt;
  }
  gateway::gateway_topics topics(std::string_view id) const override {
    const std::string base = "test/" + std::string(id) + "/";
    return {base + "down", base + "errors", base + "+"};
  }

  gateway::result<network::gateway_uplink> decode_uplink(std::span<const std::uint8_t> payload,
                                                         std::string_view id,
                                                         network::time_point received_at) const override {
    const auto doc = json::parse(payload.begin(), payload.end(), nullptr, false);
    const auto phy = doc.is_object() ? core::from_hex(doc.value("phy", "")) : std::nullopt;
    if (!phy || phy->empty()) return make_error_code(boost::system::errc::bad_message);
    network::gateway_uplink up;
    up.raw_payload.assign(phy->begin(), phy->end());
    up.settings.data_rate = network::lora_data_rate{125'000, doc.value("sf", 7u), "4/5"};
    up.settings.frequency = doc.value("freq", std::uint64_t{0});
    up.settings.timestamp = doc.value("tmst", 0u);
    network::rx_metadata md;
    md.gateway_id = id;
    md.timestamp = up.settings.timestamp;
    md.rssi = md.channel_rssi = doc.value("rssi", -60.0f);
    md.snr = doc.value("snr", 7.0f);
    md.received_at = received_at;
    up.rx_metadata.push_back(md);
    up.received_at = received_at;
    return up;
  }

  std::string encode_downlink(const network::downlink_tx& tx) const override {
    const auto* lora = std::get_if<network::lora_data_rate>(&tx.scheduled.data_rate);
    return json{
        {"phy", core::to_hex({reinterpret_cast<const char*>(tx.raw_payload.data()), tx.raw_payload.size()})},
        {"freq", tx.scheduled.frequency},
        {"tmst", tx.scheduled.timestamp},
        {"sf", lora ? lora->spreading_factor : 0},
        {"correlation_ids", tx.correlation_ids}}
        .dump();
  }
};

constexpr std::uint32_t dev_addr = 0x26011234;

core::aes_key key_of(std::uint8_t fill) {
  core::aes_key k;
  k.bytes.fill(fill);
  return k;
}

// The registry a user would set up with the CLI: gateway gw1, application app1 with ABP device dev1.
struct registry_setup {
  std::string gateway_key;
  std::string application_key;
};

registry_setup provision(const std::string& db_path) {
  storage::database db(db_path);
  storage::migrate(db);
  registry_setup out;
  registry::gateway g;
  g.gateway_id = "gw1";
  EXPECT_TRUE(registry::gateway_store(db).create(g));
  registry::application app;
  app.application_id = "app1";
  EXPECT_TRUE(registry::application_store(db).create(app));
  registry::end_device d;
  d.application_id = "app1";
  d.device_id = "dev1";
  d.activation = registry::activation_mode::abp;
  d.dev_addr = network::to_dev_addr(dev_addr);
  d.nwk_s_key = key_of(0x11);
  d.app_s_key = key_of(0x22);
  auto created = registry::device_store(db).create(d);
  EXPECT_TRUE(created) << created.error().message();
  registry::key_store keys(db);
  auto gw_key = keys.create({registry::entity_kind::gateway, "gw1"}, {registry::right::gateway_link});
  auto app_key = keys.create(
      {registry::entity_kind::application, "app1"},
      {registry::right::application_traffic_read, registry::right::application_traffic_down_write});
  EXPECT_TRUE(gw_key && app_key);
  if (gw_key) out.gateway_key = gw_key->full_key;
  if (app_key) out.application_key = app_key->full_key;
  return out;
}

// The server side, wired as serve wires it, with the test format in place of TTS v3.
struct server_graph {
  explicit server_graph(const std::string& db_path)
      : keys_db(db_path),
        keys(keys_db),
        gateway_realm(keys, hub, std::make_unique<json_test_format>()),
        gateway_broker(gateway_realm, {}, workers.size(), workers.system().context().get_executor()),
        gateway_listener(workers, gateway_broker, {boost::asio::ip::make_address("127.0.0.1"), 0},
                         "gateway-test"),
        application_realm(keys, bus),
        application_broker(application_realm, {}, workers.size(), workers.system().context().get_executor()),
        application_listener(workers, application_broker, {boost::asio::ip::make_address("127.0.0.1"), 0},
                             "application"),
        sessions(db_path),
        persistence(sessions),
        queue(db_path),
        network_server(options(),
                       {workers.at(0).context().get_executor(), workers.at(1).context().get_executor()},
                       db_path, persistence, bus, hub, nullptr, &queue) {
    bus.attach(application_realm);
    hub.set_core(network_server);
    bus.set_downlink_handler(network_server);
    gateway_listener.start();
    application_listener.start();
    runner = std::thread([this] { workers.run(); });
  }
  ~server_graph() {
    workers.stop();
    runner.join();
  }
  static network::server_options options() {
    network::server_options o;
    o.dedup_window = std::chrono::milliseconds(30);
    return o;
  }

  mqtt::worker_pool workers{2};
  storage::database keys_db;
  registry::key_authenticator keys;
  gateway::hub hub;
  application::bus bus;
  gateway::gateway_realm gateway_realm;
  mqtt::broker gateway_broker;
  mqtt::listener gateway_listener;
  application::ttsv3::application_realm application_realm;
  mqtt::broker application_broker;
  mqtt::listener application_listener;
  storage::device_session_store sessions;
  network::device_session_store_persistence persistence;
  storage::downlink_queue_store queue;
  network::server network_server;
  std::thread runner;
};

struct received {
  std::string topic;
  std::string payload;
};

// An MQTT client on the test's own io_context that records what it receives.
class recording_client {
 public:
  recording_client(boost::asio::io_context& io, std::string user, std::string password) {
    mqtt::client_options o;
    o.client_id = user + "-client";
    o.username = std::move(user);
    o.password = std::move(password);
    mqtt::client_events events;
    events.on_message = [this](std::string_view topic, std::span<const std::uint8_t> payload, std::uint8_t) {
      messages.push_back({std::string(topic), std::string(payload.begin(), payload.end())});
    };
    client = std::make_unique<mqtt::client>(io, o, events);
  }
  const received* find(std::string_view topic) const {
    for (const auto& m : messages) {
      if (m.topic == topic) return &m;
    }
    return nullptr;
  }

  std::unique_ptr<mqtt::client> client;
  std::vector<received> messages;
  bool started = false;
  std::uint8_t granted = 0xff;
};

class gateway_format_seam : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tether-seam-" + std::to_string(std::random_device{}()) + "-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    db_path_ = storage::database_path(dir_).string();
    setup_ = provision(db_path_);
    graph_ = std::make_unique<server_graph>(db_path_);
  }
  void TearDown() override {
    graph_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Runs the clients' io_context until `done` or 10 s; false on timeout.
  bool run_until(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      io_.run_for(std::chrono::milliseconds(5));
    }
    return true;
  }

  void connect_and_subscribe(recording_client& c, const boost::asio::ip::tcp::endpoint& at,
                             std::string filter) {
    c.client->start(at, std::nullopt, [&c](const boost::system::error_code& ec) {
      EXPECT_FALSE(ec) << ec.message();
      c.started = !ec;
    });
    ASSERT_TRUE(run_until([&] { return c.started; })) << "no CONNACK";
    c.client->subscribe(filter, 1, [&c](std::uint8_t qos) { c.granted = qos; });
    ASSERT_TRUE(run_until([&] { return c.granted != 0xff; })) << "no SUBACK";
    ASSERT_LE(c.granted, 1) << filter << " refused";
  }

  network::bytes confirmed_uplink(std::uint32_t f_cnt, std::uint8_t f_port, std::string_view text) {
    lorawan::data_frame f;
    f.type = lorawan::mtype::confirmed_data_up;
    f.header.dev_addr = dev_addr;
    f.f_port = f_port;
    f.frm_payload.assign(text.begin(), text.end());
    auto wire = lorawan::encode_data_frame(crypto_, f, f_cnt, key_of(0x11).bytes, key_of(0x22).bytes);
    EXPECT_TRUE(wire);
    return wire ? *wire : network::bytes{};
  }

  std::filesystem::path dir_;
  std::string db_path_;
  registry_setup setup_;
  std::unique_ptr<server_graph> graph_;
  boost::asio::io_context io_;
  lorawan::crypto_context crypto_;
};

TEST_F(gateway_format_seam, a_test_format_carries_an_uplink_to_the_application_and_a_downlink_back) {
  recording_client app(io_, "app1", setup_.application_key);
  recording_client gw(io_, "gw1", setup_.gateway_key);
  connect_and_subscribe(app, graph_->application_listener.local_endpoint(), "#");
  connect_and_subscribe(gw, graph_->gateway_listener.local_endpoint(), "test/+/down");

  // The application queues a downlink; the next uplink's Class A window carries it.
  const json push = {{"downlinks", {{{"f_port", 9}, {"frm_payload", core::to_base64("pong")}}}}};
  app.client->publish("v3/app1/devices/dev1/down/push", push.dump(), 1);
  app.client->flush();
  ASSERT_TRUE(run_until([&] { return app.find("v3/app1/devices/dev1/down/queued") != nullptr; }));

  const auto phy = confirmed_uplink(1, 7, "ping");
  const json up = {{"phy", core::to_hex({reinterpret_cast<const char*>(phy.data()), phy.size()})},
                   {"freq", 868'100'000},
                   {"sf", 7},
                   {"tmst", 3'000'000}};
  gw.client->publish("test/gw1/up", up.dump(), 1);
  gw.client->flush();

  ASSERT_TRUE(run_until([&] { return app.find("v3/app1/devices/dev1/up") != nullptr; }))
      << "no uplink event; the gateway realm counted " << graph_->gateway_realm.stats().uplinks << " uplinks";
  const auto event = json::parse(app.find("v3/app1/devices/dev1/up")->payload);
  EXPECT_EQ(event["end_device_ids"]["device_id"], "dev1");
  EXPECT_EQ(event["uplink_message"]["f_port"], 7);
  EXPECT_EQ(core::from_base64(event["uplink_message"]["frm_payload"].get<std::string>()), "ping");

  ASSERT_TRUE(run_until([&] { return gw.find("test/gw1/down") != nullptr; })) << "no downlink";
  const auto down = json::parse(gw.find("test/gw1/down")->payload);
  EXPECT_EQ(down["freq"], 868'100'000);            // RX1 in EU868: the uplink's channel
  EXPECT_EQ(down["tmst"], 3'000'000 + 1'000'000);  // RECEIVE_DELAY1 of an ABP device
  // The test format does not acknowledge: the hub adds no gs:down:token correlation ID.
  for (const auto& id : down["correlation_ids"])
    EXPECT_FALSE(id.get<std::string>().starts_with("gs:down:token:"));
  const auto wire = core::from_hex(down["phy"].get<std::string>());
  ASSERT_TRUE(wire);
  const network::bytes bytes(wire->begin(), wire->end());
  auto frame = lorawan::parse_data_frame(bytes);
  ASSERT_TRUE(frame) << frame.error().message();
  EXPECT_EQ(frame->header.dev_addr, dev_addr);
  EXPECT_TRUE(frame->header.f_ctrl.ack);  // it answers the confirmed uplink
  ASSERT_EQ(frame->f_port, 9);
  network::bytes clear;
  lorawan::decrypt_frm_payload(crypto_, *frame, frame->header.f_cnt, key_of(0x11).bytes, key_of(0x22).bytes,
                               clear);
  EXPECT_EQ(std::string(clear.begin(), clear.end()), "pong");
  EXPECT_TRUE(graph_->hub.connected("gw1"));
}

}  // namespace
}  // namespace tether
