// IDs, tokens and their hashes in the IoT registry.

#include "iotp/registry_ids.hpp"
#include "iotp/registry_token.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace tether::iotp {
namespace {

TEST(IotRegistryIds, Orgs) {
  EXPECT_TRUE(is_valid_org("acme01"));
  EXPECT_TRUE(is_valid_org("000000"));
  EXPECT_FALSE(is_valid_org("acme0"));
  EXPECT_FALSE(is_valid_org("acme012"));
  EXPECT_FALSE(is_valid_org("Acme01"));
  EXPECT_FALSE(is_valid_org("acme-1"));
  EXPECT_FALSE(is_valid_org(""));
}

TEST(IotRegistryIds, DeviceTypeAndGroupIds) {
  EXPECT_TRUE(is_valid_device_id("a"));
  EXPECT_TRUE(is_valid_device_id("Sensor-1_x.y"));
  EXPECT_TRUE(is_valid_device_id(std::string(36, 'x')));
  EXPECT_FALSE(is_valid_device_id(std::string(37, 'x')));
  EXPECT_FALSE(is_valid_device_id(""));
  EXPECT_FALSE(is_valid_device_id("a:b"));
  EXPECT_FALSE(is_valid_device_id("a/b"));
  EXPECT_FALSE(is_valid_device_id("a+"));
  EXPECT_EQ(default_group_of("acme01", "hub", "gw1"), "gw_def_res_grp:acme01:hub:gw1");
  EXPECT_TRUE(is_valid_group_id(default_group_of("acme01", "hub", std::string(36, 'g'))));
  EXPECT_FALSE(is_valid_group_id("a b"));
}

TEST(IotRegistryIds, ApiKeys) {
  EXPECT_TRUE(is_valid_api_key("a-acme01-abcdefgh12"));
  EXPECT_EQ(api_key_org("a-acme01-abcdefgh12"), "acme01");
  EXPECT_FALSE(is_valid_api_key("a-acme01-abcdefgh1"));
  EXPECT_FALSE(is_valid_api_key("a-acme01-ABCDEFGH12"));
  EXPECT_FALSE(is_valid_api_key("b-acme01-abcdefgh12"));
  EXPECT_FALSE(is_valid_api_key("a-acme0-abcdefgh123"));
  EXPECT_EQ(api_key_org("nope"), "");
}

TEST(IotRegistryTokens, Bounds) {
  EXPECT_FALSE(is_valid_token("1234567"));
  EXPECT_TRUE(is_valid_token("12345678"));
  EXPECT_TRUE(is_valid_token(std::string(36, 'x')));
  EXPECT_FALSE(is_valid_token(std::string(37, 'x')));
  EXPECT_FALSE(is_valid_token("with space"));
  EXPECT_FALSE(is_valid_token("tab\there1"));
  EXPECT_TRUE(is_valid_token("p@ss!w0rd(&)"));
}

TEST(IotRegistryTokens, GeneratedTokensAreValidAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    auto t = generate_token();
    EXPECT_EQ(t.size(), generated_token_length);
    EXPECT_TRUE(is_valid_token(t));
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 100u);
  auto lower = random_alnum(200, true);
  EXPECT_EQ(lower.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789"), std::string::npos);
}

TEST(IotRegistryTokens, HashesAreSaltedAndMatchOnlyTheToken) {
  auto a = hash_token("secret-token");
  auto b = hash_token("secret-token");
  EXPECT_EQ(a.size(), 48u);
  EXPECT_NE(a, b);  // a fresh salt each time
  EXPECT_EQ(a.find("secret-token"), std::string::npos);
  EXPECT_TRUE(token_matches(a, "secret-token"));
  EXPECT_TRUE(token_matches(b, "secret-token"));
  EXPECT_FALSE(token_matches(a, "secret-tokeN"));
  EXPECT_FALSE(token_matches(a, "secret-token "));
  EXPECT_FALSE(token_matches(a, ""));
  EXPECT_FALSE(token_matches("", "secret-token"));  // auto-registered devices: no token at all
  EXPECT_FALSE(token_matches(a.substr(0, 47), "secret-token"));
}

}  // namespace
}  // namespace tether::iotp
