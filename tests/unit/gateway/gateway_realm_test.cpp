// gateway::gateway_realm with a stand-in format: what the realm does for every MQTT gateway protocol
// (auth with RIGHT_GATEWAY_LINK, ACL and filter rewriting, the errors topic, uplink tokens, takeover,
// downlink delivery), independent of any wire format. The wire itself is covered by the system tests
// (tests/system/gateway_conformance.py).

#include "gateway/gateway_realm.hpp"
#include "gateway/uplink_token.hpp"
#include "registry/gateway_store.hpp"
#include "registry/key_store.hpp"
#include "storage/migrations.hpp"
#include "storage/paths.hpp"

#include <gtest/gtest.h>
#include <boost/system/errc.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace tether::gateway {
namespace {

// Topics under "t/{id}/", the payload is the PHYPayload itself; "bad" is refused.
class stand_in_format final : public format {
 public:
  std::string_view realm_name() const override { return "gateway-t"; }
  std::string_view protocol() const override { return "t"; }
  bool acknowledges_transmissions() const override { return false; }
  std::uint8_t downlink_qos() const override { return 0; }
  credentials_result read_credentials(const mqtt::connect_request& r) const override {
    if (!r.username) return {std::nullopt, mqtt::codec::connack_code::bad_username_or_password, "none"};
    return {gateway_credentials{std::string(*r.username), std::string(r.password.value_or(""))}};
  }
  std::optional<gateway_message> classify(std::string_view id, std::string_view topic) const override {
    const std::string base = "t/" + std::string(id) + "/";
    if (topic == base + "up") return gateway_message::uplink;
    if (topic == base + "status") return gateway_message::status;  // left to the default: refused
    if (topic == "hello") return gateway_message::session;
    return std::nullopt;
  }
  gateway_topics topics(std::string_view id) const override {
    const std::string base = "t/" + std::string(id) + "/";
    return {base + "down", base + "errors", base + "+"};
  }
  result<network::gateway_uplink> decode_uplink(std::span<const std::uint8_t> payload, std::string_view id,
                                                network::time_point received_at) const override {
    if (std::string_view(reinterpret_cast<const char*>(payload.data()), payload.size()) == "bad")
      return make_error_code(boost::system::errc::bad_message);
    network::gateway_uplink up;
    up.raw_payload.assign(payload.begin(), payload.end());
    for (std::uint32_t antenna : {0u, 1u}) {
      network::rx_metadata md;
      md.gateway_id = id;
      md.antenna_index = antenna;
      md.timestamp = 500;
      md.uplink_token = {9, 9};  // what a gateway might claim
      up.rx_metadata.push_back(md);
    }
    up.received_at = received_at;
    return up;
  }
  boost::system::error_code check_session_message(std::string_view, std::span<const std::uint8_t> payload,
                                                  std::string_view id, std::string_view) const override {
    if (std::string_view(reinterpret_cast<const char*>(payload.data()), payload.size()) == id) return {};
    return make_error_code(boost::system::errc::permission_denied);
  }
  std::string encode_downlink(const network::downlink_tx& tx) const override {
    return std::string(tx.raw_payload.begin(), tx.raw_payload.end());
  }
};

class recording_publisher : public mqtt::realm_publisher {
 public:
  void publish(mqtt::message_ptr msg) override { messages.push_back(std::move(msg)); }
  std::vector<mqtt::message_ptr> messages;
};

class recording_core : public network::uplink_handler {
 public:
  void handle_uplink(network::gateway_uplink up) override { uplinks.push_back(std::move(up)); }
  void handle_status(const network::gateway_status&) override {}
  void handle_tx_ack(const network::tx_ack&) override {}
  std::vector<network::gateway_uplink> uplinks;
};

class gateway_realm_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tether-gwrealm-" + std::to_string(std::random_device{}()) + "-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    db_ = std::make_unique<storage::database>(storage::database_path(dir_).string());
    storage::migrate(*db_);
    for (const char* id : {"gw1", "gw2"}) {
      registry::gateway g;
      g.gateway_id = id;
      ASSERT_TRUE(registry::gateway_store(*db_).create(g));
    }
    registry::key_store keys(*db_);
    link_key_ =
        keys.create({registry::entity_kind::gateway, "gw1"}, {registry::right::gateway_link})->full_key;
    info_key_ =
        keys.create({registry::entity_kind::gateway, "gw1"}, {registry::right::gateway_info})->full_key;
    keys_ = std::make_unique<registry::key_authenticator>(*db_);
    realm_ = std::make_unique<gateway_realm>(*keys_, hub_, std::make_unique<stand_in_format>());
    realm_->attach(publisher_);
    hub_.set_core(core_);
  }
  void TearDown() override {
    realm_.reset();
    keys_.reset();
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  mqtt::auth_result login(std::string_view user, std::string_view password) {
    mqtt::connect_request r;
    r.client_id = "c1";
    r.username = user;
    r.password = password;
    r.remote_address = "127.0.0.1:9";
    return realm_->authenticate(r);
  }
  mqtt::principal_ptr connected() {
    auto r = login("gw1", link_key_);
    EXPECT_TRUE(r.who) << r.reason;
    return r.who;
  }

  std::filesystem::path dir_;
  std::unique_ptr<storage::database> db_;
  std::string link_key_, info_key_;
  std::unique_ptr<registry::key_authenticator> keys_;
  hub hub_;
  recording_core core_;
  recording_publisher publisher_;
  std::unique_ptr<gateway_realm> realm_;
};

TEST_F(gateway_realm_test, names_come_from_the_format) {
  EXPECT_EQ(realm_->name(), "gateway-t");
  EXPECT_EQ(realm_->protocol(), "t");
  EXPECT_FALSE(realm_->acknowledges_transmissions());
}

