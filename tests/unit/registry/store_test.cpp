// Create, read, list and delete of gateways, applications and devices; duplicates and unknown references.

#include "registry/application_store.hpp"
#include "registry/change_counter.hpp"
#include "registry/device_store.hpp"
#include "registry/gateway_store.hpp"
#include "registry/validation.hpp"
#include "registry_fixture.hpp"

#include <unistd.h>

namespace tether::registry {
namespace {

using test::registry_test;
using RegistryStore = registry_test;

gateway make_gateway(std::string id) {
  gateway g;
  g.gateway_id = std::move(id);
  return g;
}

end_device otaa(std::string app, std::string dev, std::string_view dev_eui) {
  end_device d;
  d.application_id = std::move(app);
  d.device_id = std::move(dev);
  d.dev_eui = parse_eui(dev_eui).value();
  d.join_eui = parse_eui("70B3D57ED0000000").value();
  d.app_key = parse_aes_key("2B7E151628AED2A6ABF7158809CF4F3C").value();
  return d;
}

TEST_F(RegistryStore, GatewayRoundTrip) {
  gateway_store store(*db_);
  gateway g = make_gateway("gw1");
  g.eui = parse_eui("70B3D57ED0000001").value();
  g.name = "Roof";
  g.frequency_plan_id = "US_902_928_FSB_2";
  g.location = location{52.3731, 4.8922, 12.5};
  auto created = store.create(g);
  ASSERT_TRUE(created) << created.error().message();
  EXPECT_GT(created->created_at, 0);
  auto read = store.get("gw1");
  ASSERT_TRUE(read);
  EXPECT_EQ(*read, *created);
  EXPECT_TRUE(store.create(make_gateway("gw0")));
  auto all = store.list();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].gateway_id, "gw0");
  EXPECT_FALSE(all[0].eui);
  EXPECT_FALSE(all[0].location);
}

TEST_F(RegistryStore, GatewayDuplicatesAndEuiReuse) {
  gateway_store store(*db_);
  gateway g = make_gateway("gw1");
  g.eui = parse_eui("70B3D57ED0000001").value();
  ASSERT_TRUE(store.create(g));
  EXPECT_EQ(store.create(g).error(), registry_error::already_exists);
  g.gateway_id = "gw2";
  EXPECT_EQ(store.create(g).error(), registry_error::eui_in_use);
  EXPECT_EQ(store.create(make_gateway("Bad_ID")).error(), registry_error::invalid_id);
}

TEST_F(RegistryStore, GatewayDelete) {
  gateway_store store(*db_);
  ASSERT_TRUE(store.create(make_gateway("gw1")));
  EXPECT_TRUE(store.remove("gw1"));
  EXPECT_EQ(store.get("gw1").error(), registry_error::not_found);
  EXPECT_EQ(store.remove("gw1").error(), registry_error::not_found);
}

TEST_F(RegistryStore, ApplicationsAndDevices) {
  application_store apps(*db_);
  device_store devices(*db_);
  EXPECT_EQ(devices.create(otaa("app1", "dev1", "0004A30B001C0530")).error(),
            registry_error::unknown_application);
  ASSERT_TRUE(apps.create({"app1", "My app", 0}));
  EXPECT_EQ(apps.create({"app1", "", 0}).error(), registry_error::already_exists);
  auto d = devices.create(otaa("app1", "dev1", "0004A30B001C0530"));
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_EQ(devices.create(otaa("app1", "dev1", "0004A30B001C0531")).error(), registry_error::already_exists);
  EXPECT_EQ(devices.create(otaa("app1", "dev2", "0004A30B001C0530")).error(), registry_error::eui_in_use);

  end_device abp;
  abp.application_id = "app1";
  abp.device_id = "dev-abp";
  abp.activation = activation_mode::abp;
  abp.cls = device_class::c;
  abp.dev_addr = parse_dev_addr("26011BDA").value();
  abp.nwk_s_key = parse_aes_key("2B7E151628AED2A6ABF7158809CF4F3C").value();
  abp.app_s_key = parse_aes_key("2B7E151628AED2A6ABF7158809CF4F3D").value();
  abp.lorawan_version = "1.0.2";
  ASSERT_TRUE(devices.create(abp));

  auto read = devices.get("app1", "dev-abp");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->activation, activation_mode::abp);
  EXPECT_EQ(read->cls, device_class::c);
  EXPECT_EQ(read->dev_addr->to_hex(), "26011BDA");
  EXPECT_EQ(read->app_s_key->to_hex(), "2B7E151628AED2A6ABF7158809CF4F3D");
  EXPECT_EQ(read->lorawan_version, "1.0.2");
  EXPECT_FALSE(read->join_eui);
  EXPECT_EQ(*devices.get("app1", "dev1"), *d);

  auto listed = devices.list("app1");
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].device_id, "dev-abp");
  EXPECT_EQ(devices.list("app9").error(), registry_error::unknown_application);

  EXPECT_TRUE(devices.remove("app1", "dev1"));
  EXPECT_EQ(devices.remove("app1", "dev1").error(), registry_error::not_found);
  // The EUI pair is free again.
  EXPECT_TRUE(devices.create(otaa("app1", "dev2", "0004A30B001C0530")));
}

TEST_F(RegistryStore, FindsADeviceByDevEuiInItsApplicationOnly) {
  application_store apps(*db_);
  device_store devices(*db_);
  ASSERT_TRUE(apps.create({"app1", "", 0}));
  ASSERT_TRUE(apps.create({"app2", "", 0}));
  ASSERT_TRUE(devices.create(otaa("app1", "dev1", "0004A30B001C0530")));
  const auto eui = parse_eui("0004A30B001C0530").value();
  auto found = devices.find_by_dev_eui("app1", eui);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->device_id, "dev1");
  EXPECT_FALSE(devices.find_by_dev_eui("app2", eui));
  EXPECT_FALSE(devices.find_by_dev_eui("app1", parse_eui("0004A30B001C0531").value()));
}

TEST_F(RegistryStore, DeletingAnApplicationDeletesItsDevices) {
  application_store apps(*db_);
  device_store devices(*db_);
  ASSERT_TRUE(apps.create({"app1", "", 0}));
  ASSERT_TRUE(devices.create(otaa("app1", "dev1", "0004A30B001C0530")));
  ASSERT_TRUE(apps.remove("app1"));
  EXPECT_TRUE(devices.list_all().empty());
  EXPECT_EQ(apps.remove("app1").error(), registry_error::not_found);
}

TEST_F(RegistryStore, EveryWriteBumpsTheVersionFailuresDoNot) {
  change_counter counter(*db_);
  const auto v0 = counter.current();
  gateway_store gateways(*db_);
  ASSERT_TRUE(gateways.create(make_gateway("gw1")));
  const auto v1 = counter.current();
  EXPECT_GT(v1, v0);
  EXPECT_FALSE(gateways.create(make_gateway("gw1")));
  EXPECT_FALSE(gateways.remove("gw9"));
  EXPECT_FALSE(counter.changed_since(v1));
  ASSERT_TRUE(gateways.remove("gw1"));
  EXPECT_TRUE(counter.changed_since(v1));
}

TEST_F(RegistryStore, WritesOfAnotherConnectionAreSeen) {
  auto cli = second_connection();
  change_counter counter(*db_);
  const auto before = counter.current();
  ASSERT_TRUE(application_store(*cli).create({"app1", "", 0}));
  EXPECT_TRUE(counter.changed_since(before));
  EXPECT_TRUE(application_store(*db_).get("app1"));
}

}  // namespace
}  // namespace tether::registry
