// The network core under skew, with its real parts running concurrently: two shard threads, and three
// gateway threads that each hand in every frame in the order the devices sent it. One gateway is read
// late (its worker is behind), so its copies reach the shards after their frames' windows closed and
// after the devices' next frames were processed. Nothing here reorders anything: every frame must be
// delivered once, in order per device, and a late copy must be counted as late, never as a replay.

#include "network/load_gate.hpp"
#include "network_fixture.hpp"

#include <boost/asio/executor_work_guard.hpp>

#include <atomic>
#include <iostream>
#include <thread>

namespace tether::network::test {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t device_count = 50;
constexpr std::uint32_t frames_per_device = 20;
constexpr std::uint32_t first_addr = 0x26010000;

class overload_order : public network_test {
 protected:
  void SetUp() override {
    network_test::SetUp();
    for (std::size_t d = 0; d < device_count; ++d) {
      create(abp_device("dev" + std::to_string(d), first_addr + static_cast<std::uint32_t>(d), 0x11, 0x22));
    }
    options_.dedup_window = 50ms;
    options_.dedup_cooldown = 30s;  // far beyond any lag this test makes, even on a loaded machine
    options_.shard_count = 4;
  }
  void TearDown() override {
    for (auto& g : guards_) g.reset();
    for (auto& t : threads_) t.join();
    server_.reset();
    network_test::TearDown();
  }
  void start_threaded() {
    std::vector<boost::asio::any_io_executor> executors;
    for (auto& io : contexts_) {
      executors.push_back(io.get_executor());
      guards_.emplace_back(boost::asio::make_work_guard(io));
    }
    server_ = std::make_unique<server>(options_, executors, db_path(), *persistence_, events_, downlinks_);
    for (auto& io : contexts_) threads_.emplace_back([&io] { io.run(); });
  }
  gateway_uplink copy_of(const bytes& phy, const std::string& gateway) {
    gateway_uplink up;
    up.raw_payload = phy;
    up.settings.data_rate = lora_data_rate{125'000, 7, "4/5"};
    up.settings.frequency = 868'100'000;
    rx_metadata m;
    m.gateway_id = gateway;
    m.uplink_token = text("token-" + gateway);
    up.rx_metadata.push_back(m);
    up.received_at = std::chrono::system_clock::now();
    return up;
  }
  std::uint64_t delivered() const { return stat(counter::uplinks_delivered); }
  // Every 100 ms each device sends its next frame; gw3 hands its copies in 400 ms after the others. Returns
  // once the shards stopped.
  void run_lagging_gateway() {
    std::vector<std::vector<bytes>> frames(device_count);
    for (std::size_t d = 0; d < device_count; ++d) {
      for (std::uint32_t f = 0; f < frames_per_device; ++f) {
        frames[d].push_back(data_up(first_addr + static_cast<std::uint32_t>(d), key_of(0x11), key_of(0x22), f,
                                    1, text("frame " + std::to_string(f))));
      }
    }
    const auto gateway = [&](std::string id, std::chrono::milliseconds lag) {
      const auto start = std::chrono::steady_clock::now() + lag;
      for (std::uint32_t f = 0; f < frames_per_device; ++f) {
        std::this_thread::sleep_until(start + f * 100ms);
        for (std::size_t d = 0; d < device_count; ++d) server_->handle_uplink(copy_of(frames[d][f], id));
      }
    };
    { std::jthread gw1(gateway, "gw1", 0ms), gw2(gateway, "gw2", 0ms), gw3(gateway, "gw3", 400ms); }
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (delivered() < device_count * frames_per_device && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(20ms);
    }
    std::this_thread::sleep_for(200ms);  // anything still in a window or on its way
    for (auto& g : guards_) g.reset();
    for (auto& io : contexts_) io.stop();
    for (auto& t : threads_) t.join();
    threads_.clear();
  }

  std::array<boost::asio::io_context, 2> contexts_;
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guards_;
  std::vector<std::thread> threads_;
};

TEST_F(overload_order, LateCopiesOfALaggingGatewayAreNeitherReplaysNorReordered) {
  start_threaded();
  run_lagging_gateway();

  EXPECT_EQ(stat(counter::replay), 0u);
  EXPECT_EQ(stat(counter::retransmission), 0u);
  EXPECT_EQ(stat(counter::copies_received), 3 * device_count * frames_per_device);
  EXPECT_EQ(stat(counter::copies_merged) + stat(counter::copies_late), 2 * device_count * frames_per_device);
  EXPECT_GT(stat(counter::copies_late), 0u);  // the lag did make gw3 late
  ASSERT_EQ(events_.uplinks.size(), device_count * frames_per_device);
  std::map<std::string, std::vector<std::uint32_t>> seen;
  for (const auto& e : events_.uplinks) seen[e.ids.device_id].push_back(e.f_cnt);
  ASSERT_EQ(seen.size(), device_count);
  for (const auto& [device, counts] : seen) {
    ASSERT_EQ(counts.size(), frames_per_device) << device;
    for (std::uint32_t f = 0; f < frames_per_device; ++f) EXPECT_EQ(counts[f], f) << device;
  }
}

// What the core did before the cooldown (issue 20): the lagging gateway's copies reach the shard after
// the device's next frame was accepted, and fail the counter check as replays.
TEST_F(overload_order, WithoutACooldownTheLaggingGatewaysCopiesFailAsReplays) {
  options_.dedup_cooldown = 0ms;
  start_threaded();
  run_lagging_gateway();
  EXPECT_GT(stat(counter::replay), 0u);
  std::cout << "without a cooldown: replay " << stat(counter::replay) << ", retransmission "
            << stat(counter::retransmission) << ", delivered " << delivered() << " of "
            << device_count * frames_per_device << "\n";
}

TEST_F(overload_order, ARepetitionAfterTheCooldownIsARetransmission) {
  options_.dedup_cooldown = 1500ms;
  start_threaded();
  const auto phy = data_up(first_addr, key_of(0x11), key_of(0x22), 7, 1, text("once"));
  server_->handle_uplink(copy_of(phy, "gw1"));
  std::this_thread::sleep_for(150ms);  // the window (50 ms) closed, the cooldown did not
  server_->handle_uplink(copy_of(phy, "gw2"));
  std::this_thread::sleep_for(2500ms);  // past the cooldown: NbTrans sends the same frame again
  server_->handle_uplink(copy_of(phy, "gw1"));
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (stat(counter::retransmission) == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  // On a loaded machine the window may close late enough for gw2's copy to be merged instead.
  EXPECT_EQ(stat(counter::copies_late) + stat(counter::copies_merged), 1u);
  EXPECT_EQ(stat(counter::retransmission), 1u);
  EXPECT_EQ(stat(counter::replay), 0u);
  EXPECT_EQ(delivered(), 1u);
}

TEST(load_gate, PausesAtTheHighMarkAndResumesBelowTheLowOne) {
  load_gate gate({.high = 4, .low = 2, .shed = 6});
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(gate.enter());
  EXPECT_TRUE(gate.congested());
  std::atomic<int> resumed{0};
  gate.when_room([&] { ++resumed; });
  EXPECT_EQ(resumed, 0);
  EXPECT_TRUE(gate.enter());
  EXPECT_TRUE(gate.enter());
  EXPECT_FALSE(gate.enter());  // at the shed mark
  EXPECT_EQ(gate.behind(), 6u);
  for (int i = 0; i < 4; ++i) gate.leave();
  EXPECT_EQ(resumed, 0);  // 2 behind: not below the low mark yet
  gate.leave();
  EXPECT_EQ(resumed, 1);
  EXPECT_FALSE(gate.congested());
  gate.when_room([&] { ++resumed; });  // room already: at once
  EXPECT_EQ(resumed, 2);
}

TEST(load_gate, AWaiterIsWokenByTheThreadThatDrainsTheBacklog) {
  load_gate gate({.high = 64, .low = 16, .shed = 1 << 20});
  std::atomic<int> resumed{0};
  std::atomic<int> rounds_to_drain{0};
  std::jthread consumer([&](std::stop_token stop) {
    int drained = 0;
    while (!stop.stop_requested()) {
      if (drained == rounds_to_drain) {
        std::this_thread::yield();
        continue;
      }
      while (gate.behind() > 0) gate.leave();
      ++drained;
    }
  });
  for (int round = 0; round < 500; ++round) {
    while (!gate.congested()) gate.enter();
    gate.when_room([&] { ++resumed; });
    ++rounds_to_drain;
    while (resumed <= round) std::this_thread::yield();
  }
  EXPECT_EQ(resumed, 500);
}

}  // namespace
}  // namespace tether::network::test
