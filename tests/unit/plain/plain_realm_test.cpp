// The plain broker realm: who may connect (CONNACK 5 as Mosquitto answers) and the ACL and $SYS
// checks on publish, subscribe and delivery.

#include "plain/plain_realm.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace tether::plain {
namespace {

using mqtt::codec::connack_code;

const std::string& alice_hash() {
  static const std::string hash = password_file::hash_password("wonderland");
  return hash;
}

plain_options with_passwords(bool allow_anonymous) {
  plain_options o;
  o.allow_anonymous = allow_anonymous;
  o.passwords = password_file::parse("alice:" + alice_hash() + "\n", "test.passwd");
  return o;
}

mqtt::connect_request request(std::optional<std::string_view> user = std::nullopt,
                              std::optional<std::string_view> password = std::nullopt) {
  mqtt::connect_request r;
  r.client_id = "client-1";
  r.username = user;
  r.password = password;
  return r;
}

mqtt::principal who(std::string user, std::string client_id = "client-1") {
  mqtt::principal p;
  p.username = std::move(user);
  p.client_id = std::move(client_id);
  return p;
}

TEST(plain_realm_test, AnonymousAllowed) {
  plain_realm realm(with_passwords(true));
  auto r = realm.authenticate(request());
  ASSERT_NE(r.who, nullptr) << r.reason;
  EXPECT_EQ(r.who->username, "");
  // Without an ACL the client ID decides nothing: anonymous clients share one principal.
  EXPECT_EQ(r.who->client_id, "");
  EXPECT_EQ(realm.authenticate(request()).who, r.who);
}

TEST(plain_realm_test, WithAnAclEachClientHasItsOwnPrincipalWithItsClientId) {
  plain_options o = with_passwords(true);
  o.acl = acl_file::parse("pattern write clients/%c/status\n", "test.acl");
  plain_realm realm(std::move(o));
  auto anon = realm.authenticate(request());
  auto alice = realm.authenticate(request("alice", "wonderland"));
  ASSERT_NE(anon.who, nullptr);
  ASSERT_NE(alice.who, nullptr);
  EXPECT_EQ(anon.who->client_id, "client-1");
  EXPECT_EQ(alice.who->client_id, "client-1");
  EXPECT_EQ(alice.who->username, "alice");
  EXPECT_NE(realm.authenticate(request()).who, anon.who);
  EXPECT_TRUE(realm.authorize_publish(*anon.who, "clients/client-1/status"));
}

TEST(plain_realm_test, AnonymousRefusedWithCode5) {
  plain_realm realm(with_passwords(false));
  auto r = realm.authenticate(request());
  EXPECT_EQ(r.who, nullptr);
  EXPECT_EQ(r.refusal, connack_code::not_authorized);
  EXPECT_EQ(static_cast<int>(r.refusal), 5);
  EXPECT_EQ(r.reason, "anonymous access is off");
}

TEST(plain_realm_test, NothingConfiguredRefusesEveryone) {
  plain_realm realm(plain_options{});
  EXPECT_EQ(realm.authenticate(request()).refusal, connack_code::not_authorized);
  auto r = realm.authenticate(request("alice", "wonderland"));
  EXPECT_EQ(r.who, nullptr);
  EXPECT_EQ(r.refusal, connack_code::not_authorized);
  EXPECT_EQ(r.reason, "no password file to check credentials against");
}

TEST(plain_realm_test, RightPasswordIsAccepted) {
  plain_realm realm(with_passwords(false));
  auto r = realm.authenticate(request("alice", "wonderland"));
  ASSERT_NE(r.who, nullptr) << r.reason;
  EXPECT_EQ(r.who->username, "alice");
  // Without an ACL the connections of one user share a principal.
  EXPECT_EQ(realm.authenticate(request("alice", "wonderland")).who, r.who);
}

TEST(plain_realm_test, WrongPasswordIsRefusedWithCode5EvenWhenAnonymousIsAllowed) {
  for (bool anonymous : {false, true}) {
    plain_realm realm(with_passwords(anonymous));
    for (auto [user, password] : {std::pair{"alice", std::optional<std::string_view>{"wrong"}},
                                  std::pair{"alice", std::optional<std::string_view>{}},
                                  std::pair{"mallory", std::optional<std::string_view>{"wonderland"}}}) {
      auto r = realm.authenticate(request(user, password));
      EXPECT_EQ(r.who, nullptr) << user << " anonymous=" << anonymous;
      EXPECT_EQ(static_cast<int>(r.refusal), 5);
      EXPECT_EQ(r.reason, "wrong user name or password for '" + std::string(user) + "'");
    }
  }
}

TEST(plain_realm_test, UserNameWithoutPasswordFileIsTakenAsIsWhenAnonymousIsAllowed) {
  // As Mosquitto with allow_anonymous and no password_file: the name is not checked.
  plain_options o;
  o.allow_anonymous = true;
  plain_realm realm(std::move(o));
  auto r = realm.authenticate(request("bob", "anything"));
  ASSERT_NE(r.who, nullptr);
  EXPECT_EQ(r.who->username, "bob");
  EXPECT_EQ(r.who->client_id, "client-1");  // an unchecked name gets no shared principal
}

TEST(plain_realm_test, NoAclAllowsEverythingButPublishingIntoSys) {
  plain_realm realm(with_passwords(true));
  EXPECT_EQ(realm.name(), "mqtt");
  EXPECT_FALSE(realm.checks_reads());
  auto anyone = who("");
  EXPECT_TRUE(realm.authorize_publish(anyone, "a/b"));
  EXPECT_FALSE(realm.authorize_publish(anyone, "$SYS/broker/uptime"));
  EXPECT_FALSE(realm.authorize_publish(anyone, "$SYS"));
  auto d = realm.authorize_subscribe(anyone, "#");
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.filter, "#");
  EXPECT_TRUE(realm.authorize_read(anyone, "a/b"));
}

