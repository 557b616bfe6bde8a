// Many devices over several shards on a multi-threaded io_context: every frame is handled once, in
// order per device, whichever thread runs its shard.

#include "network/sharding.hpp"
#include "network_fixture.hpp"

#include <set>
#include <thread>

namespace tether::network::test {
namespace {

class sharded : public network_test {};

TEST_F(sharded, ManyDevicesOnFourShardsAndTwoThreads) {
  constexpr std::uint32_t devices = 24;
  for (std::uint32_t i = 0; i < devices; ++i) {
    create(abp_device("dev" + std::to_string(i), 0x26000100 + i, 0x11, static_cast<std::uint8_t>(i)));
  }
  start(4);
  for (std::uint32_t f = 0; f < 5; ++f) {
    for (std::uint32_t i = 0; i < devices; ++i) {
      feed(data_up(0x26000100 + i, key_of(0x11), key_of(static_cast<std::uint8_t>(i)), f, 1,
                   text(std::to_string(f))),
           {{"gw1"}, {"gw2"}});
    }
    io_.restart();
    std::thread other([this] { io_.run(); });
    io_.run();
    other.join();
  }
  ASSERT_EQ(events_.uplinks.size(), devices * 5);
  std::map<std::string, std::vector<std::uint32_t>> seen;
  for (const auto& e : events_.uplinks) {
    EXPECT_EQ(e.rx_metadata.size(), 2u);
    seen[e.ids.device_id].push_back(e.f_cnt);
  }
  ASSERT_EQ(seen.size(), devices);
  for (const auto& [dev, counts] : seen)
    EXPECT_EQ(counts, (std::vector<std::uint32_t>{0, 1, 2, 3, 4})) << dev;
  std::set<std::size_t> used;
  for (std::uint32_t i = 0; i < devices; ++i) used.insert(shard_of_dev_addr(0x26000100 + i, 4));
  EXPECT_EQ(used.size(), 4u);  // the test really spread devices over every shard
}

}  // namespace
}  // namespace tether::network::test
