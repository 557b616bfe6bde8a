// storage_bench: what the durable stores sustain with group commit, in a database file under /tmp.
//  (a) persisted QoS 1 messages/s: publishers whose messages are queued for an offline persistent
//      subscriber through mqtt_state_store's journal, as the broker does (journal.queued under the
//      subscriber session's lock; one mark() + when_durable per read batch to release the PUBACKs), each
//      publisher keeping at most `window` messages unacknowledged;
//  (b) device-session updates/s: shard threads updating the counters and MAC state of `devices`
//      devices round robin through device_session_store::put, waiting for durability batch by batch
//      (at most two batches in flight per shard).
// Usage: storage_bench [--messages=N] [--publishers=N] [--window=N] [--read-batch=N] [--payload=BYTES]
//                      [--devices=N] [--updates=N] [--shards=N] [--batch=N] [--sync=normal|full]

#include "storage/device_session_store.hpp"
#include "storage/migrations.hpp"
#include "storage/mqtt_state_store.hpp"

#include <fmt/format.h>

#include <unistd.h>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace tether;
using clock_type = std::chrono::steady_clock;

struct options {
  std::size_t messages = 1'000'000;
  std::size_t publishers = 4;
  std::size_t window = 100;  // tether-bench's in-flight window
  std::size_t read_batch = 10;
  std::size_t payload = 64;
  std::size_t devices = 10'000;
  std::size_t updates = 2'000'000;
  std::size_t shards = 2;
  std::size_t batch = 1'000;
  storage::sync_mode sync = storage::sync_mode::normal;
};

options parse(int argc, char** argv) {
  options o;
  std::map<std::string, std::size_t*> numbers{
      {"messages", &o.messages},     {"publishers", &o.publishers}, {"window", &o.window},
      {"read-batch", &o.read_batch}, {"payload", &o.payload},       {"devices", &o.devices},
      {"updates", &o.updates},       {"shards", &o.shards},         {"batch", &o.batch}};
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto eq = arg.find('=');
    if (arg.rfind("--", 0) != 0 || eq == std::string::npos) {
      fmt::print(stderr, "usage: storage_bench [--NAME=VALUE]... (see the source)\n");
      std::exit(2);
    }
    auto name = arg.substr(2, eq - 2);
    auto value = arg.substr(eq + 1);
    if (name == "sync") {
      o.sync = value == "full" ? storage::sync_mode::full : storage::sync_mode::normal;
    } else if (auto it = numbers.find(name); it != numbers.end()) {
      *it->second = std::stoull(value);
    } else {
      fmt::print(stderr, "unknown option --{}\n", name);
      std::exit(2);
    }
  }
  return o;
}

// A fresh migrated database in its own directory under /tmp, removed at the end.
class scratch_db {
 public:
  explicit scratch_db(const std::string& name)
      : dir_(std::filesystem::temp_directory_path() / fmt::format("tether-{}-{}", name, ::getpid())) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    storage::database db(path());
    storage::migrate(db);
  }
  ~scratch_db() { std::filesystem::remove_all(dir_); }
  std::string path() const { return (dir_ / "tether.db").string(); }

 private:
  std::filesystem::path dir_;
};

// Credits of one publisher: messages it may still send before PUBACKs come back.
class window {
 public:
  explicit window(std::size_t size) : free_(size) {}
  void take(std::size_t n) {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return free_ >= n; });
    free_ -= n;
  }
  void give(std::size_t n) {
    {
      std::lock_guard lock(mutex_);
      free_ += n;
    }
    cv_.notify_one();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::size_t free_;
};

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

