// The IoT platform realm over real sockets: workers, a broker and a listener as `tether serve` builds
// them, the in-memory directory, and the project's MQTT client acting as devices, gateways and
// applications on loopback TCP.

#include "iotp/iot_realm.hpp"
#include "memory_directory.hpp"
#include "mqtt/broker.hpp"
#include "mqtt/client/client.hpp"
#include "mqtt/listener.hpp"
#include "mqtt/worker_pool.hpp"

#include <gtest/gtest.h>
#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace tether::iotp {
namespace {

using nlohmann::json;
constexpr const char* org = "abc123";

struct received {
  std::string topic;
  std::string payload;
};

struct server {
  explicit server(testing::memory_directory& dir) : realm(dir, options()) {
    mqtt::broker_options o;
    o.max_payload_size = 131'072;
    broker =
        std::make_unique<mqtt::broker>(realm, o, workers.size(), workers.system().context().get_executor());
    listener = std::make_unique<mqtt::listener>(
        workers, *broker, boost::asio::ip::tcp::endpoint{boost::asio::ip::make_address("127.0.0.1"), 0},
        "iot");
    listener->start();
    realm.start(*broker);
    runner = std::thread([this] { workers.run(); });
  }
  ~server() {
    realm.stop();
    workers.stop();
    runner.join();
  }
  static realm_options options() {
    realm_options o;
    o.registration.mute = std::chrono::seconds(30);
    o.poll_interval = std::chrono::milliseconds(20);
    return o;
  }
  mqtt::worker_pool workers{2};
  iot_realm realm;
  std::unique_ptr<mqtt::broker> broker;
  std::unique_ptr<mqtt::listener> listener;
  std::thread runner;
};

class client {
 public:
  client(boost::asio::io_context& io, std::string id, std::string user, std::string password) {
    mqtt::client_options o;
    o.client_id = std::move(id);
    o.username = std::move(user);
    o.password = std::move(password);
    mqtt::client_events events;
    events.on_message = [this](std::string_view topic, std::span<const std::uint8_t> payload, std::uint8_t) {
      messages.push_back({std::string(topic), std::string(payload.begin(), payload.end())});
    };
    events.on_error = [this](std::string_view, const boost::system::error_code&) { closed = true; };
    c = std::make_unique<mqtt::client>(io, o, events);
  }
  std::size_t count(std::string_view prefix) const {
    std::size_t n = 0;
    for (const auto& m : messages) n += m.topic.starts_with(prefix) ? 1 : 0;
    return n;
  }
  const received* last(std::string_view topic) const {
    for (auto it = messages.rbegin(); it != messages.rend(); ++it) {
      if (it->topic == topic) return &*it;
    }
    return nullptr;
  }
  std::unique_ptr<mqtt::client> c;
  std::vector<received> messages;
  std::optional<boost::system::error_code> started;
  bool closed = false;
  std::uint8_t granted = 0xff;
};

class iot_realm_socket : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.add({{org, "sensor", "d1"}, type_class::device, gateway_role::privileged, {}, {}}, "token-d1");
    dir_.add({{org, "sensor", "d2"}, type_class::device, gateway_role::privileged, {}, {}}, "token-d2");
    dir_.add({{org, "gwt", "g1"}, type_class::gateway, gateway_role::privileged, {}, {}}, "token-g1");
    dir_.add({{org, "gwt", "g2"}, type_class::gateway, gateway_role::standard, {}, {}}, "token-g2");
    dir_.add({{"zzz999", "sensor", "d1"}, type_class::device, gateway_role::privileged, {}, {}}, "token-x");
    dir_.add_key(org, "a-abc123-key0000001", "key-token");
    dir_.add_key("zzz999", "a-zzz999-key0000001", "key-token");
    server_ = std::make_unique<server>(dir_);
  }
  void TearDown() override { server_.reset(); }

  bool run_until(const std::function<bool()>& done,
                 std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      if (io_.stopped()) io_.restart();  // it stops whenever it runs out of work
      io_.run_for(std::chrono::milliseconds(5));
    }
    return true;
  }
  std::unique_ptr<client> connect(std::string id, std::string user, std::string password) {
    auto c = std::make_unique<client>(io_, std::move(id), std::move(user), std::move(password));
    auto* raw = c.get();
    c->c->start(server_->listener->local_endpoint(), std::nullopt,
                [raw](const boost::system::error_code& ec) { raw->started = ec; });
    EXPECT_TRUE(run_until([&] { return raw->started.has_value(); })) << "no CONNACK";
    if (!raw->started) raw->started = boost::asio::error::timed_out;  // callers read ->value()
    return c;
  }
  std::unique_ptr<client> device(const char* id, const char* token) {
    return connect(std::string("d:") + org + ":sensor:" + id, "use-token-auth", token);
  }
  std::unique_ptr<client> app(std::string id = std::string("a:") + org + ":app1") {
    return connect(std::move(id), "a-abc123-key0000001", "key-token");
  }
  std::uint8_t subscribe(client& c, const std::string& filter, std::uint8_t qos = 1) {
    c.granted = 0xff;
    c.c->subscribe(filter, qos, [&c](std::uint8_t g) { c.granted = g; });
    EXPECT_TRUE(run_until([&] { return c.granted != 0xff || c.closed; })) << filter;
    return c.granted;
  }
  void publish(client& c, const std::string& topic, const std::string& payload, std::uint8_t qos = 0) {
    c.c->publish(topic, payload, qos);
    c.c->flush();
  }

  testing::memory_directory dir_;
  std::unique_ptr<server> server_;
  boost::asio::io_context io_;
};

