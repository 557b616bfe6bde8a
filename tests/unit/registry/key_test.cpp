// API keys: creation, stored hash only, authentication with the cache, revocation, cascades.

#include "registry/application_store.hpp"
#include "registry/gateway_store.hpp"
#include "registry/key_authenticator.hpp"
#include "registry/key_format.hpp"
#include "registry/key_store.hpp"
#include "registry_fixture.hpp"

#include <unistd.h>
#include <fstream>
#include <iterator>

namespace tether::registry {
namespace {

using RegistryKeys = test::registry_test;

const entity_ref gw1{entity_kind::gateway, "gw1"};
const entity_ref app1{entity_kind::application, "app1"};

class registry_keys : public test::registry_test {
 protected:
  void SetUp() override {
    registry_test::SetUp();
    gateway g;
    g.gateway_id = "gw1";
    ASSERT_TRUE(gateway_store(*db_).create(g));
    ASSERT_TRUE(application_store(*db_).create({"app1", "", 0}));
  }
};
using RegistryKeysOwned = registry_keys;

TEST_F(RegistryKeysOwned, CreateListGetRemove) {
  key_store keys(*db_);
  auto created = keys.create(gw1, {right::gateway_link}, "roof");
  ASSERT_TRUE(created) << created.error().message();
  EXPECT_TRUE(created->full_key.starts_with("NNSXS." + created->key.key_id + "."));
  auto listed = keys.list(gw1);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0], created->key);
  EXPECT_EQ(keys.get(created->key.key_id)->rights, (rights{right::gateway_link}));
  EXPECT_TRUE(keys.list(app1)->empty());
  EXPECT_TRUE(keys.remove(created->key.key_id));
  EXPECT_EQ(keys.remove(created->key.key_id).error(), registry_error::not_found);
  EXPECT_EQ(keys.get(created->key.key_id).error(), registry_error::not_found);
}

TEST_F(RegistryKeysOwned, RefusesBadOwnersAndRights) {
  key_store keys(*db_);
  EXPECT_EQ(keys.create({entity_kind::gateway, "gw9"}, {right::gateway_link}).error(),
            registry_error::unknown_gateway);
  EXPECT_EQ(keys.create({entity_kind::application, "app9"}, {right::application_info}).error(),
            registry_error::unknown_application);
  EXPECT_EQ(keys.create(gw1, {right::application_traffic_read}).error(),
            registry_error::right_not_for_entity);
  EXPECT_EQ(keys.create(app1, {}).error(), registry_error::no_rights);
  EXPECT_EQ(keys.create({entity_kind::gateway, "GW"}, {right::gateway_link}).error(),
            registry_error::invalid_id);
  EXPECT_EQ(keys.list({entity_kind::gateway, "gw9"}).error(), registry_error::unknown_gateway);
}

// An application key and an admin key (which lives in a table of its own): the ID is stored, the
// secret only as its hash.
TEST_F(RegistryKeysOwned, OnlyTheHashIsStored) {
  auto created = key_store(*db_).create(app1, {right::application_all});
  auto admin = key_store(*db_).create({entity_kind::admin, ""}, {right::admin_all});
  ASSERT_TRUE(created);
  ASSERT_TRUE(admin);
  db_->exec("PRAGMA wal_checkpoint(TRUNCATE)");
  std::string bytes;
  for (auto suffix : {"", "-wal"}) {
    std::ifstream in(path() + suffix, std::ios::binary);
    bytes.append(std::istreambuf_iterator<char>(in), {});
  }
  auto stored = key_store(*db_).load_all();
  ASSERT_EQ(stored.size(), 2u);
  for (const auto* key : {&*created, &*admin}) {
    const auto secret = parse_key(key->full_key)->secret;
    EXPECT_NE(bytes.find(key->key.key_id), std::string::npos);
    EXPECT_EQ(bytes.find(secret), std::string::npos);
    const auto it = std::find_if(stored.begin(), stored.end(),
                                 [&](const auto& s) { return s.key.key_id == key->key.key_id; });
    ASSERT_NE(it, stored.end());
    EXPECT_EQ(it->secret_hash, hash_secret(secret));
  }
}

TEST_F(RegistryKeysOwned, Authenticates) {
  key_authenticator auth(*db_);
  auto created =
      key_store(*db_).create(app1, {right::application_traffic_read, right::application_devices_read});
  ASSERT_TRUE(created);
  auto granted = auth.authenticate_key(app1, created->full_key);
  ASSERT_TRUE(granted);
  EXPECT_TRUE(granted->contains(right::application_traffic_read));
  EXPECT_FALSE(granted->contains(right::application_traffic_down_write));
  auto full = auth.authenticate(app1, created->full_key);
  ASSERT_TRUE(full);
  EXPECT_EQ(full->key_id, created->key.key_id);

  // Another owner, a wrong secret, a malformed key: refused.
  EXPECT_FALSE(auth.authenticate_key({entity_kind::application, "app2"}, created->full_key));
  EXPECT_FALSE(auth.authenticate_key({entity_kind::gateway, "app1"}, created->full_key));
  auto wrong = created->full_key;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(auth.authenticate_key(app1, wrong));
  EXPECT_FALSE(auth.authenticate_key(app1, "NNSXS.nope"));
  EXPECT_FALSE(auth.authenticate_key(app1, ""));
}

TEST_F(RegistryKeysOwned, SeesKeysCreatedAndRevokedByAnotherConnection) {
  key_authenticator auth(*db_);
  auto cli = second_connection();
  auto created = key_store(*cli).create(gw1, {right::gateway_link});
  ASSERT_TRUE(created);
  EXPECT_TRUE(auth.authenticate_key(gw1, created->full_key));  // no restart, no explicit refresh
  ASSERT_TRUE(key_store(*cli).remove(created->key.key_id));
  EXPECT_FALSE(auth.authenticate_key(gw1, created->full_key));
}

TEST_F(RegistryKeysOwned, DeletingTheOwnerRevokesItsKeys) {
  key_authenticator auth(*db_);
  auto gw_key = key_store(*db_).create(gw1, {right::gateway_link});
  auto app_key = key_store(*db_).create(app1, {right::application_link});
  ASSERT_TRUE(gw_key && app_key);
  EXPECT_TRUE(auth.authenticate_key(gw1, gw_key->full_key));
  ASSERT_TRUE(gateway_store(*db_).remove("gw1"));
  ASSERT_TRUE(application_store(*db_).remove("app1"));
  EXPECT_FALSE(auth.authenticate_key(gw1, gw_key->full_key));
  EXPECT_FALSE(auth.authenticate_key(app1, app_key->full_key));
  EXPECT_TRUE(key_store(*db_).load_all().empty());
}

}  // namespace
}  // namespace tether::registry