void bench_qos1(const options& o) {
  scratch_db scratch("storage-bench-qos1");
  storage::mqtt_state_store store(scratch.path(), {.sync = o.sync});
  auto& journal = store.journal_for("mqtt");
  journal.session_opened("subscriber");
  journal.subscribed("subscriber", "bench/#", 1);
  store.sync();
  const auto commits_before = store.commits();

  std::mutex subscriber_lock;  // the offline subscriber's session lock
  std::uint64_t last_seq = 0;
  const std::string payload(o.payload, 'x');
  const std::size_t per_publisher = o.messages / o.publishers;
  const std::size_t batch = std::min(o.read_batch, o.window);

  auto start = clock_type::now();
  std::vector<std::thread> publishers;
  for (std::size_t p = 0; p < o.publishers; ++p) {
    publishers.emplace_back([&, p] {
      window credits(o.window);
      const auto topic = fmt::format("bench/{}", p);
      for (std::size_t sent = 0; sent < per_publisher;) {
        const auto n = std::min(batch, per_publisher - sent);
        credits.take(n);
        for (std::size_t i = 0; i < n; ++i) {
          auto msg = mqtt::make_message(topic, payload, 1, false);
          std::lock_guard lock(subscriber_lock);
          journal.queued("subscriber", ++last_seq, msg, 1, false);
        }
        // The connection seals its held PUBACKs once per read batch.
        journal.when_durable(journal.mark(), [&credits, n] { credits.give(n); });
        sent += n;
      }
      credits.take(o.window);  // every PUBACK released
    });
  }
  for (auto& t : publishers) t.join();
  const double elapsed = seconds_since(start);
  const auto total = per_publisher * o.publishers;
  const auto commits = store.commits() - commits_before;
  fmt::print(
      "qos1_persisted: {} messages ({} B payload) from {} publishers (window {}, read batch {}) in {:.3f} s: "
      "{:.0f} messages/s, {} commits ({:.0f} messages per commit)\n",
      total, o.payload, o.publishers, o.window, batch, elapsed, static_cast<double>(total) / elapsed, commits,
      static_cast<double>(total) / static_cast<double>(commits));
}

void bench_device_sessions(const options& o) {
  scratch_db scratch("storage-bench-sessions");
  storage::device_session_store store(scratch.path(), {.sync = o.sync});
  std::vector<storage::device_session> devices(o.devices);
  for (std::size_t i = 0; i < devices.size(); ++i) {
    auto& d = devices[i];
    d.application_id = fmt::format("app-{}", i % 10);
    d.device_id = fmt::format("dev-{}", i);
    d.used_dev_nonces = {1, 2, 3};
    d.active = true;
    d.dev_addr.bytes = {0x26, static_cast<std::uint8_t>(i >> 16), static_cast<std::uint8_t>(i >> 8),
                        static_cast<std::uint8_t>(i)};
    d.mac_state.assign(24, 0x5a);
    store.put(d);
  }
  store.sync();
  const auto commits_before = store.commits();

  const std::size_t per_shard = o.updates / o.shards;
  auto start = clock_type::now();
  std::vector<std::thread> shards;
  for (std::size_t s = 0; s < o.shards; ++s) {
    shards.emplace_back([&, s] {
      // Shard s owns devices s, s + shards, ... (one device's state is touched by one shard).
      std::vector<std::size_t> own;
      for (std::size_t i = s; i < devices.size(); i += o.shards) own.push_back(i);
      std::mutex m;
      std::condition_variable cv;
      std::uint64_t durable_batches = 0;
      std::size_t next = 0;
      for (std::size_t done = 0, batches = 0; done < per_shard; ++batches) {
        std::uint64_t ticket = 0;
        const auto n = std::min(o.batch, per_shard - done);
        for (std::size_t i = 0; i < n; ++i) {
          auto& d = devices[own[next]];
          next = (next + 1) % own.size();
          ++d.f_cnt_up;
          d.has_f_cnt_up = true;
          ++d.a_f_cnt_down;
          d.mac_state[d.f_cnt_up % d.mac_state.size()] ^= 1;
          d.updated_at = std::chrono::system_clock::now().time_since_epoch().count();
          ticket = store.put(d);
        }
        done += n;
        store.when_durable(ticket, [&] {
          std::lock_guard lock(m);
          ++durable_batches;
          cv.notify_one();
        });
        // At most two batches in flight: wait for the one before this.
        std::unique_lock lock(m);
        cv.wait(lock, [&] { return durable_batches >= batches; });
      }
      std::unique_lock lock(m);
      const auto all = (per_shard + o.batch - 1) / o.batch;
      cv.wait(lock, [&] { return durable_batches == all; });
    });
  }
  for (auto& t : shards) t.join();
  const double elapsed = seconds_since(start);
  const auto total = per_shard * o.shards;
  const auto commits = store.commits() - commits_before;
  fmt::print(
      "device_session_updates: {} updates of {} devices from {} shards (durable in batches of {}) in {:.3f} "
      "s: "
      "{:.0f} updates/s, {} commits ({:.0f} updates per commit)\n",
      total, o.devices, o.shards, o.batch, elapsed, static_cast<double>(total) / elapsed, commits,
      static_cast<double>(total) / static_cast<double>(commits));
}

}  // namespace

int main(int argc, char** argv) {
  const auto o = parse(argc, argv);
  fmt::print("sync={}\n", o.sync == storage::sync_mode::full ? "full" : "normal");
  if (o.messages > 0) bench_qos1(o);
  if (o.updates > 0) bench_device_sessions(o);
}
