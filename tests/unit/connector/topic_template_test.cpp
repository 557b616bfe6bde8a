// topic_up templates (spec/everynet.md B1).

#include "application/connector/topic_template.hpp"

#include <gtest/gtest.h>

namespace tether::application::connector {
namespace {

topic_template parse_ok(std::string_view text) {
  auto t = topic_template::parse(text);
  EXPECT_TRUE(t.has_value()) << text;
  return t ? *t : *topic_template::parse("x");
}

data_api_meta sample_meta() {
  data_api_meta m;
  m.device = "0004a30b001c0530";
  m.device_addr = "260b1234";
  m.application = "70b3d57ed0000000";
  m.gateway = "0102030405060708";
  m.network = "000013";
  return m;
}

TEST(TopicTemplate, ExpandsEveryPlaceholder) {
  const auto t = parse_ok("lora/{network}/{application}/{device}/{device_addr}/{gateway}/{type}");
  EXPECT_EQ(t.expand("uplink", sample_meta()),
            "lora/000013/70b3d57ed0000000/0004a30b001c0530/260b1234/0102030405060708/uplink");
  EXPECT_EQ(parse_ok("/lora/{type}").expand("downlink_request", {}), "/lora/downlink_request");
  EXPECT_EQ(parse_ok("plain").expand("uplink", sample_meta()), "plain");
  EXPECT_EQ(parse_ok("{type}{type}").expand("info", {}), "infoinfo");
}

TEST(TopicTemplate, AnAbsentFieldStaysAsWritten) {
  EXPECT_EQ(parse_ok("/messages/{type}/{device}").expand("error", {}), "/messages/error/{device}");
  auto m = sample_meta();
  m.gateway = "";
  EXPECT_EQ(parse_ok("g/{gateway}").expand("uplink", m), "g/{gateway}");
}

TEST(TopicTemplate, BadTemplatesAreRefusedWithTheReason) {
  auto error = [](std::string_view text) {
    auto t = topic_template::parse(text);
    EXPECT_FALSE(t.has_value()) << text;
    return t ? std::string() : t.error();
  };
  EXPECT_NE(error("").find("empty"), std::string::npos);
  EXPECT_NE(error("a/{devise}").find("unknown placeholder {devise}"), std::string::npos);
  EXPECT_NE(error("a/{}").find("unknown placeholder {}"), std::string::npos);
  EXPECT_NE(error("a/{type").find("unclosed '{'"), std::string::npos);
  EXPECT_NE(error("a/{ty{pe}").find("unclosed '{'"), std::string::npos);
  EXPECT_NE(error("a/type}").find("unmatched '}'"), std::string::npos);
  EXPECT_NE(error("a/+/b").find("wildcard"), std::string::npos);
  EXPECT_NE(error("a/#").find("wildcard"), std::string::npos);
  EXPECT_NE(error(std::string("a\0b", 3)).find("control"), std::string::npos);
}

TEST(TopicFilter, ChecksWildcardPlacement) {
  EXPECT_EQ(check_topic_filter("/downstream"), "");
  EXPECT_EQ(check_topic_filter("app/+/down/#"), "");
  EXPECT_NE(check_topic_filter(""), "");
  EXPECT_NE(check_topic_filter("a/b#"), "");
  EXPECT_NE(check_topic_filter("a/#/b"), "");
  EXPECT_NE(check_topic_filter("a+/b"), "");
}

}  // namespace
}  // namespace tether::application::connector
