#include "storage/device_session_store.hpp"

#include "storage/device_session_codec.hpp"
#include "temp_database.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

namespace tether::storage {
namespace {

device_session joined(std::string app, std::string dev, std::uint32_t f_cnt) {
  device_session s;
  s.application_id = std::move(app);
  s.device_id = std::move(dev);
  s.used_dev_nonces = {1, 2, 0xffff};
  s.next_join_nonce = 0xabcdef;
  s.active = true;
  s.dev_addr = *core::dev_addr::from_hex("26011234");
  s.nwk_s_key = *core::aes_key::from_hex("000102030405060708090A0B0C0D0E0F");
  s.app_s_key = *core::aes_key::from_hex("F0E0D0C0B0A090807060504030201000");
  s.f_cnt_up = f_cnt;
  s.has_f_cnt_up = true;
  s.n_f_cnt_down = 7;
  s.a_f_cnt_down = 0xfffffffe;
  s.mac_state = {0, 1, 2, 0xff};
  s.updated_at = 1'700'000'000'123'456'789;
  return s;
}

TEST(device_session_codec, round_trips_every_field) {
  auto s = joined("app", "dev", 0x12345678);
  auto back = decode_device_session(encode_device_session(s), "test");
  back.application_id = s.application_id;
  back.device_id = s.device_id;
  back.updated_at = s.updated_at;
  EXPECT_EQ(back, s);
  EXPECT_EQ(encode_device_session(s)[0], 1);  // format version first
}

TEST(device_session_codec, round_trips_an_empty_record) {
  device_session s;
  EXPECT_EQ(decode_device_session(encode_device_session(s), "test"), s);
}

TEST(device_session_codec, keeps_the_newest_64_dev_nonces) {
  device_session s;
  for (std::uint16_t i = 0; i < 100; ++i) s.used_dev_nonces.push_back(i);
  auto back = decode_device_session(encode_device_session(s), "test");
  ASSERT_EQ(back.used_dev_nonces.size(), max_dev_nonces);
  EXPECT_EQ(back.used_dev_nonces.front(), 36);
  EXPECT_EQ(back.used_dev_nonces.back(), 99);
}

TEST(device_session_codec, refuses_an_unknown_version) {
  auto blob = encode_device_session(joined("a", "d", 1));
  blob[0] = 2;
  try {
    decode_device_session(blob, "device session a/d");
    FAIL() << "decoded an unknown version";
  } catch (const storage_error& e) {
    EXPECT_STREQ(e.what(),
                 "cannot read device session a/d: unknown format version 2 (this tether reads version 1)");
  }
}

TEST(device_session_codec, refuses_damaged_records) {
  auto blob = encode_device_session(joined("a", "d", 1));
  EXPECT_THROW(decode_device_session("", "x"), storage_error);
  for (std::size_t n = 1; n < blob.size(); ++n) {
    EXPECT_THROW(decode_device_session(blob.substr(0, n), "x"), storage_error) << "truncated to " << n;
  }
  EXPECT_THROW(decode_device_session(blob + "x", "x"), storage_error);  // trailing bytes
  auto flags = blob;
  flags[1] = static_cast<char>(0x80);
  EXPECT_THROW(decode_device_session(flags, "x"), storage_error);
  auto nonces = blob;
  nonces[6] = static_cast<char>(65);  // more DevNonces than the store ever keeps
  EXPECT_THROW(decode_device_session(nonces, "x"), storage_error);
}

TEST(device_session_store, reads_back_what_was_put_after_reopening) {
  test::temp_database tmp;
  device_session inactive;
  inactive.application_id = "app";
  inactive.device_id = "b-otaa";
  inactive.used_dev_nonces = {42};
  {
    device_session_store store(tmp.path());
    store.put(joined("app", "c", 10));
    store.put(joined("app", "a", 20));
    store.put(inactive);
    store.put(joined("other", "a", 30));
    store.sync();
  }
  device_session_store store(tmp.path());
  auto all = store.load_all();
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0], joined("app", "a", 20));  // ordered by application, then device
  EXPECT_EQ(all[1], inactive);
  EXPECT_EQ(all[2], joined("app", "c", 10));
  EXPECT_EQ(all[3], joined("other", "a", 30));
}