TEST_F(iot_realm_socket, events_reach_applications_and_commands_reach_the_device) {
  auto a = app();
  ASSERT_FALSE(*a->started);
  ASSERT_EQ(subscribe(*a, "iot-2/type/+/id/+/evt/+/fmt/+"), 1);
  auto d = device("d1", "token-d1");
  ASSERT_FALSE(*d->started);
  ASSERT_EQ(subscribe(*d, "iot-2/cmd/+/fmt/+"), 1);
  publish(*d, "iot-2/evt/temp/fmt/json", R"({"t":21})");
  ASSERT_TRUE(run_until([&] { return a->last("iot-2/type/sensor/id/d1/evt/temp/fmt/json"); }));
  publish(*a, "iot-2/type/sensor/id/d1/cmd/reboot/fmt/json", "{}", 1);
  ASSERT_TRUE(run_until([&] { return d->last("iot-2/cmd/reboot/fmt/json"); }));
  EXPECT_FALSE(d->closed);
  EXPECT_FALSE(a->closed);
}

TEST_F(iot_realm_socket, orgs_never_see_each_other) {
  auto other = connect("a:zzz999:app1", "a-zzz999-key0000001", "key-token");
  ASSERT_FALSE(*other->started);
  ASSERT_EQ(subscribe(*other, "iot-2/type/+/id/+/evt/+/fmt/+"), 1);
  auto a = app();
  ASSERT_EQ(subscribe(*a, "iot-2/type/+/id/+/evt/+/fmt/+"), 1);
  auto d = device("d1", "token-d1");
  publish(*d, "iot-2/evt/temp/fmt/json", "1");
  ASSERT_TRUE(run_until([&] { return a->count("iot-2/") == 1; }));
  io_.run_for(std::chrono::milliseconds(100));
  EXPECT_EQ(other->count("iot-2/"), 0u);
}

TEST_F(iot_realm_socket, bad_client_ids_and_credentials_are_refused) {
  auto bad_id = connect("x:abc123:sensor:d1", "use-token-auth", "token-d1");
  EXPECT_EQ(bad_id->started->value(), 2);
  auto bad_token = device("d1", "nope");
  EXPECT_EQ(bad_token->started->value(), 4);
  auto wrong_user = connect("d:abc123:sensor:d1", "someone", "token-d1");
  EXPECT_EQ(wrong_user->started->value(), 4);
  auto other_org_key = connect("a:abc123:app1", "a-zzz999-key0000001", "key-token");
  EXPECT_EQ(other_org_key->started->value(), 5);
}

