// The copy-on-write topic trie: which sessions a topic reaches, at which QoS, and how changes reach
// the per-worker views.

#include "mqtt/subscription_index.hpp"
#include "mqtt/session.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tether::mqtt {
namespace {

std::shared_ptr<session> make_session(std::string id) {
  return std::make_shared<session>(std::move(id), false, session_limits{});
}

// Client ID → QoS of everything `topic` reaches; a session listed twice would fail the test.
std::map<std::string, int> match(subscription_index& index, std::string_view topic, std::size_t worker = 0) {
  std::vector<subscriber_match> out;
  index.match(topic, worker, out);
  std::map<std::string, int> by_client;
  for (const auto& m : out) {
    EXPECT_EQ(m.target, m.owner.get());
    EXPECT_TRUE(by_client.emplace(m.target->client_id(), m.qos).second)
        << m.target->client_id() << " delivered twice for " << topic;
  }
  return by_client;
}

using hits = std::map<std::string, int>;

class subscription_index_test : public ::testing::Test {
 protected:
  subscription_index index{2};
  std::shared_ptr<session> a = make_session("a");
  std::shared_ptr<session> b = make_session("b");
};

TEST_F(subscription_index_test, EmptyIndexMatchesNothing) {
  EXPECT_EQ(match(index, "a/b"), hits{});
  EXPECT_EQ(index.subscription_count(), 0u);
}

TEST_F(subscription_index_test, ExactFilterMatchesOnlyItsTopic) {
  index.add("sport/tennis", a, 1);
  EXPECT_EQ(match(index, "sport/tennis"), (hits{{"a", 1}}));
  EXPECT_EQ(match(index, "sport"), hits{});
  EXPECT_EQ(match(index, "sport/tennis/player1"), hits{});
  EXPECT_EQ(match(index, "sport/tennisx"), hits{});
  EXPECT_EQ(match(index, "Sport/tennis"), hits{});  // topics are case-sensitive
}

TEST_F(subscription_index_test, PlusMatchesExactlyOneLevel) {
  index.add("sport/+/player1", a, 0);
  EXPECT_EQ(match(index, "sport/tennis/player1"), (hits{{"a", 0}}));
  EXPECT_EQ(match(index, "sport//player1"), (hits{{"a", 0}}));  // an empty level is a level
  EXPECT_EQ(match(index, "sport/player1"), hits{});
  EXPECT_EQ(match(index, "sport/a/b/player1"), hits{});
}

TEST_F(subscription_index_test, PlusAloneMatchesOneLevelTopics) {
  index.add("+", a, 0);
  EXPECT_EQ(match(index, "sport"), (hits{{"a", 0}}));
  EXPECT_EQ(match(index, "sport/tennis"), hits{});
  EXPECT_EQ(match(index, "/sport"), hits{});  // two levels: "" and "sport"
}

TEST_F(subscription_index_test, HashMatchesEverythingBelow) {
  index.add("sport/#", a, 2);
  EXPECT_EQ(match(index, "sport/tennis"), (hits{{"a", 2}}));
  EXPECT_EQ(match(index, "sport/tennis/player1/score"), (hits{{"a", 2}}));
  EXPECT_EQ(match(index, "sports"), hits{});
}

TEST_F(subscription_index_test, HashAlsoMatchesTheParentLevel) {
  // [MQTT-4.7.1-2]: "sport/#" matches "sport" too.
  index.add("sport/#", a, 1);
  index.add("+/#", b, 0);
  EXPECT_EQ(match(index, "sport"), (hits{{"a", 1}, {"b", 0}}));
}

TEST_F(subscription_index_test, LoneHashMatchesEveryTopic) {
  index.add("#", a, 0);
  EXPECT_EQ(match(index, "x"), (hits{{"a", 0}}));
  EXPECT_EQ(match(index, "x/y/z"), (hits{{"a", 0}}));
  EXPECT_EQ(match(index, "/"), (hits{{"a", 0}}));
}

TEST_F(subscription_index_test, DollarTopicsAreNotMatchedByLeadingWildcards) {
  // [MQTT-4.7.2-1]
  index.add("#", a, 0);
  index.add("+/broker/uptime", a, 0);
  index.add("+/#", a, 0);
  EXPECT_EQ(match(index, "$SYS/broker/uptime"), hits{});
  EXPECT_EQ(match(index, "$SYS"), hits{});
}

TEST_F(subscription_index_test, DollarTopicsMatchFiltersThatNameThem) {
  index.add("$SYS/#", a, 0);
  index.add("$SYS/+/uptime", b, 1);
  EXPECT_EQ(match(index, "$SYS/broker/uptime"), (hits{{"a", 0}, {"b", 1}}));
  // Only the first level is special: a '$' later on is an ordinary character.
  index.add("x/+", a, 1);
  EXPECT_EQ(match(index, "x/$y"), (hits{{"a", 1}}));
}

TEST_F(subscription_index_test, OverlappingFiltersOfOneSessionDeliverOnceAtHighestQos) {
  index.add("a/b", a, 0);
  index.add("a/+", a, 2);
  index.add("a/#", a, 1);
  index.add("#", a, 0);
  index.add("+/b", b, 1);
  index.add("#", b, 0);
  EXPECT_EQ(match(index, "a/b"), (hits{{"a", 2}, {"b", 1}}));
  EXPECT_EQ(match(index, "a/c"), (hits{{"a", 2}, {"b", 0}}));
  EXPECT_EQ(match(index, "z"), (hits{{"a", 0}, {"b", 0}}));
  EXPECT_EQ(index.subscription_count(), 6u);
}

TEST_F(subscription_index_test, ResubscribeReplacesQosWithoutAddingASubscription) {
  index.add("a/b", a, 2);
  index.add("a/b", a, 0);
  EXPECT_EQ(match(index, "a/b"), (hits{{"a", 0}}));
  EXPECT_EQ(index.subscription_count(), 1u);
  index.add("a/b", a, 1);
  EXPECT_EQ(match(index, "a/b"), (hits{{"a", 1}}));
}

TEST_F(subscription_index_test, RemoveTakesOnlyThatSessionsFilter) {
  index.add("a/b", a, 1);
  index.add("a/b", b, 1);
  index.add("a/#", a, 0);
  index.remove("a/b", a.get());
  EXPECT_EQ(match(index, "a/b"), (hits{{"a", 0}, {"b", 1}}));
  EXPECT_EQ(index.subscription_count(), 2u);
  index.remove("a/#", a.get());
  index.remove("a/b", b.get());
  EXPECT_EQ(match(index, "a/b"), hits{});
  EXPECT_EQ(index.subscription_count(), 0u);
}

TEST_F(subscription_index_test, RemovingAnUnknownFilterChangesNothing) {
  index.add("a/b", a, 1);
  index.remove("a/c", a.get());
  index.remove("a/b", b.get());
  index.remove("x/y/z", a.get());
  EXPECT_EQ(index.subscription_count(), 1u);
  EXPECT_EQ(match(index, "a/b"), (hits{{"a", 1}}));
}

TEST_F(subscription_index_test, RemovePrunesSoNewSubscriptionsStartClean) {
  index.add("a/b/c/d", a, 1);
  index.remove("a/b/c/d", a.get());
  EXPECT_EQ(index.subscription_count(), 0u);
  // The pruned branch must not leave a stale subscriber behind at any level.
  index.add("a/b", b, 0);
  EXPECT_EQ(match(index, "a/b/c/d"), hits{});
  EXPECT_EQ(match(index, "a/b"), (hits{{"b", 0}}));
}

TEST_F(subscription_index_test, IndexKeepsRemovedSessionsAliveOnlyWhileSubscribed) {
  auto gone = make_session("gone");
  std::weak_ptr<session> watch = gone;
  index.add("t", gone, 0);
  gone.reset();
  EXPECT_EQ(match(index, "t"), (hits{{"gone", 0}}));
  auto raw = watch.lock();
  index.remove("t", raw.get());
  raw.reset();
  // Each worker view still holds the old trie until it reads the new one.
  EXPECT_EQ(match(index, "t", 0), hits{});
  EXPECT_EQ(match(index, "t", 1), hits{});
  EXPECT_TRUE(watch.expired());
}

TEST_F(subscription_index_test, EveryWorkerViewSeesEachUpdate) {
  // Each worker caches its own trie; a change bumps the version so every view re-reads it.
  for (std::size_t w = 0; w < 2; ++w) EXPECT_EQ(match(index, "a/b", w), hits{});
  index.add("a/b", a, 1);
  for (std::size_t w = 0; w < 2; ++w) EXPECT_EQ(match(index, "a/b", w), (hits{{"a", 1}})) << "worker " << w;
  index.add("a/b", a, 2);
  for (std::size_t w = 0; w < 2; ++w) EXPECT_EQ(match(index, "a/b", w), (hits{{"a", 2}})) << "worker " << w;
  index.remove("a/b", a.get());
  for (std::size_t w = 0; w < 2; ++w) EXPECT_EQ(match(index, "a/b", w), hits{}) << "worker " << w;
  // A worker number past the pool wraps around rather than reading out of bounds.
  index.add("a/b", b, 0);
  EXPECT_EQ(match(index, "a/b", 7), (hits{{"b", 0}}));
}

TEST_F(subscription_index_test, ZeroWorkersStillHasOneView) {
  subscription_index single(0);
  single.add("x", a, 1);
  std::vector<subscriber_match> out;
  single.match("x", 3, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].target, a.get());
}

