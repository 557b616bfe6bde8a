#pragma once
// SQLite implementation of the MQTT engine's session_journal. One writer thread owns its own
// connection and applies the recorded changes in groups, one transaction per group (group commit):
// under load, thousands of messages share one commit. The queue of unwritten changes is bounded;
// when it is full, recording waits, which slows publishers down rather than losing data.

#include "mqtt/session_journal.hpp"
#include "storage/sqlite.hpp"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <variant>
#include <vector>

namespace tether::storage {

struct mqtt_state_options {
  std::size_t max_pending = 200'000;  // unwritten changes before recording waits
  sync_mode sync = sync_mode::normal;
};

class mqtt_state_store {
 public:
  // Opens `path` (migrated already) with its own connection and starts the writer.
  mqtt_state_store(const std::string& path, mqtt_state_options options = {});
  ~mqtt_state_store();

  // The journal of one realm; lives as long as the store.
  mqtt::session_journal& journal_for(const std::string& realm);
  // What was recorded for `realm`, for mqtt::broker::restore.
  mqtt::restored_state load(const std::string& realm);

  // Waits until everything recorded so far is written (tests, shutdown).
  void sync();
  std::uint64_t commits() const;

 private:
  class realm_journal;
  struct op;

  void record(op change);
  std::uint64_t mark();
  void when_durable(std::uint64_t ticket, std::function<void()> done);
  void run_writer();
  void apply(const op& change);

  database db_;
  mqtt_state_options options_;
  std::map<std::string, std::unique_ptr<realm_journal>> journals_;

  // Prepared once, used by the writer thread only.
  struct statements;
  std::unique_ptr<statements> sql_;

  mutable std::mutex mutex_;
  std::condition_variable has_work_;
  std::condition_variable has_room_;
  std::vector<op> pending_;
  std::uint64_t recorded_ = 0;  // changes recorded so far (tickets count these)
  std::uint64_t durable_ = 0;   // changes on disk
  std::uint64_t commits_ = 0;
  std::multimap<std::uint64_t, std::function<void()>> waiters_;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace tether::storage
