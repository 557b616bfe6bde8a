// The IoT registry store: orgs, types, devices and gateways, resource groups and their limits, API keys,
// hashed tokens, cascades and the registry version.

#include "iotp/registry_store.hpp"
#include "iotp/registry_ids.hpp"
#include "iotp/registry_key_store.hpp"
#include "iotp/registry_token.hpp"
#include "registry/change_counter.hpp"
#include "registry_fixture.hpp"

#include <fstream>
#include <iterator>

namespace tether::iotp {
namespace {

using test::iot_registry_test;
using IotRegistryStore = iot_registry_test;

std::string file_bytes(const std::filesystem::path& dir) {
  std::string out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    out.append(std::istreambuf_iterator<char>(in), {});
  }
  return out;
}

TEST_F(IotRegistryStore, OrgsAndTypes) {
  registry_store store(*db_);
  EXPECT_EQ(store.create_org("Acme01").error(), iot_error::invalid_org);
  ASSERT_TRUE(store.create_org("acme01"));
  EXPECT_EQ(store.create_org("acme01").error(), iot_error::already_exists);
  ASSERT_EQ(store.list_orgs().size(), 1u);
  EXPECT_EQ(store.create_type("zzzzzz", "t", type_class::device).error(), iot_error::unknown_org);
  EXPECT_EQ(store.create_type("acme01", "a:b", type_class::device).error(), iot_error::invalid_type_id);
  ASSERT_TRUE(store.create_type("acme01", "sensor", type_class::device));
  ASSERT_TRUE(store.create_type("acme01", "hub", type_class::gateway));
  EXPECT_EQ(store.create_type("acme01", "hub", type_class::device).error(), iot_error::already_exists);
  auto types = store.list_types("acme01");
  ASSERT_TRUE(types);
  ASSERT_EQ(types->size(), 2u);
  EXPECT_EQ((*types)[0].type, "hub");
  EXPECT_EQ((*types)[0].kind, type_class::gateway);
  EXPECT_EQ(store.get_type("acme01", "nope").error(), iot_error::not_found);
  EXPECT_EQ(store.list_types("zzzzzz").error(), iot_error::unknown_org);
}

TEST_F(IotRegistryStore, DevicesNeedTheirOrgAndATypeOfTheirClass) {
  populate();
  registry_store store(*db_);
  EXPECT_EQ(store.create_device({.ref = {"zzzzzz", "sensor", "d1"}}).error(), iot_error::unknown_org);
  EXPECT_EQ(store.create_device({.ref = {"acme01", "nope", "d1"}}).error(), iot_error::unknown_type);
  EXPECT_EQ(store.create_device({.ref = {"acme01", "hub", "d1"}}).error(), iot_error::wrong_class);
  EXPECT_EQ(store.create_device({.ref = sensor("d1"), .kind = type_class::gateway}).error(),
            iot_error::wrong_class);
  EXPECT_EQ(store.create_device({.ref = sensor("d/1")}).error(), iot_error::invalid_device_id);
  EXPECT_EQ(store.create_device({.ref = sensor("d1"), .token = "short"}).error(), iot_error::invalid_token);
  auto d = store.create_device({.ref = sensor("d1")});
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_EQ(d->token.size(), generated_token_length);
  EXPECT_EQ(d->device.source, registration_source::cli);
  EXPECT_FALSE(d->device.connected);
  EXPECT_FALSE(d->device.last_location);
  EXPECT_EQ(store.create_device({.ref = sensor("d1")}).error(), iot_error::already_exists);
  EXPECT_EQ(store.get_device(sensor("d1"), type_class::gateway).error(), iot_error::not_found);
  EXPECT_EQ(store.remove_type("acme01", "sensor").error(), iot_error::type_in_use);
  EXPECT_TRUE(store.remove_device(sensor("d1"), type_class::device));
  EXPECT_EQ(store.remove_device(sensor("d1"), type_class::device).error(), iot_error::not_found);
  EXPECT_TRUE(store.remove_type("acme01", "sensor"));
}

TEST_F(IotRegistryStore, TokensAreStoredHashedOnly) {
  populate();
  registry_store store(*db_);
  ASSERT_TRUE(store.create_device({.ref = sensor("d1"), .token = "Device-Token-Given-1"}));
  auto generated = store.create_device({.ref = sensor("d2")});
  ASSERT_TRUE(generated);
  auto key = registry_key_store(*db_).create("acme01");
  ASSERT_TRUE(key);
  db_.reset();  // everything on disk, WAL included
  const auto bytes = file_bytes(dir_);
  ASSERT_NE(bytes.find("gw_def_res_grp:acme01:hub:gw1"), std::string::npos);  // the files are readable
  EXPECT_EQ(bytes.find("Device-Token-Given-1"), std::string::npos);
  EXPECT_EQ(bytes.find("gateway-token-1"), std::string::npos);
  EXPECT_EQ(bytes.find(generated->token), std::string::npos);
  EXPECT_EQ(bytes.find(key->token), std::string::npos);
  db_ = std::make_unique<storage::database>(path());
  for (const auto& d : registry_store(*db_).load_devices()) {
    if (d.record.ref == sensor("d1")) {
      EXPECT_TRUE(token_matches(d.token_hash, "Device-Token-Given-1"));
    }
    if (d.record.ref == sensor("d2")) {
      EXPECT_TRUE(token_matches(d.token_hash, generated->token));
    }
  }
}

TEST_F(IotRegistryStore, GatewaysGetADefaultGroupAndAreThereByDefaultPrivileged) {
  populate();
  registry_store store(*db_);
  auto gw = store.get_device(gateway_ref(), type_class::gateway);
  ASSERT_TRUE(gw);
  EXPECT_EQ(gw->record.role, gateway_role::privileged);
  ASSERT_EQ(gw->record.groups, std::vector<std::string>{"gw_def_res_grp:acme01:hub:gw1"});
  auto group = store.get_group("acme01", "gw_def_res_grp:acme01:hub:gw1");
  ASSERT_TRUE(group);
  ASSERT_TRUE(group->owner);
  EXPECT_EQ(*group->owner, gateway_ref());
  EXPECT_EQ(store.remove_group("acme01", group->group).error(), iot_error::default_group);
  auto standard = store.create_device(
      {.ref = {"acme01", "hub", "gw2"}, .kind = type_class::gateway, .role = gateway_role::standard});
  ASSERT_TRUE(standard);
  EXPECT_EQ(standard->device.record.role, gateway_role::standard);
  // Deleting a gateway deletes its default group.
  EXPECT_TRUE(store.remove_device(gateway_ref(), type_class::gateway));
  EXPECT_EQ(store.get_group("acme01", "gw_def_res_grp:acme01:hub:gw1").error(), iot_error::not_found);
}

TEST_F(IotRegistryStore, GroupRules) {
  populate();
  registry_store store(*db_);
  const std::string own = "gw_def_res_grp:acme01:hub:gw1";
  ASSERT_TRUE(store.create_device({.ref = sensor("d1"), .groups = {own}}));
  EXPECT_EQ(store.create_device({.ref = sensor("d2"), .groups = {"nope"}}).error(), iot_error::unknown_group);
  EXPECT_EQ(store.add_member(own, sensor("d1")).error(), iot_error::already_exists);
  EXPECT_EQ(store.add_member(own, gateway_ref()).error(), iot_error::wrong_class);
  EXPECT_EQ(store.add_member(own, sensor("d9")).error(), iot_error::not_found);
  // A custom group a second gateway acts for; not another gateway's default group.
  ASSERT_TRUE(store.create_group("acme01", "floor1"));
  EXPECT_EQ(store.create_group("acme01", "floor1").error(), iot_error::already_exists);
  EXPECT_EQ(
      store.create_device({.ref = {"acme01", "hub", "gw2"}, .kind = type_class::gateway, .groups = {own}})
          .error(),
      iot_error::default_group);
  auto gw2 = store.create_device(
      {.ref = {"acme01", "hub", "gw2"}, .kind = type_class::gateway, .groups = {"floor1"}});
  ASSERT_TRUE(gw2);
  EXPECT_EQ(gw2->device.record.groups, (std::vector<std::string>{"gw_def_res_grp:acme01:hub:gw2", "floor1"}));
  ASSERT_TRUE(store.add_member("floor1", sensor("d1")));
  EXPECT_EQ(store.get_device(sensor("d1"), type_class::device)->record.groups,
            (std::vector<std::string>{"floor1", own}));
  auto floor = store.get_group("acme01", "floor1");
  ASSERT_TRUE(floor);
  EXPECT_EQ(floor->members, std::vector<device_ref>{sensor("d1")});
  EXPECT_EQ(floor->gateways, (std::vector<device_ref>{{"acme01", "hub", "gw2"}}));
  EXPECT_TRUE(store.remove_member("floor1", sensor("d1")));
  EXPECT_EQ(store.remove_member("floor1", sensor("d1")).error(), iot_error::not_found);
  EXPECT_TRUE(store.remove_group("acme01", "floor1"));
}

TEST_F(IotRegistryStore, AtMostTenGroupsPerDeviceAndPerGateway) {
  populate();
  registry_store store(*db_);
  std::vector<std::string> ten;
  for (int i = 0; i < 10; ++i) {
    ten.push_back("g" + std::to_string(i));
    ASSERT_TRUE(store.create_group("acme01", ten.back()));
  }
  ASSERT_TRUE(store.create_group("acme01", "g10"));
  ASSERT_TRUE(store.create_device({.ref = sensor("d1"), .groups = ten}));
  EXPECT_EQ(store.add_member("g10", sensor("d1")).error(), iot_error::too_many_groups);
  auto eleven = ten;
  eleven.push_back("g10");
  EXPECT_EQ(store.create_device({.ref = sensor("d2"), .groups = eleven}).error(), iot_error::too_many_groups);
  // A gateway: its default group and 9 more.
  std::vector<std::string> nine(ten.begin(), ten.begin() + 9);
  EXPECT_TRUE(
      store.create_device({.ref = {"acme01", "hub", "gw2"}, .kind = type_class::gateway, .groups = nine}));
  EXPECT_EQ(store.create_device({.ref = {"acme01", "hub", "gw3"}, .kind = type_class::gateway, .groups = ten})
                .error(),
            iot_error::too_many_groups);
}

TEST_F(IotRegistryStore, AtMost300DevicesPerGroup) {
  populate();
  registry_store store(*db_);
  ASSERT_TRUE(store.create_group("acme01", "big"));
  for (std::size_t i = 0; i < max_devices_per_group; ++i) {
    ASSERT_TRUE(store.create_device(
        {.ref = sensor("d" + std::to_string(i)), .token = "token-1234", .groups = {"big"}}));
  }
  EXPECT_EQ(store.create_device({.ref = sensor("one-more"), .groups = {"big"}}).error(),
            iot_error::group_full);
  EXPECT_FALSE(store.get_device(sensor("one-more"), type_class::device));  // nothing half-created
}

TEST_F(IotRegistryStore, DeletingAnOrgDeletesEverythingInIt) {
  populate();
  registry_store store(*db_);
  ASSERT_TRUE(store.create_device({.ref = sensor("d1"), .groups = {"gw_def_res_grp:acme01:hub:gw1"}}));
  ASSERT_TRUE(registry_key_store(*db_).create("acme01"));
  ASSERT_TRUE(store.create_org("other1"));
  EXPECT_TRUE(store.remove_org("acme01"));
  EXPECT_EQ(store.remove_org("acme01").error(), iot_error::not_found);
  for (const char* table : {"iot_types", "iot_devices", "iot_groups", "iot_group_members",
                            "iot_gateway_groups", "iot_api_keys"}) {
    auto s = db_->prepare("SELECT count(*) FROM " + std::string(table));
    ASSERT_TRUE(s.step());
    EXPECT_EQ(s.column_int(0), 0) << table;
  }
  EXPECT_EQ(store.list_orgs().size(), 1u);
}

TEST_F(IotRegistryStore, ApiKeys) {
  populate();
  registry_key_store keys(*db_);
  EXPECT_EQ(keys.create("zzzzzz").error(), iot_error::unknown_org);
  EXPECT_EQ(keys.create("acme01", "not a role").error(), iot_error::invalid_role);
  auto k = keys.create("acme01", "PD_STANDARD_APP");
  ASSERT_TRUE(k);
  EXPECT_TRUE(is_valid_api_key(k->key.record.key));
  EXPECT_EQ(api_key_org(k->key.record.key), "acme01");
  EXPECT_EQ(k->token.size(), generated_token_length);
  EXPECT_EQ(keys.get(k->key.record.key)->record.role, "PD_STANDARD_APP");
  EXPECT_EQ(keys.list("acme01")->size(), 1u);
  EXPECT_EQ(keys.get("a-acme01-0000000000").error(), iot_error::not_found);
  EXPECT_EQ(keys.get("bad").error(), iot_error::invalid_api_key);
  EXPECT_TRUE(keys.remove(k->key.record.key));
  EXPECT_EQ(keys.remove(k->key.record.key).error(), iot_error::not_found);
}

TEST_F(IotRegistryStore, EveryWriteBumpsTheVersionButConnectionsDoNot) {
  registry::change_counter counter(*db_);
  auto v = counter.current();
  auto bumped = [&] {
    auto now = counter.current();
    bool moved = now != v;
    v = now;
    return moved;
  };
  populate();
  EXPECT_TRUE(bumped());
  registry_store store(*db_);
  ASSERT_TRUE(store.create_device({.ref = sensor("d1")}));
  EXPECT_TRUE(bumped());
  ASSERT_TRUE(store.create_group("acme01", "g"));
  EXPECT_TRUE(bumped());
  ASSERT_TRUE(store.add_member("g", sensor("d1")));
  EXPECT_TRUE(bumped());
  auto key = registry_key_store(*db_).create("acme01");
  EXPECT_TRUE(bumped());
  ASSERT_TRUE(registry_key_store(*db_).remove(key->key.record.key));
  EXPECT_TRUE(bumped());
  EXPECT_FALSE(store.create_device({.ref = sensor("d1")}));
  EXPECT_FALSE(bumped());  // a refused write changes nothing
  store.write_connections({{sensor("d1"), true, 1700000000, std::nullopt}});
  EXPECT_FALSE(bumped());
  auto d = store.get_device(sensor("d1"), type_class::device);
  EXPECT_TRUE(d->connected);
  EXPECT_EQ(d->last_connect_at, 1700000000);
  EXPECT_FALSE(d->last_disconnect_at);
}

}  // namespace
}  // namespace tether::iotp
