// iotp::registry_directory over the SQLite registry: authentication from the cache, refresh seeing a
// change made through another connection (the CLI), registration by a gateway, write-behind connection
// records.

#include "iotp/registry_directory.hpp"
#include "iotp/registry_ids.hpp"
#include "iotp/registry_key_store.hpp"
#include "registry/change_counter.hpp"
#include "registry_fixture.hpp"

#include <thread>

namespace tether::iotp {
namespace {

using test::iot_registry_test;
using IotRegistryDirectory = iot_registry_test;

device_record gateway_record(registry_directory& dir) {
  auto gw = dir.find({"acme01", "hub", "gw1"});
  EXPECT_TRUE(gw);
  return gw.value_or(device_record{});
}

TEST_F(IotRegistryDirectory, AuthenticatesDevicesAndGatewaysByToken) {
  populate();
  registry_store store(*db_);
  ASSERT_TRUE(store.create_device({.ref = sensor("d1"), .token = "device-token-1"}));
  registry_directory dir(path());
  auto d = dir.authenticate_device(sensor("d1"), "device-token-1");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->kind, type_class::device);
  EXPECT_TRUE(d->registered_by.empty());
  EXPECT_FALSE(dir.authenticate_device(sensor("d1"), "device-token-2"));
  EXPECT_FALSE(dir.authenticate_device(sensor("d2"), "device-token-1"));
  EXPECT_FALSE(dir.authenticate_device({"acme02", "sensor", "d1"}, "device-token-1"));
  auto gw = dir.authenticate_device(gateway_ref(), "gateway-token-1");
  ASSERT_TRUE(gw);
  EXPECT_EQ(gw->kind, type_class::gateway);
  EXPECT_EQ(gw->role, gateway_role::privileged);
  EXPECT_EQ(gw->groups, std::vector<std::string>{"gw_def_res_grp:acme01:hub:gw1"});
}

TEST_F(IotRegistryDirectory, AuthenticatesApiKeysOfTheirOrgOnly) {
  populate();
  ASSERT_TRUE(registry_store(*db_).create_org("other1"));
  auto key = registry_key_store(*db_).create("acme01", "PD_STANDARD_APP");
  ASSERT_TRUE(key);
  registry_directory dir(path());
  const auto& k = key->key.record.key;
  auto ok = dir.authenticate_key("acme01", k, key->token);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->role, "PD_STANDARD_APP");
  EXPECT_EQ(ok->org, "acme01");
  EXPECT_FALSE(dir.authenticate_key("other1", k, key->token));
  EXPECT_FALSE(dir.authenticate_key("acme01", k, key->token + "x"));
  EXPECT_FALSE(dir.authenticate_key("acme01", "a-acme01-0000000000", key->token));
  EXPECT_TRUE(dir.is_key_active(k));
}

TEST_F(IotRegistryDirectory, RefreshSeesWhatTheCliChanged) {
  populate();
  registry_directory dir(path());
  const auto v0 = dir.refresh();
  EXPECT_FALSE(dir.find(sensor("d1")));
  // "The CLI": another connection, as `tether iot device create` in another process.
  storage::database cli(path());
  ASSERT_TRUE(registry_store(cli).create_device({.ref = sensor("d1"), .token = "device-token-1"}));
  auto key = registry_key_store(cli).create("acme01");
  ASSERT_TRUE(key);
  EXPECT_FALSE(dir.find(sensor("d1")));  // not before a refresh
  const auto v1 = dir.refresh();
  EXPECT_GT(v1, v0);
  EXPECT_TRUE(dir.find(sensor("d1")));
  EXPECT_TRUE(dir.is_active(sensor("d1")));
  EXPECT_TRUE(dir.is_key_active(key->key.record.key));
  EXPECT_EQ(dir.refresh(), v1);  // nothing moved
  // Deletes and revocations: is_active turns false after the refresh.
  ASSERT_TRUE(registry_store(cli).remove_device(sensor("d1"), type_class::device));
  ASSERT_TRUE(registry_key_store(cli).remove(key->key.record.key));
  EXPECT_TRUE(dir.is_active(sensor("d1")));
  dir.refresh();
  EXPECT_FALSE(dir.is_active(sensor("d1")));
  EXPECT_FALSE(dir.is_key_active(key->key.record.key));
  EXPECT_TRUE(dir.is_active(gateway_ref()));
  ASSERT_TRUE(registry_store(cli).remove_org("acme01"));
  dir.refresh();
  EXPECT_FALSE(dir.is_active(gateway_ref()));
}

TEST_F(IotRegistryDirectory, AuthenticateSeesADeviceCreatedAMomentAgo) {
  populate();
  registry_directory dir(path());
  storage::database cli(path());
  ASSERT_TRUE(registry_store(cli).create_device({.ref = sensor("d1"), .token = "device-token-1"}));
  EXPECT_TRUE(dir.authenticate_device(sensor("d1"), "device-token-1"));
}

TEST_F(IotRegistryDirectory, RegisterDeviceJoinsTheGatewaysDefaultGroup) {
  populate();
  registry_directory dir(path());
  const auto gw = gateway_record(dir);
  const auto before = dir.refresh();
  EXPECT_EQ(dir.register_device(sensor("new1"), gw), registration_result::registered);
  auto found = dir.find(sensor("new1"));
  ASSERT_TRUE(found);  // at once, without a refresh
  EXPECT_EQ(found->groups, std::vector<std::string>{"gw_def_res_grp:acme01:hub:gw1"});
  EXPECT_EQ(found->registered_by, "g:acme01:hub:gw1");
  EXPECT_EQ(dir.refresh(), before + 1);
  // In the database, for `tether iot device show`.
  auto stored = registry_store(*db_).get_device(sensor("new1"), type_class::device);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->source, registration_source::gateway);
  EXPECT_EQ(stored->record.registered_by, "g:acme01:hub:gw1");
  auto group = registry_store(*db_).get_group("acme01", "gw_def_res_grp:acme01:hub:gw1");
  EXPECT_EQ(group->members, std::vector<device_ref>{sensor("new1")});
  // An auto-registered device has no token to log in with.
  EXPECT_FALSE(dir.authenticate_device(sensor("new1"), ""));
}

