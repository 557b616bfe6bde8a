// The change watcher: nothing when nothing changed, removals of keys, gateways, applications, devices.

#include "registry/watcher.hpp"
#include "registry/application_store.hpp"
#include "registry/device_store.hpp"
#include "registry/gateway_store.hpp"
#include "registry/key_store.hpp"
#include "registry/validation.hpp"
#include "registry_fixture.hpp"

#include <unistd.h>

namespace tether::registry {
namespace {

using RegistryWatcher = test::registry_test;

TEST_F(RegistryWatcher, ReportsRemovalsMadeByAnotherConnection) {
  std::vector<registry_changes> seen;
  watcher w(*db_, [&](const registry_changes& c) { seen.push_back(c); });
  EXPECT_FALSE(w.poll());

  auto cli = second_connection();
  gateway g;
  g.gateway_id = "gw1";
  ASSERT_TRUE(gateway_store(*cli).create(g));
  ASSERT_TRUE(application_store(*cli).create({"app1", "", 0}));
  end_device d;
  d.application_id = "app1";
  d.device_id = "dev1";
  d.dev_eui = parse_eui("0004A30B001C0530").value();
  d.join_eui = parse_eui("70B3D57ED0000000").value();
  d.app_key = parse_aes_key("2B7E151628AED2A6ABF7158809CF4F3C").value();
  ASSERT_TRUE(device_store(*cli).create(d));
  auto gw_key = key_store(*cli).create({entity_kind::gateway, "gw1"}, {right::gateway_link});
  auto app_key_1 = key_store(*cli).create({entity_kind::application, "app1"}, {right::application_link});
  auto app_key_2 = key_store(*cli).create({entity_kind::application, "app1"}, {right::application_info});
  ASSERT_TRUE(gw_key && app_key_1 && app_key_2);

  ASSERT_TRUE(w.poll());
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_FALSE(seen[0].any_removed());
  EXPECT_EQ(seen[0].version, w.version());
  EXPECT_FALSE(w.poll());

  ASSERT_TRUE(key_store(*cli).remove(app_key_2->key.key_id));
  ASSERT_TRUE(w.poll());
  EXPECT_EQ(seen.back().removed_keys, std::vector<std::string>{app_key_2->key.key_id});
  EXPECT_TRUE(seen.back().removed_gateways.empty());

  ASSERT_TRUE(gateway_store(*cli).remove("gw1"));
  ASSERT_TRUE(w.poll());
  EXPECT_EQ(seen.back().removed_gateways, std::vector<std::string>{"gw1"});
  EXPECT_EQ(seen.back().removed_keys, std::vector<std::string>{gw_key->key.key_id});

  ASSERT_TRUE(application_store(*cli).remove("app1"));
  ASSERT_TRUE(w.poll());
  EXPECT_EQ(seen.back().removed_applications, std::vector<std::string>{"app1"});
  EXPECT_EQ(seen.back().removed_keys, std::vector<std::string>{app_key_1->key.key_id});
  ASSERT_EQ(seen.back().removed_devices.size(), 1u);
  EXPECT_EQ(seen.back().removed_devices[0], (std::pair<std::string, std::string>{"app1", "dev1"}));
  EXPECT_EQ(seen.size(), 4u);
}

}  // namespace
}  // namespace tether::registry