TEST(device_session_store, the_newest_put_wins_and_remove_forgets) {
  test::temp_database tmp;
  device_session_store store(tmp.path());
  for (std::uint32_t f = 0; f < 1000; ++f) store.put(joined("app", "dev", f));
  store.put(joined("app", "gone", 1));
  store.remove("app", "gone");
  store.put(joined("app", "back", 1));
  store.remove("app", "back");
  store.put(joined("app", "back", 2));
  store.sync();
  auto all = store.load_all();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0], joined("app", "back", 2));
  EXPECT_EQ(all[1], joined("app", "dev", 999));
}

TEST(device_session_store, coalesces_puts_of_one_device_within_a_group) {
  test::temp_database tmp;
  device_session_store store(tmp.path());
  // Hold the writer in a when_durable callback so that the next puts gather into one group.
  std::promise<void> entered, release;
  // Registered before the put it waits for (ticket 1), so it runs on the writer thread.
  store.when_durable(1, [&] {
    entered.set_value();
    release.get_future().wait();
  });
  EXPECT_EQ(store.put(joined("app", "other", 1)), 1u);
  entered.get_future().wait();
  std::uint64_t last = 0;
  for (std::uint32_t f = 0; f < 100; ++f) last = store.put(joined("app", "dev", f));
  std::atomic<bool> durable = false;
  store.when_durable(last, [&] { durable = true; });
  release.set_value();
  store.sync();
  EXPECT_TRUE(durable);
  EXPECT_EQ(store.commits(), 2u);  // the first put, then one group for the hundred
  EXPECT_EQ(store.load_all().at(0).f_cnt_up, 99u);
}

TEST(device_session_store, when_durable_runs_once_on_disk_and_at_once_afterwards) {
  test::temp_database tmp;
  device_session_store store(tmp.path());
  std::atomic<int> calls = 0;
  auto t = store.put(joined("app", "dev", 1));
  store.when_durable(t, [&] { ++calls; });
  store.sync();
  EXPECT_EQ(calls, 1);
  store.when_durable(t, [&] { ++calls; });
  EXPECT_EQ(calls, 2);
  EXPECT_GT(store.put(joined("app", "dev", 2)), t);  // tickets increase
}

TEST(device_session_store, a_corrupted_record_fails_loading_with_a_clear_error) {
  test::temp_database tmp;
  {
    database db(tmp.path());
    db.exec(
        "INSERT INTO device_sessions (application_id, device_id, dev_addr, state, updated_at) "
        "VALUES ('app', 'dev', NULL, X'09', 0)");
  }
  device_session_store store(tmp.path());
  try {
    store.load_all();
    FAIL() << "loaded a corrupted record";
  } catch (const storage_error& e) {
    EXPECT_NE(std::string(e.what()).find("device session app/dev: unknown format version 9"),
              std::string::npos)
        << e.what();
  }
}

TEST(device_session_store, the_dev_addr_column_mirrors_the_active_session) {
  test::temp_database tmp;
  {
    device_session_store store(tmp.path());
    store.put(joined("app", "on", 1));
    device_session off;
    off.application_id = "app";
    off.device_id = "off";
    store.put(off);
    store.sync();
  }
  database db(tmp.path());
  auto q =
      db.prepare("SELECT device_id, hex(dev_addr), dev_addr IS NULL FROM device_sessions ORDER BY device_id");
  ASSERT_TRUE(q.step());
  EXPECT_EQ(q.column_text(0), "off");
  EXPECT_EQ(q.column_int(2), 1);
  ASSERT_TRUE(q.step());
  EXPECT_EQ(q.column_text(1), "26011234");
}

TEST(device_session_store, a_new_dev_addr_or_a_join_rewrites_the_dev_addr_column) {
  test::temp_database tmp;
  device_session_store store(tmp.path());
  device_session s;
  s.application_id = "app";
  s.device_id = "dev";
  store.put(s);  // not joined
  store.sync();
  s = joined("app", "dev", 1);  // joins
  store.put(s);
  store.sync();
  s.dev_addr = *core::dev_addr::from_hex("26FFFFFF");  // joins again, new DevAddr
  s.f_cnt_up = 0;
  store.put(s);
  store.sync();
  ++s.f_cnt_up;  // counters only
  store.put(s);
  store.sync();
  EXPECT_EQ(store.load_all().at(0), s);
  database db(tmp.path());
  auto q = db.prepare("SELECT hex(dev_addr) FROM device_sessions");
  ASSERT_TRUE(q.step());
  EXPECT_EQ(q.column_text(0), "26FFFFFF");
}

}  // namespace
}  // namespace tether::storage
