// Topic rules of each client class, both ways (spec A2, A4, A5).

#include "iotp/topics.hpp"

#include <gtest/gtest.h>

namespace tether::iotp {
namespace {

client_identity who(const char* client_id) { return *parse_client_id(client_id); }

topic_verdict pub(const char* id, const char* topic) { return decide_publish(who(id), topic).verdict; }
topic_verdict sub(const char* id, const char* filter) { return decide_subscribe(who(id), filter).verdict; }

constexpr auto ok = topic_verdict::allowed;
constexpr auto no = topic_verdict::not_authorized;
constexpr auto bad = topic_verdict::invalid_topic;
constexpr const char* dev = "d:abc123:t:d1";
constexpr const char* gw = "g:abc123:gt:g1";
constexpr const char* app = "a:abc123:app";

TEST(topics, device) {
  EXPECT_EQ(pub(dev, "iot-2/evt/status/fmt/json"), ok);
  EXPECT_EQ(pub(dev, "iotdevice-1/mgmt/manage"), ok);
  EXPECT_EQ(pub(dev, "iot-2/cmd/reboot/fmt/json"), no);
  EXPECT_EQ(pub(dev, "iot-2/type/t/id/d2/evt/x/fmt/json"), no);
  EXPECT_EQ(pub(dev, "iot-2/evt/x"), bad);
  EXPECT_EQ(pub(dev, "hello"), bad);
  EXPECT_EQ(sub(dev, "iot-2/cmd/+/fmt/+"), ok);
  EXPECT_EQ(sub(dev, "iot-2/cmd/reboot/fmt/json"), ok);
  EXPECT_EQ(sub(dev, "iotdm-1/#"), ok);
  EXPECT_EQ(sub(dev, "iotdm-1/mgmt/custom/#"), ok);
  EXPECT_EQ(sub(dev, "iotdm-1/response"), ok);
  EXPECT_EQ(sub(dev, "iot-2/cmd/#"), bad);
  EXPECT_EQ(sub(dev, "iot-2/evt/+/fmt/+"), no);
  EXPECT_EQ(sub(dev, "iot-2/type/+/id/+/evt/+/fmt/+"), no);
  EXPECT_EQ(sub(dev, "#"), bad);
}

TEST(topics, gateway) {
  auto d = decide_publish(who(gw), "iot-2/type/t/id/d9/evt/e/fmt/json");
  EXPECT_EQ(d.verdict, ok);
  EXPECT_TRUE(d.names_device);
  EXPECT_EQ(d.parts.type, "t");
  EXPECT_EQ(d.parts.id, "d9");
  EXPECT_EQ(pub(gw, "iotdevice-1/type/t/id/d9/mgmt/manage"), ok);
  EXPECT_EQ(pub(gw, "iot-2/type/t/id/d9/cmd/c/fmt/json"), no);
  EXPECT_EQ(pub(gw, "iot-2/evt/e/fmt/json"), bad);
  EXPECT_EQ(sub(gw, "iot-2/type/t/id/+/cmd/+/fmt/+"), ok);
  EXPECT_EQ(sub(gw, "iot-2/type/gt/id/g1/notify"), ok);
  EXPECT_EQ(sub(gw, "iot-2/type/gt/id/g2/notify"), no);
  EXPECT_EQ(sub(gw, "iot-2/type/t/id/d9/mon"), ok);
  EXPECT_EQ(sub(gw, "iotdm-1/type/t/id/d9/#"), ok);
  EXPECT_EQ(sub(gw, "iot-2/type/+/id/+/evt/+/fmt/+"), no);
  EXPECT_EQ(sub(gw, "iot-2/type/t/id/d9/cmd/#"), bad);
  EXPECT_EQ(sub(gw, "iotdm-1/#"), bad);
}

TEST(topics, application) {
  EXPECT_EQ(pub(app, "iot-2/type/t/id/d1/cmd/c/fmt/json"), ok);
  EXPECT_EQ(pub(app, "iot-2/type/t/id/d1/evt/e/fmt/json"), ok);
  EXPECT_EQ(pub(app, "iot-2/type/t/id/d1/mon"), no);
  EXPECT_EQ(pub(app, "iot-2/evt/e/fmt/json"), bad);
  EXPECT_EQ(sub(app, "iot-2/type/+/id/+/evt/+/fmt/+"), ok);
  EXPECT_EQ(sub(app, "iot-2/type/+/id/+/cmd/+/fmt/+"), ok);
  EXPECT_EQ(sub(app, "iot-2/type/+/id/+/mon"), ok);
  EXPECT_EQ(sub(app, "iot-2/app/+/mon"), ok);
  EXPECT_EQ(sub(app, "iot-2/type/+/id/+/err/data"), ok);
  EXPECT_EQ(sub(app, "iot-2/type/+/id/+/intf/+/evt/state"), ok);
  EXPECT_EQ(sub(app, "iot-2/thing/type/+/id/+/intf/+/evt/state"), ok);
  EXPECT_EQ(sub(app, "iot-2/type/+/id/+/evt/#"), bad);
  EXPECT_EQ(sub(app, "iot-2/#"), bad);
  EXPECT_EQ(sub(app, "#"), bad);
  EXPECT_EQ(sub(app, "iot-2/type/t/id/d/notify"), no);
  EXPECT_EQ(sub(app, "iotdm-1/type/t/id/d/#"), no);
  EXPECT_EQ(sub("A:abc123:app:i1", "iot-2/type/+/id/+/evt/+/fmt/+"), ok);
}

TEST(topics, device_short_forms_keep_their_names) {
  auto p = parse_device_topic("iot-2/evt/temp/fmt/json", false);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->kind, topic_kind::event);
  EXPECT_EQ(p->name, "temp");
  EXPECT_EQ(p->format, "json");
  auto dm = parse_device_topic("iotdevice-1/device/update/location", false);
  ASSERT_TRUE(dm);
  EXPECT_EQ(dm->rest, "device/update/location");
  EXPECT_FALSE(parse_device_topic("iotdevice-1/", false));
  EXPECT_FALSE(parse_device_topic("iotdevice-1/#", true));
}

}  // namespace
}  // namespace tether::iotp
