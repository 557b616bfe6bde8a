// Topic names, filters and matching (MQTT 3.1.1 section 4.7), and UTF-8 validation (section 1.5.3).

#include "mqtt/codec/topic.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tether::mqtt::codec {
namespace {

using E = codec_error;

TEST(TopicName, ValidNames_MQTT_4_7_1) {
  for (const char* t :
       {"a", "a/b", "/", "//", "/a", "a/", "$SYS/broker", "sport/tennis/player1", " ", "a b"}) {
    EXPECT_FALSE(validate_topic_name(t)) << t;
  }
}

TEST(TopicName, EmptyNameIsInvalid_MQTT_4_7_3_1) { EXPECT_EQ(validate_topic_name(""), E::empty_topic); }

TEST(TopicName, WildcardsAreInvalid_MQTT_3_3_2_2) {
  for (const char* t : {"+", "#", "a/+", "a/#", "a+", "a#b", "+/a"}) {
    EXPECT_EQ(validate_topic_name(t), E::wildcard_in_topic) << t;
  }
}

TEST(TopicFilter, ValidFilters_MQTT_4_7_1_2_and_3) {
  for (const char* f : {"#", "+", "a", "a/#", "a/+", "+/+", "/+", "+/", "a/+/b", "+/tennis/#", "sport/#", "/",
                        "$SYS/#", "a//b", "/#"}) {
    EXPECT_FALSE(validate_topic_filter(f)) << f;
  }
}

TEST(TopicFilter, EmptyFilterIsInvalid_MQTT_4_7_3_1) { EXPECT_EQ(validate_topic_filter(""), E::empty_topic); }

TEST(TopicFilter, MultiLevelWildcardMustBeLastAndAlone_MQTT_4_7_1_2) {
  for (const char* f : {"a#", "#a", "a/#/b", "#/", "#/a", "sport/tennis#", "##", "a/b#"}) {
    EXPECT_EQ(validate_topic_filter(f), E::invalid_topic_filter) << f;
  }
}

TEST(TopicFilter, SingleLevelWildcardMustFillItsLevel_MQTT_4_7_1_3) {
  for (const char* f : {"a+", "+a", "sport+", "a/b+/c", "++", "+#"}) {
    EXPECT_EQ(validate_topic_filter(f), E::invalid_topic_filter) << f;
  }
}

struct match_case {
  const char* filter;
  const char* topic;
  bool matches;
};

class TopicMatches : public testing::TestWithParam<match_case> {};

TEST_P(TopicMatches, Case) {
  const auto& c = GetParam();
  EXPECT_EQ(topic_matches(c.filter, c.topic), c.matches) << c.filter << " vs " << c.topic;
}

INSTANTIATE_TEST_SUITE_P(
    Spec_MQTT_4_7, TopicMatches,
    testing::Values(
        // Exact matching; levels are case sensitive and may be empty.
        match_case{"a/b", "a/b", true}, match_case{"a/b", "a/B", false}, match_case{"a/b", "a/b/c", false},
        match_case{"a/b/c", "a/b", false}, match_case{"a/", "a", false}, match_case{"a", "a/", false},
        match_case{"/a", "/a", true}, match_case{"/a", "a", false},
        // '#' matches the parent level and any number of child levels [MQTT-4.7.1-2].
        match_case{"sport/tennis/player1/#", "sport/tennis/player1", true},
        match_case{"sport/tennis/player1/#", "sport/tennis/player1/ranking", true},
        match_case{"sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon", true},
        match_case{"sport/#", "sport", true}, match_case{"a/#", "a", true}, match_case{"a/#", "a/", true},
        match_case{"a/#", "ab", false}, match_case{"a/#", "b/a", false}, match_case{"#", "a/b/c", true},
        match_case{"#", "/", true}, match_case{"/#", "/a", true}, match_case{"/#", "a", false},
        // '+' matches exactly one level, including an empty one [MQTT-4.7.1-3].
        match_case{"sport/tennis/+", "sport/tennis/player1", true},
        match_case{"sport/tennis/+", "sport/tennis/player1/ranking", false},
        match_case{"sport/+", "sport", false}, match_case{"sport/+", "sport/", true},
        match_case{"+", "a", true}, match_case{"+", "a/b", false}, match_case{"+", "/a", false},
        match_case{"+/+", "/finance", true}, match_case{"/+", "/finance", true},
        match_case{"+", "/finance", false}, match_case{"a/+/c", "a//c", true},
        match_case{"+/tennis/#", "sport/tennis/x/y", true}, match_case{"+/+/#", "a", false},
        match_case{"+/#", "a", true},
        // Wildcards in the first level do not match topics starting with '$' [MQTT-4.7.2-1].
        match_case{"#", "$SYS/broker", false}, match_case{"+/monitor/Clients", "$SYS/monitor/Clients", false},
        match_case{"$SYS/#", "$SYS/monitor/Clients", true},
        match_case{"$SYS/monitor/+", "$SYS/monitor/Clients", true}, match_case{"$SYS", "$SYS", true},
        match_case{"a/#", "a/$b", true}, match_case{"a/+", "a/$b", true}));

TEST(Utf8, WellFormedStringsAreAccepted_MQTT_1_5_3) {
  for (const char* s : {"", "abc", "\xC2\xA0", "\xE2\x82\xAC", "\xED\x9F\xBF", "\xEE\x80\x80",
                        "\xF0\x90\x80\x80", "\xF4\x8F\xBF\xBD", "A\xF0\xAA\x9B\x94", "\xEF\xBB\xBF"}) {
    EXPECT_FALSE(validate_utf8(s)) << s;
  }
}

TEST(Utf8, NullCharacterIsRejected_MQTT_1_5_3_2) {
  EXPECT_EQ(validate_utf8(std::string("a\0b", 3)), E::null_character);
  EXPECT_EQ(validate_utf8(std::string(1, '\0')), E::null_character);
}

TEST(Utf8, SurrogatesAreRejected_MQTT_1_5_3_1) {
  EXPECT_EQ(validate_utf8("\xED\xA0\x80"), E::invalid_utf8);              // U+D800
  EXPECT_EQ(validate_utf8("\xED\xBF\xBF"), E::invalid_utf8);              // U+DFFF
  EXPECT_EQ(validate_utf8("\xED\xA0\xBD\xED\xB8\x80"), E::invalid_utf8);  // CESU-8 pair
}

TEST(Utf8, OverlongEncodingsAreRejected_MQTT_1_5_3_1) {
  for (const char* s : {"\xC0\x80", "\xC0\xAF", "\xC1\xBF", "\xE0\x80\xAF", "\xE0\x9F\xBF",
                        "\xF0\x80\x80\xAF", "\xF0\x8F\xBF\xBF"}) {
    EXPECT_EQ(validate_utf8(s), E::invalid_utf8) << testing::PrintToString(std::string(s));
  }
}

TEST(Utf8, CodePointsBeyondU10FFFFAreRejected_MQTT_1_5_3_1) {
  for (const char* s : {"\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xF7\xBF\xBF\xBF", "\xF8\x88\x80\x80\x80",
                        "\xFC\x84\x80\x80\x80\x80", "\xFE", "\xFF"}) {
    EXPECT_EQ(validate_utf8(s), E::invalid_utf8) << testing::PrintToString(std::string(s));
  }
}

TEST(Utf8, BrokenSequencesAreRejected_MQTT_1_5_3_1) {
  for (const char* s : {"\x80", "\xBF", "a\x80", "\xC2", "\xE2\x82", "\xF0\x90\x80", "\xC2\x41",
                        "\xE2\x28\xA1", "\xF0\x90\x28\xBC", "\xE2\x82\xAC\x80"}) {
    EXPECT_EQ(validate_utf8(s), E::invalid_utf8) << testing::PrintToString(std::string(s));
  }
}

// The spec says a sender SHOULD NOT send control characters or non-characters and a receiver MAY close the
// connection; Tether closes it, as Mosquitto does (its conformance data expects a disconnect).
TEST(Utf8, ControlCharactersAndNonCharactersAreRejected_MQTT_1_5_3) {
  for (const char* s : {"\x01", "\x1F", "\x7F", "\xC2\x80", "\xC2\x9F", "\xEF\xBF\xBF", "\xEF\xBF\xBE",
                        "\xEF\xB7\x90", "\xEF\xB7\xAF", "\xF0\x9F\xBF\xBF", "\xF4\x8F\xBF\xBF", "a\tb"}) {
    EXPECT_EQ(validate_utf8(s), E::invalid_utf8) << testing::PrintToString(std::string(s));
  }
  EXPECT_FALSE(validate_utf8(" ~\xC2\xA0\xEF\xB7\x8F\xEF\xB7\xB0\xEF\xBF\xBD"));  // neighbours are fine
}

}  // namespace
}  // namespace tether::mqtt::codec
