// IDs, hex fields, rights and whole-entity checks.

#include "registry/validation.hpp"
#include "registry/ids.hpp"

#include <gtest/gtest.h>

namespace tether::registry {
namespace {

TEST(RegistryIds, AcceptsTheThingsStackIds) {
  for (auto id : {"gw1", "my-gateway", "eui-70b3d57ed0000001", "a1b", "abc-def-012",
                  "abcdefghijklmnopqrstuvwxyz0123456789"}) {
    EXPECT_TRUE(is_valid_id(id)) << id;
  }
}

TEST(RegistryIds, RejectsBadIds) {
  for (auto id : {"", "a", "ab", "-gw", "gw-", "gw--1", "Gateway", "gw_1", "gw.1", "gw 1", "gw/1", "gw@ttn",
                  "abcdefghijklmnopqrstuvwxyz01234567890"}) {
    EXPECT_FALSE(is_valid_id(id)) << id;
  }
}

TEST(RegistryFields, ParsesHexOfTheRightLength) {
  auto eui = parse_eui("70B3D57ED0000001");
  ASSERT_TRUE(eui);
  EXPECT_EQ(eui->to_hex(), "70B3D57ED0000001");
  EXPECT_EQ(parse_eui("70b3d57ed0000001")->to_hex(), "70B3D57ED0000001");
  EXPECT_EQ(parse_dev_addr("26011BDA")->to_hex(), "26011BDA");
  EXPECT_EQ(parse_aes_key("000102030405060708090A0B0C0D0E0F")->to_hex(), "000102030405060708090A0B0C0D0E0F");
}

TEST(RegistryFields, ReportsBadHexAndWrongLength) {
  EXPECT_EQ(parse_eui("70B3D57ED000000G").error(), registry_error::invalid_hex);
  EXPECT_EQ(parse_eui("70B3D57ED000001").error(), registry_error::invalid_hex);  // odd digit count
  EXPECT_EQ(parse_eui("").error(), registry_error::invalid_hex);
  EXPECT_EQ(parse_eui("70B3D57ED00000").error(), registry_error::wrong_length);
  EXPECT_EQ(parse_eui("70B3D57ED000000100").error(), registry_error::wrong_length);
  EXPECT_EQ(parse_dev_addr("26011BDA00").error(), registry_error::wrong_length);
  EXPECT_EQ(parse_aes_key("000102030405060708090A0B0C0D0E").error(), registry_error::wrong_length);
  EXPECT_TRUE(is_invalid_input(make_error_code(registry_error::wrong_length)));
  EXPECT_FALSE(is_invalid_input(make_error_code(registry_error::already_exists)));
}

TEST(RegistryFields, ParsesClassAndVersion) {
  EXPECT_EQ(*parse_device_class("A"), device_class::a);
  EXPECT_EQ(*parse_device_class("c"), device_class::c);
  EXPECT_EQ(parse_device_class("B").error(), registry_error::invalid_device_class);
  EXPECT_EQ(*parse_lorawan_version("1.0.3"), "1.0.3");
  EXPECT_EQ(*parse_lorawan_version("MAC_V1_0_2"), "1.0.2");
  EXPECT_EQ(*parse_lorawan_version("v1.0.4"), "1.0.4");
  EXPECT_EQ(parse_lorawan_version("1.1").error(), registry_error::invalid_lorawan_version);
  EXPECT_EQ(parse_lorawan_version("2").error(), registry_error::invalid_lorawan_version);
}

TEST(RegistryRights, NamesAndNumbersAsTheThingsStack) {
  EXPECT_EQ(static_cast<int>(right::application_traffic_read), 24);
  EXPECT_EQ(static_cast<int>(right::application_traffic_down_write), 26);
  EXPECT_EQ(static_cast<int>(right::application_link), 27);
  EXPECT_EQ(static_cast<int>(right::application_all), 28);
  EXPECT_EQ(static_cast<int>(right::gateway_link), 37);
  for (right r : all_rights()) EXPECT_EQ(parse_right(right_name(r)), r);
  EXPECT_EQ(parse_right("RIGHT_USER_INFO"), std::nullopt);
  EXPECT_EQ(parse_right("right_gateway_link"), std::nullopt);
  EXPECT_EQ(right_entity(right::application_all), entity_kind::application);
  EXPECT_EQ(right_entity(right::gateway_info), entity_kind::gateway);
}

TEST(RegistryRights, ParsesListsAndRefusesUnknownNames) {
  auto parsed = parse_rights("RIGHT_GATEWAY_LINK, RIGHT_GATEWAY_INFO");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed, (rights{right::gateway_link, right::gateway_info}));
  EXPECT_EQ(parse_rights("RIGHT_GATEWAY_LINK,RIGHT_GATEWAY_NOPE").error(), registry_error::unknown_right);
  EXPECT_EQ(parse_rights("").error(), registry_error::no_rights);
  EXPECT_EQ(parse_rights(" , ").error(), registry_error::no_rights);
}

TEST(RegistryRights, ImpliedRights) {
  rights link{right::application_link};
  EXPECT_TRUE(link.contains(right::application_traffic_read));
  EXPECT_TRUE(link.contains(right::application_traffic_down_write));
  EXPECT_TRUE(link.contains(right::application_info));
  EXPECT_FALSE(link.contains(right::application_devices_write));
  rights all{right::application_all};
  EXPECT_TRUE(all.contains(right::application_devices_write));
  EXPECT_FALSE(all.contains(right::gateway_link));
  rights gw{right::gateway_link};
  EXPECT_TRUE(gw.contains(right::gateway_info));
  EXPECT_FALSE(gw.contains(right::gateway_settings_basic));
  EXPECT_TRUE(rights{right::gateway_all}.contains(right::gateway_link));
  EXPECT_EQ(link.list(), std::vector<right>{right::application_link});
}

TEST(RegistryRights, KeyRightsMustMatchTheOwner) {
  EXPECT_TRUE(validate_key_rights(entity_kind::gateway, {right::gateway_link}));
  EXPECT_EQ(validate_key_rights(entity_kind::gateway, {right::application_info}).error(),
            registry_error::right_not_for_entity);
  EXPECT_EQ(validate_key_rights(entity_kind::application, {}).error(), registry_error::no_rights);
}

end_device otaa_device() {
  end_device d;
  d.application_id = "app1";
  d.device_id = "dev1";
  d.dev_eui = parse_eui("0004A30B001C0530").value();
  d.join_eui = parse_eui("70B3D57ED0000000").value();
  d.app_key = parse_aes_key("2B7E151628AED2A6ABF7158809CF4F3C").value();
  return d;
}

TEST(RegistryValidation, Devices) {
  EXPECT_TRUE(validate(otaa_device()));
  auto no_key = otaa_device();
  no_key.app_key.reset();
  EXPECT_EQ(validate(no_key).error(), registry_error::invalid_activation);
  auto mixed = otaa_device();
  mixed.dev_addr = parse_dev_addr("26011BDA").value();
  EXPECT_EQ(validate(mixed).error(), registry_error::invalid_activation);
  end_device abp;
  abp.application_id = "app1";
  abp.device_id = "dev2";
  abp.activation = activation_mode::abp;
  abp.dev_addr = parse_dev_addr("26011BDA").value();
  abp.nwk_s_key = parse_aes_key("2B7E151628AED2A6ABF7158809CF4F3C").value();
  abp.app_s_key = parse_aes_key("2B7E151628AED2A6ABF7158809CF4F3D").value();
  EXPECT_TRUE(validate(abp));
  abp.lorawan_version = "9.9";
  EXPECT_EQ(validate(abp).error(), registry_error::invalid_lorawan_version);
  auto bad_id = otaa_device();
  bad_id.device_id = "Dev1";
  EXPECT_EQ(validate(bad_id).error(), registry_error::invalid_id);
}

TEST(RegistryValidation, Gateways) {
  gateway g;
  g.gateway_id = "gw1";
  EXPECT_TRUE(validate(g));
  g.location = location{52.37, 4.89, 10};
  EXPECT_TRUE(validate(g));
  g.location->latitude = 91;
  EXPECT_EQ(validate(g).error(), registry_error::invalid_location);
  g.location.reset();
  g.frequency_plan_id = "eu868";
  EXPECT_EQ(validate(g).error(), registry_error::invalid_frequency_plan);
  g.frequency_plan_id = "EU_863_870";
  g.name = std::string(51, 'x');
  EXPECT_EQ(validate(g).error(), registry_error::invalid_name);
}

}  // namespace
}  // namespace tether::registry