TEST_F(iot_realm_socket, mon_reports_connect_and_a_takeover_with_close_code_288) {
  auto a = app();
  ASSERT_EQ(subscribe(*a, "iot-2/type/+/id/+/mon"), 1);
  auto first = device("d1", "token-d1");
  const std::string mon = "iot-2/type/sensor/id/d1/mon";
  ASSERT_TRUE(run_until([&] { return a->last(mon); }));
  auto connect_status = json::parse(a->last(mon)->payload);
  EXPECT_EQ(connect_status["Action"], "Connect");
  EXPECT_EQ(connect_status["ClientID"], "d:abc123:sensor:d1");
  EXPECT_EQ(connect_status["User"], "use-token-auth");
  EXPECT_EQ(connect_status["Protocol"], "mqtt4");
  EXPECT_EQ(connect_status["Secure"], false);
  EXPECT_EQ(connect_status["Port"], server_->listener->local_endpoint().port());
  EXPECT_EQ(connect_status["ClientAddr"], "127.0.0.1");
  EXPECT_EQ(connect_status["Time"].get<std::string>().size(), std::string("2026-12-07T15:04:05.123Z").size());
  auto second = device("d1", "token-d1");
  ASSERT_TRUE(run_until([&] { return first->closed; }));
  // The second connection's Connect may come before or after the first one's Disconnect.
  const auto disconnect = [&]() -> const received* {
    for (const auto& m : a->messages) {
      if (m.topic == mon && json::parse(m.payload)["Action"] == "Disconnect") return &m;
    }
    return nullptr;
  };
  ASSERT_TRUE(run_until([&] { return disconnect() != nullptr; }));
  auto gone = json::parse(disconnect()->payload);
  EXPECT_EQ(gone["CloseCode"], 288);
  EXPECT_TRUE(gone.contains("ConnectTime"));
  EXPECT_TRUE(gone.contains("ReadBytes"));
  EXPECT_FALSE(second->closed);
}

TEST_F(iot_realm_socket, a_device_breaking_the_rules_is_closed_with_its_close_code) {
  auto a = app();
  ASSERT_EQ(subscribe(*a, "iot-2/type/+/id/+/mon"), 1);
  auto d = device("d1", "token-d1");
  publish(*d, "iot-2/type/sensor/id/d2/evt/x/fmt/json", "spoof");
  ASSERT_TRUE(run_until([&] { return d->closed; }));
  ASSERT_TRUE(run_until([&] {
    auto* m = a->last("iot-2/type/sensor/id/d1/mon");
    return m && json::parse(m->payload)["Action"] == "Disconnect";
  }));
  EXPECT_EQ(json::parse(a->last("iot-2/type/sensor/id/d1/mon")->payload)["CloseCode"], 180);
  auto d2 = device("d2", "token-d2");
  subscribe(*d2, "iot-2/cmd/#");
  ASSERT_TRUE(run_until([&] { return d2->closed; }));
  ASSERT_TRUE(run_until([&] {
    auto* m = a->last("iot-2/type/sensor/id/d2/mon");
    return m && json::parse(m->payload)["Action"] == "Disconnect";
  }));
  EXPECT_EQ(json::parse(a->last("iot-2/type/sensor/id/d2/mon")->payload)["CloseCode"], 276);
}

