// Broker URIs (spec/everynet.md B1): schemes, default ports, WebSocket path, userinfo decoding.

#include "application/connector/uri.hpp"

#include <gtest/gtest.h>

namespace tether::application::connector {
namespace {

broker_uri parse_ok(std::string_view text) {
  auto r = parse_broker_uri(text);
  EXPECT_TRUE(r.has_value()) << text << ": " << (r ? "" : r.error());
  return r ? *r : broker_uri{};
}

std::string parse_error(std::string_view text) {
  auto r = parse_broker_uri(text);
  EXPECT_FALSE(r.has_value()) << text;
  return r ? std::string() : r.error();
}

TEST(BrokerUri, EachSchemeHasItsDefaultPort) {
  EXPECT_EQ(parse_ok("mqtt://broker.example.com").port, 1883);
  EXPECT_EQ(parse_ok("mqtts://broker.example.com").port, 8883);
  EXPECT_EQ(parse_ok("ws://broker.example.com").port, 80);
  EXPECT_EQ(parse_ok("wss://broker.example.com").port, 443);
  EXPECT_EQ(parse_ok("mqtts://broker.example.com").scheme, uri_scheme::mqtts);
  EXPECT_TRUE(parse_ok("wss://h").tls());
  EXPECT_TRUE(parse_ok("wss://h").websocket());
  EXPECT_FALSE(parse_ok("mqtt://h").tls());
}

TEST(BrokerUri, ExplicitPortAndHost) {
  const auto u = parse_ok("mqtt://127.0.0.1:11883");
  EXPECT_EQ(u.host, "127.0.0.1");
  EXPECT_EQ(u.port, 11883);
  EXPECT_FALSE(u.username);
  EXPECT_FALSE(u.password);
  const auto v6 = parse_ok("mqtts://[::1]:8884");
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.port, 8884);
  EXPECT_EQ(parse_ok("mqtt://h/").host, "h");
}

TEST(BrokerUri, WebSocketPathDefaultsToMqtt) {
  EXPECT_EQ(parse_ok("ws://h").path, "/mqtt");
  EXPECT_EQ(parse_ok("ws://h/").path, "/mqtt");
  EXPECT_EQ(parse_ok("wss://h:9443/ws/broker?x=1").path, "/ws/broker?x=1");
}

TEST(BrokerUri, UserinfoIsPercentDecoded) {
  const auto u = parse_ok("mqtts://us%40er:p%3Ass%2Fw@broker:8883");
  ASSERT_TRUE(u.username && u.password);
  EXPECT_EQ(*u.username, "us@er");
  EXPECT_EQ(*u.password, "p:ss/w");
  const auto only_user = parse_ok("mqtt://alice@h");
  EXPECT_EQ(only_user.username, "alice");
  EXPECT_FALSE(only_user.password);
  EXPECT_EQ(parse_ok("mqtt://alice:@h").password, "");
}

TEST(BrokerUri, AUserNameQueryIsKeptAsGiven) {
  // AWS IoT custom authorizer: the broker reads the query encoded.
  const auto u = parse_ok(
      "mqtts://"
      "device?x-amz-customauthorizer-name=Auth&x-amz-customauthorizer-signature=a%2Bb%3D:tok@iot.example:"
      "443");
  EXPECT_EQ(*u.username, "device?x-amz-customauthorizer-name=Auth&x-amz-customauthorizer-signature=a%2Bb%3D");
  EXPECT_EQ(*u.password, "tok");
  EXPECT_EQ(u.host, "iot.example");
  EXPECT_EQ(u.port, 443);
}

TEST(BrokerUri, BadUrisAreRefusedWithTheReason) {
  EXPECT_NE(parse_error("").find("empty"), std::string::npos);
  EXPECT_NE(parse_error("http://h").find("unknown scheme 'http'"), std::string::npos);
  EXPECT_NE(parse_error("broker:1883").find("scheme://"), std::string::npos);
  EXPECT_NE(parse_error("mqtt://").find("no host"), std::string::npos);
  EXPECT_NE(parse_error("mqtt://h:0").find("port '0'"), std::string::npos);
  EXPECT_NE(parse_error("mqtt://h:70000").find("port"), std::string::npos);
  EXPECT_NE(parse_error("mqtt://h:").find("port ''"), std::string::npos);
  EXPECT_NE(parse_error("mqtt://h:x1").find("port"), std::string::npos);
  EXPECT_NE(parse_error("mqtt://h/topic").find("no path"), std::string::npos);
  EXPECT_NE(parse_error("mqtt://h o").find("space"), std::string::npos);
  EXPECT_NE(parse_error("mqtt://bad%zz@h").find("%-escape"), std::string::npos);
  EXPECT_NE(parse_error("mqtt://u:bad%4@h").find("%-escape"), std::string::npos);
  EXPECT_NE(parse_error("mqtt://[::1").find("']'"), std::string::npos);
  EXPECT_NE(parse_error("mqtt://ho$t").find("host"), std::string::npos);
  EXPECT_NE(parse_error("ws://h#frag").find("fragment"), std::string::npos);
}

TEST(BrokerUri, RedactsThePassword) {
  EXPECT_EQ(redact_password("mqtts://user:secret@h:8883"), "mqtts://user:***@h:8883");
  EXPECT_EQ(redact_password("mqtt://user@h"), "mqtt://user@h");
  EXPECT_EQ(redact_password("mqtt://h:1883"), "mqtt://h:1883");
}

}  // namespace
}  // namespace tether::application::connector
