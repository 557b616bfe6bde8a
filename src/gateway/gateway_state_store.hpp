#pragma once
// Where a running server leaves what it knows of each gateway's connection (the JSON of
// snapshot_json), so that `tether gateway show` in another process can print it.

#include "gateway/hub.hpp"
#include "storage/sqlite.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tether::gateway {

class gateway_state_store {
 public:
  explicit gateway_state_store(storage::database& db) : db_(db) {}

  // One transaction for all of them.
  void write(const std::vector<gateway_snapshot>& gateways);
  // At start: whatever a previous run left says "connected", and it is not.
  void mark_all_disconnected();
  // The stored JSON, if this gateway was ever seen.
  std::optional<std::string> read(std::string_view gateway_id);

 private:
  storage::database& db_;
};

}  // namespace tether::gateway
