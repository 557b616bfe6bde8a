// Client ID classes and names (spec A1).

#include "iotp/client_id.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tether::iotp {
namespace {

TEST(client_id, parses_the_four_classes) {
  auto d = parse_client_id("d:abc123:sensor:dev-1");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->kind, client_class::device);
  EXPECT_EQ(d->org, "abc123");
  EXPECT_EQ(d->type, "sensor");
  EXPECT_EQ(d->id, "dev-1");
  auto g = parse_client_id("g:abc123:gw_type:gw.1");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->kind, client_class::gateway);
  auto a = parse_client_id("a:abc123:app1");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->kind, client_class::application);
  EXPECT_EQ(a->id, "app1");
  auto s = parse_client_id("A:abc123:app1");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->kind, client_class::shared_application);
  EXPECT_TRUE(s->instance.empty());
  auto si = parse_client_id("A:abc123:app1:inst-7");
  ASSERT_TRUE(si);
  EXPECT_EQ(si->instance, "inst-7");
}

TEST(client_id, refuses_what_breaks_the_rules) {
  for (const char* bad : {"", "d", "d:abc123:t", "d:abc123:t:i:x", "a:abc123:app:x", "x:abc123:t:i",
                          "D:abc123:t:i", "d:ABC123:t:i", "d:abc12:t:i", "d:abc1234:t:i", "d:abc123::i",
                          "d:abc123:t:", "d:abc123:t/x:i", "d:abc123:t:i+", "d:abc123:t:i#",
                          "a:abc123:", "A:abc123:app:", "dd:abc123:t:i", "A:abc123:app:i:j"}) {
    EXPECT_FALSE(parse_client_id(bad)) << bad;
  }
  const std::string longest(36, 'x');
  EXPECT_TRUE(parse_client_id("d:abc123:" + longest + ":" + longest));
  EXPECT_FALSE(parse_client_id("d:abc123:" + longest + "y:i"));
  EXPECT_FALSE(parse_client_id("A:abc123:app:" + longest + "y"));
}

}  // namespace
}  // namespace tether::iotp