TEST(plain_realm_test, SysPublishIsDeniedEvenWhenTheAclGrantsIt) {
  plain_options o;
  o.allow_anonymous = true;
  o.acl = acl_file::parse("topic readwrite $SYS/#\ntopic readwrite #\n", "test.acl");
  plain_realm realm(std::move(o));
  EXPECT_FALSE(realm.authorize_publish(who(""), "$SYS/broker/clients"));
  EXPECT_TRUE(realm.authorize_publish(who(""), "a/b"));
  // Reading $SYS is fine when the ACL allows it.
  EXPECT_TRUE(realm.authorize_read(who(""), "$SYS/broker/clients"));
  EXPECT_TRUE(realm.authorize_subscribe(who(""), "$SYS/#").allowed);
}

TEST(plain_realm_test, AclDecidesPublishSubscribeAndDelivery) {
  plain_options o = with_passwords(true);
  o.acl = acl_file::parse(
      "topic read public/#\n"
      "user alice\n"
      "topic readwrite alice/#\n"
      "topic deny alice/private/#\n"
      "pattern write clients/%c/status\n",
      "test.acl");
  plain_realm realm(std::move(o));
  EXPECT_TRUE(realm.checks_reads());

  auto anon = who("");
  EXPECT_FALSE(realm.authorize_publish(anon, "public/news"));
  EXPECT_TRUE(realm.authorize_read(anon, "public/news"));
  EXPECT_TRUE(realm.authorize_subscribe(anon, "public/+").allowed);
  EXPECT_FALSE(realm.authorize_subscribe(anon, "#").allowed);
  EXPECT_TRUE(realm.authorize_publish(anon, "clients/client-1/status"));
  EXPECT_FALSE(realm.authorize_publish(anon, "clients/client-2/status"));

  auto alice = who("alice");
  EXPECT_TRUE(realm.authorize_publish(alice, "alice/x"));
  EXPECT_FALSE(realm.authorize_publish(alice, "alice/private/x"));
  EXPECT_FALSE(realm.authorize_read(alice, "public/news"));
  auto d = realm.authorize_subscribe(alice, "alice/#");
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.filter, "alice/#");
  EXPECT_EQ(d.max_qos, 2);
  EXPECT_FALSE(realm.authorize_subscribe(alice, "alice/private/+").allowed);
  EXPECT_FALSE(realm.authorize_read(alice, "alice/private/diary"));
}

}  // namespace
}  // namespace tether::plain
