#pragma once
// SQLite implementation of the MQTT engine's session_journal. A group_writer writes the recorded
// changes in groups, one transaction per group (group commit): under load, thousands of messages share
// one commit. The queue of unwritten changes is bounded; when it is full, recording waits, which slows
// publishers down rather than losing data.

#include "mqtt/session_journal.hpp"
#include "storage/group_writer.hpp"
#include "storage/sqlite.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tether::storage {

struct mqtt_state_options {
  std::size_t max_pending = 200'000;  // unwritten changes before recording waits
  sync_mode sync = sync_mode::normal;
  group_commit_stats* stats = nullptr;  // see group_writer_options
};

class mqtt_state_store final : private group_source {
 public:
  // Opens `path` (migrated already) with its own connection and starts the writer.
  mqtt_state_store(const std::string& path, mqtt_state_options options = {});
  ~mqtt_state_store() override;

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
  struct statements;

  void record(op change);
  void take_group() override;
  void write_group(database& db) override;
  void apply(const op& change);
  static mqtt::restored_state read(database& db, const std::string& realm);

  group_writer writer_;
  std::map<std::string, std::unique_ptr<realm_journal>> journals_;
  std::unique_ptr<statements> sql_;  // used by the writer thread only
  std::vector<op> pending_;          // guarded by the writer's lock
  std::vector<op> group_;            // the group being written (writer thread)
};

}  // namespace tether::storage
