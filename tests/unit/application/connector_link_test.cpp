// The connector link against a small in-process broker that acknowledges (or not) what it gets: where a
// new connector starts, history marking, retention, the types filter, the outbox, and a cursor that
// never passes an unacknowledged message. Timing (window, 1 s PUBACK timeout, backoff) is covered
// against real sockets in tests/system/test_connector.py.

#include "application/connector/basic_renderer.hpp"
#include "application/connector/link.hpp"
#include "application/event_stream.hpp"
#include "storage/cursor_store.hpp"
#include "storage/event_log.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

namespace tether::application::connector {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// Accepts one connection at a time: CONNACK to CONNECT, PUBACK to QoS 1 PUBLISH when `ack` is set.
class fake_broker {
 public:
  explicit fake_broker(bool ack)
      : ack_(ack), acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    thread_ = std::thread([this] { run(); });
  }
  ~fake_broker() {
    stop_ = true;
    boost::system::error_code ec;
    acceptor_.close(ec);
    {
      std::lock_guard lock(mutex_);
      if (socket_) socket_->shutdown(tcp::socket::shutdown_both, ec);  // wakes the blocked read
    }
    thread_.join();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::vector<std::string> payloads() {
    std::lock_guard lock(mutex_);
    return payloads_;
  }

 private:
  void run() {
    while (!stop_) {
      auto s = std::make_shared<tcp::socket>(io_);
      boost::system::error_code ec;
      acceptor_.accept(*s, ec);
      if (ec) return;
      {
        std::lock_guard lock(mutex_);
        socket_ = s;
      }
      serve(*s);
    }
  }
  void serve(tcp::socket& s) {
    boost::system::error_code ec;
    for (;;) {
      std::uint8_t first = 0;
      if (asio::read(s, asio::buffer(&first, 1), ec) != 1) return;
      std::size_t length = 0;
      for (int shift = 0;; shift += 7) {
        std::uint8_t b = 0;
        if (asio::read(s, asio::buffer(&b, 1), ec) != 1) return;
        length |= static_cast<std::size_t>(b & 0x7f) << shift;
        if ((b & 0x80) == 0) break;
      }
      std::string body(length, '\0');
      if (asio::read(s, asio::buffer(body), ec) != length) return;
      if ((first >> 4) == 1) {
        const std::uint8_t connack[] = {0x20, 2, 0, 0};
        asio::write(s, asio::buffer(connack), ec);
      } else if ((first >> 4) == 3) {
        auto n = static_cast<std::size_t>((static_cast<std::uint8_t>(body[0]) << 8) |
                                          static_cast<std::uint8_t>(body[1]));
        {
          std::lock_guard lock(mutex_);
          payloads_.push_back(body.substr(2 + n + 2));
        }
        if (ack_) {
          const std::uint8_t puback[] = {0x40, 2, static_cast<std::uint8_t>(body[2 + n]),
                                         static_cast<std::uint8_t>(body[3 + n])};
          asio::write(s, asio::buffer(puback), ec);
        }
      }
    }
  }

  bool ack_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::shared_ptr<tcp::socket> socket_;
  std::vector<std::string> payloads_;
};

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string uplink(std::uint32_t f_cnt) {
  network::uplink_event e;
  e.ids.application_id = "app";
  e.ids.device_id = "dev";
  e.ids.dev_addr = *core::dev_addr::from_hex("260B1234");
  e.f_port = 1;
  e.f_cnt = f_cnt;
  e.settings.data_rate = network::lora_data_rate{125000, 7, "4/5"};
  return encode_event(e);
}

template <class F>
bool eventually(F f, std::chrono::milliseconds timeout = 5000ms) {
  for (auto deadline = std::chrono::steady_clock::now() + timeout;
       std::chrono::steady_clock::now() < deadline;) {
    if (f()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return f();
}

class link_test : public ::testing::Test {
 protected:
  link_test()
      : log_(db_.path(), {.max_age = {}, .max_rows_per_stream = 0}),
        cursors_(db_.path()),
        stream_(log_, cursors_) {
    config_.application_id = "app";
    config_.name = "c";
    config_.broker.host = "127.0.0.1";
    config_.topic_up = "up/{type}/{device_addr}";
  }
  ~link_test() override {
    if (link_) link_->stop_async();
    asio::post(io_, [this] { io_.stop(); });
    if (runner_.joinable()) runner_.join();
  }
  void append(std::uint32_t f_cnt, std::int64_t at = now_ns()) {
    log_.append("app", uplink(f_cnt), at);
    log_.sync();
  }
  void start(fake_broker& broker, link_options options = {}) {
    config_.broker.port = broker.port();
    link_ = std::make_shared<link>(io_, stream_, config_, make_basic_codec_factory()(config_), options);
    asio::post(io_, [this] { link_->start(); });
    runner_ = std::thread([this] { io_.run(); });
  }

  test::temp_database db_;
  storage::event_log log_;
  storage::cursor_store cursors_;
  event_stream stream_;
  connector_config config_;
  asio::io_context io_{1};
  asio::executor_work_guard<asio::io_context::executor_type> guard_{io_.get_executor()};
  std::shared_ptr<link> link_;
  std::thread runner_;
};

TEST_F(link_test, a_new_connector_starts_at_the_end_and_delivers_what_follows_live) {
  fake_broker broker(true);
  append(1);
  append(2);
  start(broker);
  ASSERT_TRUE(eventually([&] { return link_->counters().connects == 1; }));
  EXPECT_EQ(stream_.find_cursor(link::reader_name(config_), "app"), 2u);  // remembered at once
  append(3);
  link_->wake();
  ASSERT_TRUE(eventually([&] { return link_->counters().cursor == 3; }));
  auto got = broker.payloads();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_NE(got[0].find("\"counter_up\":3"), std::string::npos) << got[0];
  EXPECT_NE(got[0].find("\"history\":false"), std::string::npos) << got[0];
}

TEST_F(link_test, a_replay_is_marked_history_and_skips_what_is_older_than_its_retention) {
  fake_broker broker(true);
  stream_.save_cursor(link::reader_name(config_), "app", 0);
  append(1, now_ns() - std::chrono::nanoseconds(2h).count());  // older than the 1 h below
  append(2, now_ns() - std::chrono::nanoseconds(10min).count());
  link_options options;
  options.retention_long = std::chrono::hours(1);
  start(broker, options);
  ASSERT_TRUE(eventually([&] { return link_->counters().cursor == 2; }));
  auto got = broker.payloads();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_NE(got[0].find("\"counter_up\":2"), std::string::npos) << got[0];
  EXPECT_NE(got[0].find("\"history\":true"), std::string::npos) << got[0];
  EXPECT_EQ(link_->counters().expired, 1u);
  EXPECT_EQ(link_->counters().replayed, 1u);
}

TEST_F(link_test, types_the_connector_does_not_take_are_passed_and_the_cursor_moves) {
  fake_broker broker(true);
  config_.types = type_set::of({message_type::join_request});
  start(broker);
  ASSERT_TRUE(eventually([&] { return link_->counters().connects == 1; }));
  append(1);
  append(2);
  link_->wake();
  ASSERT_TRUE(eventually([&] { return link_->counters().cursor == 2; }));
  EXPECT_TRUE(broker.payloads().empty());
  EXPECT_EQ(link_->counters().filtered, 2u);
}

TEST_F(link_test, outbox_messages_are_published_and_the_outbox_is_bounded) {
  fake_broker broker(true);
  link_options options;
  options.outbox_capacity = 2;
  start(broker, options);
  // Before the link runs its first handler nothing drains the outbox: the third post is refused.
  EXPECT_TRUE(link_->post({message_type::error, "up/error", "{\"type\":\"error\"}"}));
  EXPECT_TRUE(link_->post({message_type::error, "up/error", "{\"type\":\"error\",\"n\":2}"}));
  bool third = link_->post({message_type::error, "up/error", "{}"});
  ASSERT_TRUE(eventually([&] { return link_->counters().acked >= (third ? 3u : 2u); }));
  EXPECT_EQ(broker.payloads().at(0), "{\"type\":\"error\"}");
  EXPECT_EQ(link_->counters().outbox_dropped, third ? 0u : 1u);
}

TEST_F(link_test, the_cursor_never_passes_an_unacknowledged_message) {
  fake_broker broker(false);
  start(broker);
  ASSERT_TRUE(eventually([&] { return link_->counters().connects == 1; }));
  append(1);
  append(2);
  link_->wake();
  ASSERT_TRUE(eventually([&] { return broker.payloads().size() == 2; }));
  std::this_thread::sleep_for(300ms);  // several cursor saves later
  EXPECT_EQ(link_->counters().cursor, 0u);
  EXPECT_EQ(link_->counters().acked, 0u);
}

}  // namespace
}  // namespace tether::application::connector