TEST_F(iot_realm_socket, an_oversized_payload_closes_with_287) {
  auto a = app();
  ASSERT_EQ(subscribe(*a, "iot-2/type/+/id/+/mon"), 1);
  auto d = device("d1", "token-d1");
  publish(*d, "iot-2/evt/big/fmt/bin", std::string(131'073, 'x'));
  ASSERT_TRUE(run_until([&] { return d->closed; }));
  ASSERT_TRUE(run_until([&] {
    auto* m = a->last("iot-2/type/sensor/id/d1/mon");
    return m && json::parse(m->payload)["Action"] == "Disconnect";
  }));
  EXPECT_EQ(json::parse(a->last("iot-2/type/sensor/id/d1/mon")->payload)["CloseCode"], 287);
}

TEST_F(iot_realm_socket, a_gateway_gets_a_notify_for_each_refusal_and_stays) {
  auto g = connect("g:abc123:gwt:g1", "use-token-auth", "token-g1");
  ASSERT_FALSE(*g->started);
  ASSERT_EQ(subscribe(*g, "iot-2/type/gwt/id/g1/notify", 0), 0);
  EXPECT_EQ(subscribe(*g, "iot-2/type/+/id/+/evt/+/fmt/+"), 0x80);
  publish(*g, "iot-2/type/sensor/id/d1/cmd/x/fmt/json", "{}");
  publish(*g, "nonsense/topic", "{}");
  ASSERT_TRUE(run_until([&] { return g->count("iot-2/type/gwt/id/g1/notify") == 3; }));
  auto n = json::parse(g->messages[0].payload);
  EXPECT_EQ(n["Request"], "subscribe");
  EXPECT_EQ(n["RC"], 403);
  EXPECT_EQ(n["Client"], "g:abc123:gwt:g1");
  EXPECT_EQ(json::parse(g->messages[2].payload)["RC"], 400);
  EXPECT_FALSE(g->closed);
}

TEST_F(iot_realm_socket, a_privileged_gateway_registers_200_devices_and_none_is_lost) {
  auto a = app();
  ASSERT_EQ(subscribe(*a, "iot-2/type/+/id/+/evt/+/fmt/+"), 1);
  auto g = connect("g:abc123:gwt:g1", "use-token-auth", "token-g1");
  for (int i = 0; i < 200; ++i) {
    publish(*g, "iot-2/type/sensor/id/new-" + std::to_string(i) + "/evt/hello/fmt/json", std::to_string(i),
            1);
  }
  ASSERT_TRUE(run_until([&] { return a->count("iot-2/type/sensor/id/new-") == 200; }))
      << a->count("iot-2/type/sensor/id/new-");
  EXPECT_EQ(dir_.registered(), 200u);
  auto rec = dir_.find({org, "sensor", "new-7"});
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->registered_by, "g:abc123:gwt:g1");
}

TEST_F(iot_realm_socket, a_standard_gateway_may_not_register_and_a_failure_mutes) {
  auto std_gw = connect("g:abc123:gwt:g2", "use-token-auth", "token-g2");
  ASSERT_EQ(subscribe(*std_gw, "iot-2/type/gwt/id/g2/notify", 0), 0);
  publish(*std_gw, "iot-2/type/sensor/id/unknown/evt/e/fmt/json", "{}");
  ASSERT_TRUE(run_until([&] { return std_gw->count("iot-2/type/gwt/id/g2/notify") == 1; }));
  EXPECT_EQ(json::parse(std_gw->messages[0].payload)["RC"], 404);

  dir_.fail_registrations_of("broken");
  auto g = connect("g:abc123:gwt:g1", "use-token-auth", "token-g1");
  ASSERT_EQ(subscribe(*g, "iot-2/type/gwt/id/g1/notify", 0), 0);
  publish(*g, "iot-2/type/broken/id/x/evt/e/fmt/json", "{}");
  ASSERT_TRUE(run_until([&] { return g->count("iot-2/type/gwt/id/g1/notify") == 1; }));
  EXPECT_EQ(json::parse(g->messages[0].payload)["RC"], 422);
  publish(*g, "iot-2/type/broken/id/x/evt/e/fmt/json", "{}");
  publish(*g, "iot-2/type/broken/id/x/evt/e/fmt/json", "{}");
  ASSERT_TRUE(run_until([&] { return server_->realm.registration_stats().muted_drops.load() >= 3; }))
      << server_->realm.registration_stats().muted_drops.load();
  EXPECT_FALSE(g->closed);
}

TEST_F(iot_realm_socket, shared_applications_balance_and_instances_too) {
  const std::string shared = std::string("A:") + org + ":scaled";
  auto one = app(shared);
  auto two = app(shared);
  ASSERT_EQ(subscribe(*one, "iot-2/type/+/id/+/evt/+/fmt/+"), 1);
  ASSERT_EQ(subscribe(*two, "iot-2/type/+/id/+/evt/+/fmt/+"), 1);
  auto i1 = app(shared + ":i1");
  auto i2 = app(shared + ":i2");
  ASSERT_EQ(subscribe(*i1, "iot-2/type/+/id/+/evt/+/fmt/+"), 1);
  ASSERT_EQ(subscribe(*i2, "iot-2/type/+/id/+/evt/+/fmt/+"), 1);
  auto d = device("d1", "token-d1");
  for (int i = 0; i < 20; ++i) publish(*d, "iot-2/evt/e/fmt/json", std::to_string(i));
  ASSERT_TRUE(run_until([&] { return one->count("iot-2/") + two->count("iot-2/") == 20; }));
  ASSERT_TRUE(run_until([&] { return i1->count("iot-2/") + i2->count("iot-2/") == 20; }));
  EXPECT_GT(one->count("iot-2/"), 0u);
  EXPECT_GT(two->count("iot-2/"), 0u);
  EXPECT_GT(i1->count("iot-2/"), 0u);
  EXPECT_GT(i2->count("iot-2/"), 0u);
  EXPECT_FALSE(one->closed || two->closed);
}

TEST_F(iot_realm_socket, a_deleted_device_is_disconnected) {
  auto d = device("d2", "token-d2");
  ASSERT_FALSE(*d->started);
  dir_.remove({org, "sensor", "d2"});
  ASSERT_TRUE(run_until([&] { return d->closed; }));
}

}  // namespace
}  // namespace tether::iotp