TEST_F(IotRegistryDirectory, RegisterDeviceRefusals) {
  populate();
  registry_directory dir(path());
  const auto gw = gateway_record(dir);
  ASSERT_EQ(dir.register_device(sensor("d1"), gw), registration_result::registered);
  EXPECT_EQ(dir.register_device(sensor("d1"), gw), registration_result::already_exists);
  EXPECT_EQ(dir.register_device({"acme01", "nope", "d1"}, gw), registration_result::invalid_type);
  EXPECT_EQ(dir.register_device({"acme01", "hub", "d2"}, gw),
            registration_result::invalid_type);  // a gateway type
  EXPECT_EQ(dir.register_device({"acme01", "sensor", "a:b"}, gw), registration_result::invalid_id);
  EXPECT_EQ(dir.register_device({"other1", "sensor", "d3"}, gw), registration_result::invalid_id);
}

TEST_F(IotRegistryDirectory, AlreadyExistsAfterAnotherProcessRegisteredIt) {
  populate();
  registry_directory dir(path());
  const auto gw = gateway_record(dir);
  storage::database cli(path());
  ASSERT_TRUE(registry_store(cli).create_device({.ref = sensor("d1")}));
  EXPECT_EQ(dir.register_device(sensor("d1"), gw), registration_result::already_exists);
  EXPECT_TRUE(dir.find(sensor("d1")));  // the cache learnt of it
}

TEST_F(IotRegistryDirectory, RegisterDeviceStopsAtTheGroupLimit) {
  populate();
  registry_directory dir(path());
  const auto gw = gateway_record(dir);
  for (std::size_t i = 0; i < max_devices_per_group; ++i) {
    ASSERT_EQ(dir.register_device(sensor("d" + std::to_string(i)), gw), registration_result::registered) << i;
  }
  EXPECT_EQ(dir.register_device(sensor("one-more"), gw), registration_result::limit_reached);
  EXPECT_FALSE(dir.find(sensor("one-more")));
}

TEST_F(IotRegistryDirectory, RecordConnectionIsWrittenBehind) {
  populate();
  registry_store store(*db_);
  ASSERT_TRUE(store.create_device({.ref = sensor("d1")}));
  registry_directory dir(path(), {.flush_interval = std::chrono::milliseconds(20)});
  const auto t0 = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
  const auto version = registry::change_counter(*db_).current();
  dir.record_connection(sensor("d1"), true, t0);
  dir.record_connection(sensor("gone"), true, t0);  // not in the registry: skipped, no error
  for (int i = 0; i < 200; ++i) {
    if (store.get_device(sensor("d1"), type_class::device)->connected) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  auto d = store.get_device(sensor("d1"), type_class::device);
  EXPECT_TRUE(d->connected);
  EXPECT_EQ(d->last_connect_at, 1700000000);
  dir.record_connection(sensor("d1"), false, t0 + std::chrono::seconds(5));
  dir.flush_connections();
  d = store.get_device(sensor("d1"), type_class::device);
  EXPECT_FALSE(d->connected);
  EXPECT_EQ(d->last_connect_at, 1700000000);
  EXPECT_EQ(d->last_disconnect_at, 1700000005);
  EXPECT_EQ(registry::change_counter(*db_).current(), version);  // state, not configuration
  EXPECT_EQ(dir.dropped_connection_records(), 0u);
}

TEST_F(IotRegistryDirectory, ConnectionRecordsOverTheBoundAreCountedNotQueued) {
  populate();
  registry_directory dir(path(), {.flush_interval = std::chrono::hours(1), .max_pending_connections = 2});
  const auto now = std::chrono::system_clock::now();
  dir.record_connection(sensor("a"), true, now);
  dir.record_connection(sensor("b"), true, now);
  dir.record_connection(sensor("a"), false, now);  // coalesced with the first
  dir.record_connection(sensor("c"), true, now);
  EXPECT_EQ(dir.dropped_connection_records(), 1u);
}

TEST_F(IotRegistryDirectory, AStartMarksWhatAPreviousRunLeftConnectedAsDisconnected) {
  populate();
  registry_store store(*db_);
  ASSERT_TRUE(store.create_device({.ref = sensor("d1")}));
  store.write_connections({{sensor("d1"), true, 1700000000, std::nullopt}});
  registry_directory dir(path());
  auto d = store.get_device(sensor("d1"), type_class::device);
  EXPECT_FALSE(d->connected);
  EXPECT_TRUE(d->last_disconnect_at);
}

TEST_F(IotRegistryDirectory, ConcurrentReadersAndRegistrations) {
  populate();
  registry_directory dir(path());
  const auto gw = gateway_record(dir);
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    while (!stop) {
      dir.find(sensor("r0"));
      dir.is_active(gateway_ref());
      dir.authenticate_device(gateway_ref(), "gateway-token-1");
    }
  });
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(dir.register_device(sensor("r" + std::to_string(i)), gw), registration_result::registered);
  }
  stop = true;
  reader.join();
  for (int i = 0; i < 50; ++i) EXPECT_TRUE(dir.find(sensor("r" + std::to_string(i))));
}

}  // namespace
}  // namespace tether::iotp