TEST_F(gateway_realm_test, a_link_key_of_the_gateway_itself_is_needed) {
  auto ok = login("gw1", link_key_);
  ASSERT_TRUE(ok.who) << ok.reason;
  EXPECT_EQ(ok.who->session_id, "gw1");  // a second connection takes over
  EXPECT_TRUE(ok.who->ephemeral);
  EXPECT_FALSE(ok.who->credential_id.empty());
  auto no_right = login("gw1", info_key_);
  EXPECT_FALSE(no_right.who);
  EXPECT_NE(no_right.reason.find("RIGHT_GATEWAY_LINK"), std::string::npos) << no_right.reason;
  EXPECT_FALSE(login("gw2", link_key_).who);  // another gateway's key
  EXPECT_FALSE(login("GW 1", link_key_).who);
  EXPECT_FALSE(login("gw1", "NNSXS.nope").who);
  mqtt::connect_request anonymous;
  EXPECT_EQ(realm_->authenticate(anonymous).refusal, mqtt::codec::connack_code::bad_username_or_password);
}

TEST_F(gateway_realm_test, publishes_and_reads_stay_in_the_gateways_own_topics) {
  const auto who = connected();
  EXPECT_TRUE(realm_->authorize_publish(*who, "t/gw1/up"));
  EXPECT_TRUE(realm_->authorize_publish(*who, "hello"));
  EXPECT_FALSE(realm_->authorize_publish(*who, "t/gw2/up"));
  EXPECT_FALSE(realm_->authorize_publish(*who, "t/gw1/down"));
  EXPECT_EQ(realm_->authorize_subscribe(*who, "#").filter, "t/gw1/+");
  EXPECT_EQ(realm_->authorize_subscribe(*who, "t/+/down").filter, "t/gw1/down");
  EXPECT_EQ(realm_->authorize_subscribe(*who, "+/gw1/errors").filter, "t/gw1/errors");
  EXPECT_FALSE(realm_->authorize_subscribe(*who, "t/gw2/down").allowed);
  EXPECT_FALSE(realm_->authorize_subscribe(*who, "t/gw1/up").allowed);
  EXPECT_TRUE(realm_->authorize_read(*who, "t/gw1/down"));
  EXPECT_FALSE(realm_->authorize_read(*who, "t/gw1/up"));
}

TEST_F(gateway_realm_test, uplinks_get_the_realms_token_on_antenna_zero_only) {
  const auto who = connected();
  realm_->on_connect(*who);
  EXPECT_EQ(realm_->on_publish(*who, {"t/gw1/up", "\x40\x01", 1, false}), mqtt::publish_action::consume);
  ASSERT_EQ(core_.uplinks.size(), 1u);
  const auto& up = core_.uplinks[0];
  auto token = decode_uplink_token(up.rx_metadata[0].uplink_token);
  ASSERT_TRUE(token);
  EXPECT_EQ(*token, (uplink_token{"gw1", 0, 500, up.received_at}));
  EXPECT_TRUE(up.rx_metadata[1].uplink_token.empty());
  EXPECT_EQ(realm_->stats().uplinks, 1u);
}

TEST_F(gateway_realm_test, what_cannot_be_used_is_counted_and_explained_on_the_errors_topic) {
  const auto who = connected();
  realm_->on_connect(*who);
  realm_->on_publish(*who, {"t/gw1/up", "bad", 0, false});
  realm_->on_publish(*who, {"t/gw1/status", "{}", 0, false});  // the format has no status codec
  realm_->on_publish(*who, {"hello", "gw2", 0, false});        // a session message in another's name
  realm_->on_publish(*who, {"hello", "gw1", 0, false});        // accepted: nothing to say
  EXPECT_TRUE(core_.uplinks.empty());
  EXPECT_EQ(realm_->stats().dropped, 3u);
  ASSERT_EQ(publisher_.messages.size(), 3u);
  const std::vector<std::string> topics = {"t/gw1/up", "t/gw1/status", "hello"};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(publisher_.messages[i]->topic, "t/gw1/errors");
    const auto error = nlohmann::json::parse(publisher_.messages[i]->payload);
    EXPECT_EQ(error["topic"], topics[i]);
    EXPECT_FALSE(error["reason"].get<std::string>().empty());
  }
  std::uint64_t counted = 0;
  const auto snapshot = hub_.changed_since(0).at(0);
  for (const auto& [reason, n] : snapshot.dropped) counted += n;
  EXPECT_EQ(counted, 3u);
}

TEST_F(gateway_realm_test, downlinks_go_to_the_connected_gateway_through_a_takeover) {
  network::downlink_tx tx;
  tx.id = 3;
  tx.gateway_id = "gw1";
  tx.raw_payload = {'h', 'i'};
  EXPECT_EQ(realm_->transmit(tx), network::send_result::not_connected);
  const auto first = connected(), second = connected();
  realm_->on_connect(*first);
  realm_->on_connect(*second);  // the takeover connects before the old connection closes
  realm_->on_disconnect(*first, false);
  EXPECT_TRUE(hub_.connected("gw1"));
  EXPECT_EQ(hub_.send_downlink(tx), network::send_result::sent);  // the format has no TxAck
  ASSERT_EQ(publisher_.messages.size(), 1u);
  EXPECT_EQ(publisher_.messages[0]->topic, "t/gw1/down");
  EXPECT_EQ(publisher_.messages[0]->payload, "hi");
  EXPECT_EQ(publisher_.messages[0]->qos, 0);
  realm_->on_disconnect(*second, true);
  EXPECT_FALSE(hub_.connected("gw1"));
  EXPECT_EQ(hub_.send_downlink(tx), network::send_result::not_connected);
}

}  // namespace
}  // namespace tether::gateway
