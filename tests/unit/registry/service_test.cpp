// The registry service both faces call (registry/service/): create, update, get, list and delete of
// gateways, applications, devices and API keys (admin keys too), and the failures with the words the
// command line prints and the admin API sends.

#include "registry/change_counter.hpp"
#include "registry/key_authenticator.hpp"
#include "registry/service/application_service.hpp"
#include "registry/service/device_service.hpp"
#include "registry/service/gateway_service.hpp"
#include "registry/service/key_service.hpp"
#include "registry_fixture.hpp"

namespace tether::registry {
namespace {

using RegistryService = test::registry_test;

device_fields otaa_fields(std::string dev_eui) {
  device_fields f;
  f.dev_eui = std::move(dev_eui);
  f.join_eui = "70B3D57ED0000000";
  f.app_key = "2B7E151628AED2A6ABF7158809CF4F3C";
  return f;
}

std::string flag_of(std::string_view field) { return "--" + std::string(field); }

TEST_F(RegistryService, GatewayCreateUpdateGetListDelete) {
  gateway_service gateways(*db_);
  auto created = gateways.create("gw1", {.eui = "70B3D57ED0000001", .name = "Roof"});
  ASSERT_TRUE(created) << created.error().message();
  EXPECT_EQ(created->frequency_plan_id, "EU_863_870");
  EXPECT_FALSE(created->location);

  auto updated = gateways.update(
      "gw1", {.frequency_plan_id = "US_902_928_FSB_2", .location = registry::location{52.1, 4.2, 3}});
  ASSERT_TRUE(updated) << updated.error().message();
  EXPECT_EQ(updated->name, "Roof");  // unchanged
  EXPECT_EQ(updated->eui, created->eui);
  EXPECT_EQ(updated->created_at, created->created_at);
  EXPECT_EQ(gateways.get("gw1").value(), *updated);

  auto cleared = gateways.update("gw1", {.eui = "", .clear_location = true});
  ASSERT_TRUE(cleared);
  EXPECT_FALSE(cleared->eui);
  EXPECT_FALSE(cleared->location);
  EXPECT_EQ(gateways.list().value().size(), 1u);

  EXPECT_TRUE(gateways.remove("gw1"));
  EXPECT_EQ(gateways.get("gw1").error().message(), "gateway 'gw1' not found");
  EXPECT_EQ(gateways.remove("gw1").error().code, registry_error::not_found);
  EXPECT_EQ(gateways.update("gw1", {}).error().message(), "gateway 'gw1' not found");
}

TEST_F(RegistryService, GatewayFailuresNameTheEntityOrTheField) {
  gateway_service gateways(*db_);
  auto bad_id = gateways.create("GW!", {});
  EXPECT_EQ(bad_id.error().code, registry_error::invalid_id);
  EXPECT_TRUE(bad_id.error().invalid_input());
  EXPECT_EQ(bad_id.error().message().rfind("gateway 'GW!': invalid ID", 0), 0u);

  auto bad_eui = gateways.create("gw1", {.eui = "zz"});
  EXPECT_EQ(bad_eui.error().field, "eui");
  EXPECT_EQ(bad_eui.error().message(), "eui 'zz': not a hexadecimal value");
  EXPECT_EQ(bad_eui.error().message(flag_of), "--eui 'zz': not a hexadecimal value");

  auto bad_plan = gateways.create("gw1", {.frequency_plan_id = "XX_1"});
  EXPECT_EQ(bad_plan.error().code, registry_error::invalid_frequency_plan);
  EXPECT_EQ(bad_plan.error().message().rfind("frequency_plan_id 'XX_1': unknown frequency plan (known: ", 0),
            0u);
  EXPECT_FALSE(gateway_service::check({.frequency_plan_id = "XX_1"}));

  ASSERT_TRUE(gateways.create("gw1", {.eui = "70B3D57ED0000001"}));
  EXPECT_EQ(gateways.create("gw1", {}).error().message(), "gateway 'gw1' already exists");
  auto taken = gateways.create("gw2", {.eui = "70B3D57ED0000001"});
  EXPECT_EQ(taken.error().code, registry_error::eui_in_use);
  EXPECT_FALSE(taken.error().invalid_input());
  EXPECT_EQ(taken.error().message(), "EUI 70B3D57ED0000001 is already used by another gateway");
  ASSERT_TRUE(gateways.create("gw2", {}));
  EXPECT_EQ(gateways.update("gw2", {.eui = "70B3D57ED0000001"}).error().code, registry_error::eui_in_use);
  EXPECT_EQ(gateways.update("gw1", {.name = std::string(51, 'x')}).error().code,
            registry_error::invalid_name);
}

TEST_F(RegistryService, EveryWriteBumpsTheRegistryVersion) {
  change_counter counter(*db_);
  auto version = counter.current();
  auto moved = [&] {
    const auto now = counter.current();
    const bool changed = now != version;
    version = now;
    return changed;
  };
  ASSERT_TRUE(application_service(*db_).create("app1", {}));
  EXPECT_TRUE(moved());
  ASSERT_TRUE(application_service(*db_).update("app1", {.name = "Meters"}));
  EXPECT_TRUE(moved());
  ASSERT_TRUE(device_service(*db_).create("app1", "dev1", otaa_fields("0004A30B001C0530")));
  EXPECT_TRUE(moved());
  ASSERT_TRUE(device_service(*db_).update("app1", "dev1", {.device_class = "C"}));
  EXPECT_TRUE(moved());
  ASSERT_TRUE(gateway_service(*db_).create("gw1", {}));
  EXPECT_TRUE(moved());
  ASSERT_TRUE(gateway_service(*db_).update("gw1", {.name = "Roof"}));
  EXPECT_TRUE(moved());
  EXPECT_FALSE(gateway_service(*db_).update("gw9", {.name = "Roof"}));
  EXPECT_FALSE(moved());
}

TEST_F(RegistryService, ApplicationCreateUpdateDelete) {
  application_service apps(*db_);
  ASSERT_TRUE(apps.create("app1", {.name = "Meters"}));
  EXPECT_EQ(apps.create("app1", {}).error().message(), "application 'app1' already exists");
  auto updated = apps.update("app1", {.name = "Water meters"});
  ASSERT_TRUE(updated);
  EXPECT_EQ(apps.get("app1")->name, "Water meters");
  EXPECT_EQ(apps.update("app1", {.name = std::string("a\nb")}).error().code, registry_error::invalid_name);
  EXPECT_EQ(apps.list()->size(), 1u);
  EXPECT_TRUE(apps.remove("app1"));
  EXPECT_EQ(apps.remove("app1").error().message(), "application 'app1' not found");
}

TEST_F(RegistryService, DeviceCreateUpdateAndItsFailures) {
  device_service devices(*db_);
  EXPECT_EQ(devices.create("app1", "dev1", otaa_fields("0004A30B001C0530")).error().message(),
            "application 'app1' does not exist");
  ASSERT_TRUE(application_service(*db_).create("app1", {}));
  auto created = devices.create("app1", "dev1", otaa_fields("0004A30B001C0530"));
  ASSERT_TRUE(created) << created.error().message();
  EXPECT_EQ(created->activation, activation_mode::otaa);
  EXPECT_EQ(created->cls, device_class::a);

  auto updated =
      devices.update("app1", "dev1", {.device_class = "c", .lorawan_version = "MAC_V1_0_2", .name = "M"});
  ASSERT_TRUE(updated) << updated.error().message();
  EXPECT_EQ(updated->cls, device_class::c);
  EXPECT_EQ(updated->lorawan_version, "1.0.2");
  EXPECT_EQ(updated->app_key, created->app_key);  // keys stay
  EXPECT_EQ(devices.get("app1", "dev1").value(), *updated);

  EXPECT_EQ(devices.update("app1", "dev1", {.device_class = "B"}).error().message(flag_of),
            "--class 'B': invalid device class (use A or C)");
  EXPECT_EQ(devices.update("app1", "dev9", {}).error().message(), "device 'app1/dev9' not found");
  EXPECT_EQ(devices.create("app1", "dev1", otaa_fields("0004A30B001C0531")).error().message(),
            "device 'app1/dev1' already exists");
  EXPECT_EQ(devices.create("app1", "dev2", otaa_fields("0004A30B001C0530")).error().message(),
            "JoinEUI 70B3D57ED0000000 / DevEUI 0004A30B001C0530 is already used by another device");

  device_fields both = otaa_fields("0004A30B001C0532");
  both.dev_addr = "26011F00";
  EXPECT_EQ(devices.create("app1", "dev3", both).error().code, registry_error::invalid_activation);
  device_fields bad_key = otaa_fields("0004A30B001C0532");
  bad_key.app_key = "00";
  EXPECT_EQ(devices.create("app1", "dev3", bad_key).error().message(flag_of),
            "--app_key '00': wrong length (an EUI is 8 bytes, a DevAddr 4 bytes, an AES key 16 bytes)");
  EXPECT_EQ(devices.create("APP", "dev3", {}).error().subject, "application 'APP'");
  EXPECT_EQ(devices.list("app9").error().message(), "application 'app9' does not exist");

  device_fields abp;
  abp.dev_addr = "26011F00";
  abp.nwk_s_key = "2B7E151628AED2A6ABF7158809CF4F3C";
  abp.app_s_key = "2B7E151628AED2A6ABF7158809CF4F3D";
  auto abp_device = devices.create("app1", "dev4", abp);
  ASSERT_TRUE(abp_device) << abp_device.error().message();
  EXPECT_EQ(abp_device->activation, activation_mode::abp);
  EXPECT_EQ(devices.list("app1")->size(), 2u);
  EXPECT_TRUE(devices.remove("app1", "dev4"));
  EXPECT_EQ(devices.remove("app1", "dev4").error().code, registry_error::not_found);
}

TEST_F(RegistryService, KeysOfEveryOwnerAndTheirFailures) {
  key_service keys(*db_);
  ASSERT_TRUE(gateway_service(*db_).create("gw1", {}));
  auto gw_key = keys.create({entity_kind::gateway, "gw1"}, "RIGHT_GATEWAY_LINK", "");
  ASSERT_TRUE(gw_key) << gw_key.error().message();
  EXPECT_EQ(keys.create({entity_kind::gateway, "gw9"}, "RIGHT_GATEWAY_LINK", "").error().message(),
            "gateway 'gw9' does not exist");
  EXPECT_EQ(keys.create({entity_kind::gateway, "gw1"}, "RIGHT_NOPE", "").error().message(flag_of),
            "--rights: unknown right 'RIGHT_NOPE' (rights are named as The Things Stack names them, e.g. "
            "RIGHT_GATEWAY_LINK, RIGHT_APPLICATION_TRAFFIC_READ)");
  EXPECT_EQ(keys.create({entity_kind::gateway, "gw1"}, "RIGHT_ADMIN_ALL", "").error().message(),
            "rights: RIGHT_ADMIN_ALL is not a gateway right");
  EXPECT_EQ(keys.create({entity_kind::admin, ""}, "RIGHT_GATEWAY_LINK", "").error().message(),
            "rights: RIGHT_GATEWAY_LINK is not an admin right");
  EXPECT_EQ(keys.create({entity_kind::gateway, "gw1"}, "", "").error().code, registry_error::no_rights);

  auto admin = keys.create({entity_kind::admin, ""}, "RIGHT_ADMIN_READ", "monitor");
  ASSERT_TRUE(admin) << admin.error().message();
  EXPECT_EQ(admin->key.owner.kind, entity_kind::admin);
  EXPECT_EQ(keys.list({entity_kind::admin, ""})->size(), 1u);
  EXPECT_EQ(keys.list({entity_kind::gateway, "gw1"})->size(), 1u);  // the admin key is not the gateway's
  EXPECT_EQ(keys.get(admin->key.key_id).value(), admin->key);

  // The admin key authenticates as an admin key only, and carries read but not all.
  key_authenticator auth(*db_);
  auto rights = auth.authenticate_key({entity_kind::admin, ""}, admin->full_key);
  ASSERT_TRUE(rights);
  EXPECT_TRUE(rights->contains(right::admin_read));
  EXPECT_FALSE(rights->contains(right::admin_all));
  EXPECT_FALSE(auth.authenticate_key({entity_kind::gateway, "gw1"}, admin->full_key));
  EXPECT_FALSE(auth.authenticate_key({entity_kind::admin, ""}, gw_key->full_key));
  EXPECT_TRUE((registry::rights{right::admin_all}.contains(right::admin_read)));

  auto renamed = keys.update(admin->key.key_id, "grafana");
  ASSERT_TRUE(renamed);
  EXPECT_EQ(renamed->name, "grafana");
  EXPECT_EQ(renamed->rights, admin->key.rights);
  EXPECT_EQ(keys.update(admin->key.key_id, std::string(51, 'x')).error().code, registry_error::invalid_name);
  EXPECT_EQ(keys.update("nope", "x").error().message(), "API key 'nope' not found");

  EXPECT_TRUE(keys.remove(admin->key.key_id));
  EXPECT_FALSE(auth.authenticate_key({entity_kind::admin, ""}, admin->full_key));
  EXPECT_EQ(keys.get(admin->key.key_id).error().message(), "API key '" + admin->key.key_id + "' not found");
}

}  // namespace
}  // namespace tether::registry
