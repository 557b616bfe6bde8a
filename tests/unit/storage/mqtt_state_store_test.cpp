#include "storage/mqtt_state_store.hpp"

#include "temp_database.hpp"

#include <gtest/gtest.h>

#include <future>

namespace tether::storage {
namespace {

TEST(mqtt_state_store, restores_sessions_queues_and_retained_messages_after_reopening) {
  test::temp_database tmp;
  {
    mqtt_state_store store(tmp.path());
    auto& j = store.journal_for("mqtt");
    j.session_opened("sub");
    j.subscribed("sub", "a/#", 1);
    j.subscribed("sub", "b", 2);
    j.unsubscribed("sub", "b");
    for (std::uint64_t seq = 1; seq <= 3; ++seq) {
      j.queued("sub", seq, mqtt::make_message("a/" + std::to_string(seq), "p", 2, false), 2, false);
    }
    j.released("sub", 2, 77);
    j.delivered("sub", 1);
    j.retained(mqtt::make_message("r/1", "kept", 1, true));
    j.retained(mqtt::make_message("r/2", "gone", 1, true));
    j.retained(mqtt::make_message("r/2", "", 1, true));  // clears
    j.session_opened("gone");
    j.queued("gone", 1, mqtt::make_message("a/x", "p", 1, false), 1, false);
    j.session_closed("gone");
    store.journal_for("other").session_opened("elsewhere");  // another realm
    std::promise<void> durable;
    j.when_durable(j.mark(), [&] { durable.set_value(); });
    durable.get_future().wait();
  }
  mqtt_state_store store(tmp.path());
  auto state = store.load("mqtt");
  ASSERT_EQ(state.sessions.size(), 1u);
  const auto& s = state.sessions[0];
  EXPECT_EQ(s.client_id, "sub");
  EXPECT_EQ(s.subscriptions, (std::map<std::string, std::uint8_t>{{"a/#", 1}}));
  ASSERT_EQ(s.queue.size(), 2u);
  EXPECT_EQ(s.queue[0].seq, 2u);
  EXPECT_EQ(s.queue[0].released_packet_id, 77);
  EXPECT_EQ(s.queue[1].msg->topic, "a/3");
  EXPECT_EQ(s.queue[1].qos, 2);
  ASSERT_EQ(state.retained.size(), 1u);
  EXPECT_EQ(state.retained[0]->payload, "kept");
  EXPECT_EQ(store.load("other").sessions.size(), 1u);
}

}  // namespace
}  // namespace tether::storage
