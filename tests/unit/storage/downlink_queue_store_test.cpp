#include "storage/downlink_queue_store.hpp"

#include "storage/downlink_item_codec.hpp"
#include "temp_database.hpp"

#include <gtest/gtest.h>

#include <future>

namespace tether::storage {
namespace {

downlink_item item(std::uint8_t priority, std::uint8_t f_port = 1) {
  downlink_item d;
  d.f_port = f_port;
  d.frm_payload = {0xde, 0xad, f_port};
  d.priority = priority;
  d.confirmed = priority % 2 == 1;
  d.correlation_ids = {"as:downlink:01", "my-corr"};
  d.queued_at = 1'700'000'000'000'000'000 + priority;
  return d;
}

TEST(downlink_item_codec, round_trips_and_refuses_damage) {
  auto d = item(3);
  d.attempts = 0xfffffff0;
  d.correlation_ids.push_back("");
  auto blob = encode_downlink_item(d);
  auto back = decode_downlink_item(blob, "x");
  back.priority = d.priority;
  EXPECT_EQ(back, d);
  EXPECT_EQ(blob[0], 1);
  for (std::size_t n = 0; n < blob.size(); ++n)
    EXPECT_THROW(decode_downlink_item(blob.substr(0, n), "x"), storage_error);
  blob[0] = 7;
  EXPECT_THROW(decode_downlink_item(blob, "x"), storage_error);
}

TEST(downlink_queue_store, push_assigns_increasing_seqs_and_load_orders_by_priority_then_seq) {
  test::temp_database tmp;
  {
    downlink_queue_store store(tmp.path());
    auto first = store.push("app", "dev", {item(2, 1), item(6, 2), item(2, 3)});
    ASSERT_TRUE(first);
    ASSERT_EQ(first->items.size(), 3u);
    EXPECT_EQ(first->items[0].seq, 1u);
    EXPECT_EQ(first->items[2].seq, 3u);
    EXPECT_EQ(first->items[1].device_id, "dev");
    ASSERT_TRUE(store.push("app", "dev", {item(6, 4)}));
    ASSERT_TRUE(store.push("app", "another", {item(0, 5)}));
    store.sync();
  }
  downlink_queue_store store(tmp.path());
  auto all = store.load_all();
  std::vector<std::pair<std::string, std::uint8_t>> order;
  for (const auto& d : all) order.emplace_back(d.device_id, d.f_port);
  EXPECT_EQ(order, (std::vector<std::pair<std::string, std::uint8_t>>{
                       {"another", 5}, {"dev", 2}, {"dev", 4}, {"dev", 1}, {"dev", 3}}));
  EXPECT_EQ(all[1].correlation_ids, item(6).correlation_ids);
  EXPECT_TRUE(all[1].confirmed == false && all[0].queued_at == item(0).queued_at);
  // Seqs continue after a restart.
  EXPECT_EQ(store.push("app", "dev", {item(1)})->items[0].seq, 6u);
}

TEST(downlink_queue_store, replace_remove_and_update) {
  test::temp_database tmp;
  downlink_queue_store store(tmp.path());
  auto pushed = store.push("app", "dev", {item(1, 1), item(1, 2)});
  ASSERT_TRUE(pushed);
  auto replaced = store.replace("app", "dev", {item(3, 9)});
  ASSERT_TRUE(replaced);
  EXPECT_EQ(store.size("app", "dev"), 1u);
  EXPECT_EQ(store.remove("app", "dev", pushed->items[0].seq).error(), storage_errc::not_found);

  auto d = replaced->items[0];
  d.attempts = 2;
  d.priority = 5;
  ASSERT_TRUE(store.update(d));
  store.sync();
  auto all = store.load_all();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0], d);

  ASSERT_TRUE(store.remove("app", "dev", d.seq));
  EXPECT_EQ(store.update(d).error(), storage_errc::not_found);
  ASSERT_TRUE(store.push("app", "dev", {item(0)}));
  ASSERT_TRUE(store.replace("app", "dev", {}));  // empty clears
  store.sync();
  EXPECT_TRUE(store.load_all().empty());
  EXPECT_EQ(store.size("app", "dev"), 0u);
}

TEST(downlink_queue_store, refuses_beyond_capacity_without_queuing_anything) {
  test::temp_database tmp;
  downlink_queue_store store(tmp.path(), {.max_items_per_device = 3});
  ASSERT_TRUE(store.push("app", "dev", {item(1), item(1)}));
  auto full = store.push("app", "dev", {item(1), item(1)});
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error(), storage_errc::queue_full);
  EXPECT_EQ(full.error().message(), "downlink queue full");
  EXPECT_EQ(store.size("app", "dev"), 2u);
  EXPECT_TRUE(store.push("app", "other", {item(1), item(1), item(1)}));  // per device
  EXPECT_EQ(store.replace("app", "dev", {item(1), item(1), item(1), item(1)}).error(),
            storage_errc::queue_full);
  EXPECT_TRUE(store.replace("app", "dev", {item(1), item(1), item(1)}));
  EXPECT_EQ(store.push("app", "dev", {item(7)}).error(), storage_errc::invalid_priority);
  store.sync();
  EXPECT_EQ(store.load_all().size(), 6u);
}

TEST(downlink_queue_store, a_push_is_durable_when_its_ticket_says_so) {
  test::temp_database tmp;
  downlink_queue_store store(tmp.path());
  auto pushed = store.push("app", "dev", {item(1)});
  ASSERT_TRUE(pushed);
  std::promise<void> durable;
  store.when_durable(pushed->ticket, [&] { durable.set_value(); });
  durable.get_future().wait();
  // Another connection sees it without any sync: it is committed.
  database db(tmp.path());
  auto q = db.prepare("SELECT count(*) FROM downlink_queue");
  q.step();
  EXPECT_EQ(q.column_int(0), 1);
}

}  // namespace
}  // namespace tether::storage