TEST_F(subscription_index_test, MatchClearsTheOutputFirst) {
  index.add("x", a, 0);
  std::vector<subscriber_match> out{{b.get(), b, 2}};
  index.match("y", 0, out);
  EXPECT_TRUE(out.empty());
}

TEST_F(subscription_index_test, ManySessions) {
  constexpr int count = 500;
  std::vector<std::shared_ptr<session>> sessions;
  for (int i = 0; i < count; ++i) {
    sessions.push_back(make_session("s" + std::to_string(i)));
    auto& s = sessions.back();
    index.add("dev/" + std::to_string(i) + "/up", s, 1);         // one device each
    index.add("dev/+/up", s, static_cast<std::uint8_t>(i % 3));  // and everything
    if (i % 2 == 0) index.add("dev/#", s, 2);
  }
  EXPECT_EQ(index.subscription_count(), static_cast<std::size_t>(count * 2 + count / 2));

  auto hit = match(index, "dev/42/up");
  ASSERT_EQ(hit.size(), static_cast<std::size_t>(count));
  EXPECT_EQ(hit["s42"], 2);  // own filter QoS 1, "dev/#" QoS 2
  EXPECT_EQ(hit["s43"], 1);  // 43 % 3 == 1, odd so no "dev/#"
  EXPECT_EQ(hit["s41"], 2);  // 41 % 3 == 2
  EXPECT_EQ(hit["s1"], 1);   // own filter QoS 1 beats "dev/+/up" at 1 % 3 == 1

  for (int i = 0; i < count; i += 2) index.remove("dev/#", sessions[i].get());
  for (int i = 0; i < count; ++i) index.remove("dev/+/up", sessions[i].get());
  EXPECT_EQ(index.subscription_count(), static_cast<std::size_t>(count));
  EXPECT_EQ(match(index, "dev/7/up", 1), (hits{{"s7", 1}}));
  EXPECT_EQ(match(index, "dev/7/down", 1), hits{});
}

}  // namespace
}  // namespace tether::mqtt

namespace tether::mqtt {
namespace {

// MQTT 5 subscription options: No Local leaves out the publisher's own subscription, overlapping
// subscriptions merge Retain As Published and keep a Subscription Identifier.
TEST_F(subscription_index_test, NoLocalSkipsOnlyThePublishersOwnSubscription) {
  index.add("t/#", a, 1, no_local_option);
  index.add("t/x", b, 1, no_local_option);
  std::vector<subscriber_match> out;
  index.match("t/x", 0, out, a.get());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].target, b.get());
  index.match("t/x", 0, out, nullptr);
  EXPECT_EQ(out.size(), 2u);
}

TEST_F(subscription_index_test, OverlappingSubscriptionsMergeOptionsAndIdentifier) {
  index.add("t/+", a, 2, 0, 0);
  index.add("t/#", a, 1, retain_as_published_option, 7);
  std::vector<subscriber_match> out;
  index.match("t/x", 0, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].qos, 2);
  EXPECT_EQ(out[0].options & retain_as_published_option, retain_as_published_option);
  EXPECT_EQ(out[0].id, 7u);
}

}  // namespace
}  // namespace tether::mqtt
