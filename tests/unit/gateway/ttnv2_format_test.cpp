// The TTN v2 gateway format, alone (credentials, topic layout, capabilities) and inside the shared realm:
// connect/disconnect payloads checked against the connection's ID and key, downlinks on {id}/down at QoS 0
// reported sent at once (no TxAck in v2), and nothing sent to a v2 gateway reaching 512 bytes.

#include "gateway/gateway_realm.hpp"
#include "gateway/ttnv2/codec.hpp"
#include "gateway/ttnv2/format.hpp"
#include "registry/gateway_store.hpp"
#include "registry/key_store.hpp"
#include "storage/migrations.hpp"
#include "storage/paths.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <random>

namespace tether::gateway::ttnv2 {
namespace {

mqtt::connect_request login(std::string_view client_id, std::optional<std::string_view> user,
                            std::optional<std::string_view> password) {
  mqtt::connect_request r;
  r.client_id = client_id;
  r.username = user;
  r.password = password;
  r.remote_address = "127.0.0.1:9";
  return r;
}

TEST(ttnv2_format, names_and_capabilities) {
  const format f;
  EXPECT_EQ(f.realm_name(), "gateway-v2");
  EXPECT_EQ(f.protocol(), "ttnv2");
  EXPECT_FALSE(f.acknowledges_transmissions());
  EXPECT_LE(f.downlink_qos(), 1);  // the C library cannot take QoS 2
  EXPECT_EQ(f.max_packet_size(), 511u);
}

TEST(ttnv2_format, credentials_in_either_layout) {
  const format f;
  using mqtt::codec::connack_code;
  auto c_library = f.read_credentials(login("whatever", "gw1", "NNSXS.K"));
  ASSERT_TRUE(c_library.credentials) << c_library.reason;
  EXPECT_EQ(c_library.credentials->gateway_id, "gw1");
  EXPECT_EQ(c_library.credentials->key, "NNSXS.K");
  auto document = f.read_credentials(login("gw1", "NNSXS.K", std::nullopt));
  ASSERT_TRUE(document.credentials) << document.reason;
  EXPECT_EQ(document.credentials->gateway_id, "gw1");
  EXPECT_EQ(document.credentials->key, "NNSXS.K");
  EXPECT_EQ(f.read_credentials(login("gw1", std::nullopt, std::nullopt)).refusal,
            connack_code::bad_username_or_password);
  EXPECT_EQ(f.read_credentials(login("gw1", "", std::nullopt)).refusal,
            connack_code::bad_username_or_password);
  EXPECT_EQ(f.read_credentials(login("Not An ID", "NNSXS.K", std::nullopt)).refusal,
            connack_code::bad_username_or_password);
}

TEST(ttnv2_format, topic_layout) {
  const format f;
  EXPECT_EQ(f.classify("gw1", "gw1/up"), gateway_message::uplink);
  EXPECT_EQ(f.classify("gw1", "gw1/status"), gateway_message::status);
  EXPECT_EQ(f.classify("gw1", "connect"), gateway_message::session);
  EXPECT_EQ(f.classify("gw1", "disconnect"), gateway_message::session);
  for (const char* topic : {"gw1/down", "gw1/errors", "gw2/up", "gw10/up", "gw/up", "v3/gw1/up", "gw1up",
                            "gw1/up/x", "gw1/", "gw1/down/ack", "connect/x"}) {
    EXPECT_FALSE(f.classify("gw1", topic)) << topic;
  }
  const auto t = f.topics("gw1");
  EXPECT_EQ(t.downlink, "gw1/down");
  EXPECT_EQ(t.errors, "gw1/errors");
  EXPECT_EQ(t.both, "gw1/+");
}

class recording_publisher : public mqtt::realm_publisher {
 public:
  void publish(mqtt::message_ptr msg) override { messages.push_back(std::move(msg)); }
  std::vector<mqtt::message_ptr> messages;
};

class ttnv2_realm_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tether-ttnv2-" + std::to_string(std::random_device{}()) + "-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    db_ = std::make_unique<storage::database>(storage::database_path(dir_).string());
    storage::migrate(*db_);
    registry::gateway g;
    g.gateway_id = "gw1";
    ASSERT_TRUE(registry::gateway_store(*db_).create(g));
    key_ = registry::key_store(*db_)
               .create({registry::entity_kind::gateway, "gw1"}, {registry::right::gateway_link})
               ->full_key;
    keys_ = std::make_unique<registry::key_authenticator>(*db_);
    realm_ = std::make_unique<gateway_realm>(*keys_, hub_, std::make_unique<format>());
    realm_->attach(publisher_);
    auto r = realm_->authenticate(login("gw1", "gw1", key_));
    ASSERT_TRUE(r.who) << r.reason;
    who_ = r.who;
    realm_->on_connect(*who_);
  }
  void TearDown() override {
    realm_.reset();
    keys_.reset();
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  static network::downlink_tx downlink(std::size_t payload_size) {
    network::downlink_tx tx;
    tx.id = 5;
    tx.gateway_id = "gw1";
    tx.raw_payload.assign(payload_size, 0x60);
    tx.scheduled.data_rate = network::lora_data_rate{125'000, 12, "4/5"};
    tx.scheduled.frequency = 869'525'000;
    tx.scheduled.timestamp = 0xffff'ffffu;
    tx.scheduled.tx_power = 27;
    tx.scheduled.invert_polarization = true;
    return tx;
  }

  std::filesystem::path dir_;
  std::unique_ptr<storage::database> db_;
  std::string key_;
  std::unique_ptr<registry::key_authenticator> keys_;
  hub hub_;
  recording_publisher publisher_;
  std::unique_ptr<gateway_realm> realm_;
  mqtt::principal_ptr who_;
};

TEST_F(ttnv2_realm_test, the_key_as_username_logs_in_as_the_client_id) {
  auto r = realm_->authenticate(login("gw1", key_, std::nullopt));
  ASSERT_TRUE(r.who) << r.reason;
  EXPECT_FALSE(realm_->authenticate(login("gw2", key_, std::nullopt)).who);
}

TEST_F(ttnv2_realm_test, session_messages_are_checked_against_the_connection) {
  realm_->on_publish(*who_, {"connect", encode_session_message({"gw1", key_}), 1, false});
  realm_->on_publish(*who_, {"disconnect", encode_session_message({"gw1", key_}), 1, false});
  EXPECT_TRUE(publisher_.messages.empty());
  realm_->on_publish(*who_, {"disconnect", encode_session_message({"gw2", key_}), 1, false});
  realm_->on_publish(*who_, {"connect", encode_session_message({"gw1", "NNSXS.OTHER"}), 1, false});
  ASSERT_EQ(publisher_.messages.size(), 2u);
  EXPECT_EQ(publisher_.messages[0]->topic, "gw1/errors");
  EXPECT_EQ(nlohmann::json::parse(publisher_.messages[0]->payload)["topic"], "disconnect");
  EXPECT_TRUE(hub_.connected("gw1"));  // nothing changed
  EXPECT_EQ(realm_->stats().dropped, 2u);
}

TEST_F(ttnv2_realm_test, downlinks_are_sent_at_qos_0_and_reported_sent) {
  EXPECT_EQ(hub_.send_downlink(downlink(33)), network::send_result::sent);
  ASSERT_EQ(publisher_.messages.size(), 1u);
  EXPECT_EQ(publisher_.messages[0]->topic, "gw1/down");
  EXPECT_EQ(publisher_.messages[0]->qos, 0);
  auto tx = decode_downlink({reinterpret_cast<const std::uint8_t*>(publisher_.messages[0]->payload.data()),
                             publisher_.messages[0]->payload.size()});
  ASSERT_TRUE(tx);
  EXPECT_EQ(tx->scheduled.timestamp, 0xffff'ffffu);
}

TEST_F(ttnv2_realm_test, every_lorawan_downlink_fits_and_a_larger_one_is_refused) {
  // 255 bytes is the largest PHYPayload of any LoRaWAN data rate: it fits with room to spare.
  EXPECT_EQ(realm_->transmit(downlink(255)), network::send_result::sent);
  ASSERT_EQ(publisher_.messages.size(), 1u);
  EXPECT_LT(publisher_.messages[0]->payload.size() + publisher_.messages[0]->topic.size() + 5, 512u);
  // Something the gateway could not read is never sent: the hub reports it refused, with a reason the
  // network core can give the application, and it is counted.
  EXPECT_EQ(realm_->transmit(downlink(470)), network::send_result::refused);
  const auto refused = hub_.send_downlink(downlink(470));
  EXPECT_EQ(refused, network::send_result::refused);
  EXPECT_EQ(refused.refusal.name, "gateway_packet_too_large");
  EXPECT_NE(refused.refusal.message.find("at most 511 bytes"), std::string::npos) << refused.refusal.message;
  EXPECT_TRUE(hub_.connected("gw1"));  // the connection is not the problem
  EXPECT_EQ(publisher_.messages.size(), 1u);
  EXPECT_EQ(realm_->stats().downlinks, 1u);
  const auto snapshot = hub_.changed_since(0).at(0);
  EXPECT_EQ(snapshot.dropped.at("downlink larger than the gateway can read"), 2u);
}

TEST_F(ttnv2_realm_test, error_reports_fit_the_gateways_buffer) {
  // A malformed uplink gets an error report; every report stays a packet the gateway can read.
  realm_->on_publish(*who_, {"gw1/up", std::string(600, '\xff'), 1, false});
  ASSERT_EQ(publisher_.messages.size(), 1u);
  const auto& m = *publisher_.messages[0];
  EXPECT_LT(m.topic.size() + m.payload.size() + 5, 512u);
  EXPECT_EQ(nlohmann::json::parse(m.payload)["topic"], "gw1/up");
}

}  // namespace
}  // namespace tether::gateway::ttnv2
