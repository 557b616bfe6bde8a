#include "core/json_writer.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <limits>

namespace tether::core {
namespace {

TEST(JsonWriter, CommasAndNestingInTheGivenOrder) {
  std::string out;
  json_writer w(out);
  w.begin_object()
      .key("b")
      .number(1)
      .key("a")
      .begin_array()
      .number(2)
      .string("x")
      .begin_object()
      .end_object();
  w.end_array().key("c").boolean(false).key("d").raw("null").end_object();
  EXPECT_EQ(out, R"({"b":1,"a":[2,"x",{}],"c":false,"d":null})");
}

TEST(JsonWriter, StringsAreEscaped) {
  std::string out;
  json_writer(out).string(std::string("q\"b\\n\n\x01\x1f\xc3\xa9", 10));
  EXPECT_EQ(out, "\"q\\\"b\\\\n\\n\\u0001\\u001f\xc3\xa9\"");
  EXPECT_EQ(nlohmann::json::parse(out).get<std::string>(), std::string("q\"b\\n\n\x01\x1f\xc3\xa9", 10));
}

TEST(JsonWriter, NumbersAreShortestAndExact) {
  std::string out;
  json_writer w(out);
  w.begin_array().number(-42.3f).number(-80.0f).number(0.1).number(std::numeric_limits<std::uint64_t>::max());
  w.number(std::int64_t{-5}).number(std::uint8_t{7}).end_array();
  EXPECT_EQ(out, "[-42.3,-80,0.1,18446744073709551615,-5,7]");
}

TEST(JsonWriter, NonFiniteNumbersAsProtojsonStrings) {
  std::string out;
  json_writer w(out);
  w.begin_array()
      .number(std::numeric_limits<float>::quiet_NaN())
      .number(std::numeric_limits<double>::infinity());
  w.number(-std::numeric_limits<float>::infinity()).end_array();
  EXPECT_EQ(out, R"(["NaN","Infinity","-Infinity"])");
  EXPECT_TRUE(nlohmann::json::parse(out).is_array());
}

TEST(JsonWriter, ValueSlotTakesACallerWrittenValue) {
  std::string out;
  json_writer w(out);
  w.begin_object().key("a").number(1);
  w.key("t").value_slot() += "\"x\"";
  w.end_object();
  EXPECT_EQ(out, R"({"a":1,"t":"x"})");
}

}  // namespace
}  // namespace tether::core
