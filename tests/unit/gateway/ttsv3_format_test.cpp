// The TTS v3 gateway format: credentials, topic layout and the codec it hands the shared realm.

#include "gateway/ttsv3/format.hpp"

#include <gtest/gtest.h>

namespace tether::gateway::ttsv3 {
namespace {

mqtt::connect_request login(std::optional<std::string_view> user, std::optional<std::string_view> password) {
  mqtt::connect_request r;
  r.client_id = "any";
  r.username = user;
  r.password = password;
  return r;
}

TEST(ttsv3_format, names_and_acknowledgements) {
  const format f;
  EXPECT_EQ(f.realm_name(), "gateway-v3");
  EXPECT_EQ(f.protocol(), "ttsv3");
  EXPECT_TRUE(f.acknowledges_transmissions());
  EXPECT_EQ(f.downlink_qos(), 2);
}

TEST(ttsv3_format, username_is_the_gateway_id_with_an_optional_tenant_and_password_the_key) {
  const format f;
  auto plain = f.read_credentials(login("gw1", "NNSXS.K"));
  ASSERT_TRUE(plain.credentials) << plain.reason;
  EXPECT_EQ(plain.credentials->gateway_id, "gw1");
  EXPECT_EQ(plain.credentials->key, "NNSXS.K");
  auto tenant = f.read_credentials(login("gw1@ttn", "NNSXS.K"));
  ASSERT_TRUE(tenant.credentials);
  EXPECT_EQ(tenant.credentials->gateway_id, "gw1");
  using mqtt::codec::connack_code;
  EXPECT_EQ(f.read_credentials(login(std::nullopt, "k")).refusal, connack_code::bad_username_or_password);
  EXPECT_EQ(f.read_credentials(login("Not An ID", "k")).refusal, connack_code::bad_username_or_password);
  auto no_key = f.read_credentials(login("gw1", std::nullopt));
  EXPECT_FALSE(no_key.credentials);
  EXPECT_EQ(no_key.refusal, connack_code::not_authorized);
}

TEST(ttsv3_format, topic_layout) {
  const format f;
  EXPECT_EQ(f.classify("gw1", "v3/gw1/up"), gateway_message::uplink);
  EXPECT_EQ(f.classify("gw1", "v3/gw1/status"), gateway_message::status);
  EXPECT_EQ(f.classify("gw1", "v3/gw1/down/ack"), gateway_message::tx_ack);
  for (const char* topic : {"v3/gw1/down", "v3/gw1/errors", "v3/gw2/up", "v3/gw10/up", "v3/gw/up", "gw1/up",
                            "v3/gw1up", "v3/gw1/up/x", "v3/gw1/"}) {
    EXPECT_FALSE(f.classify("gw1", topic)) << topic;
  }
  const auto t = f.topics("gw1");
  EXPECT_EQ(t.downlink, "v3/gw1/down");
  EXPECT_EQ(t.errors, "v3/gw1/errors");
  EXPECT_EQ(t.both, "v3/gw1/+");
}

}  // namespace
}  // namespace tether::gateway::ttsv3
