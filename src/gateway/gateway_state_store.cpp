#include "gateway/gateway_state_store.hpp"

#include "gateway/snapshot_json.hpp"

#include <nlohmann/json.hpp>

#include <chrono>

namespace tether::gateway {
namespace {

std::int64_t now_unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void gateway_state_store::write(const std::vector<gateway_snapshot>& gateways) {
  if (gateways.empty()) return;
  storage::transaction t(db_);
  auto upsert = db_.prepare(
      "INSERT INTO gateway_state (gateway_id, state, updated_at) VALUES (?, ?, ?) "
      "ON CONFLICT (gateway_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at");
  const auto now = now_unix_seconds();
  for (const auto& g : gateways) {
    upsert.reset();
    upsert.bind(1, g.gateway_id).bind(2, to_json(g)).bind(3, now);
    upsert.step();
  }
  t.commit();
}

void gateway_state_store::mark_all_disconnected() {
  storage::transaction t(db_);
  auto all = db_.prepare("SELECT gateway_id, state FROM gateway_state");
  std::vector<std::pair<std::string, std::string>> updated;
  while (all.step()) {
    auto state = nlohmann::json::parse(all.column_text(1), nullptr, false);
    if (state.is_discarded() || !state.value("connected", false)) continue;
    state["connected"] = false;
    updated.emplace_back(all.column_text(0), state.dump());
  }
  auto update = db_.prepare("UPDATE gateway_state SET state = ? WHERE gateway_id = ?");
  for (const auto& [id, state] : updated) {
    update.reset();
    update.bind(1, state).bind(2, id);
    update.step();
  }
  t.commit();
}

std::optional<std::string> gateway_state_store::read(std::string_view gateway_id) {
  auto q = db_.prepare("SELECT state FROM gateway_state WHERE gateway_id = ?");
  q.bind(1, gateway_id);
  if (!q.step()) return std::nullopt;
  return q.column_text(0);
}

}  // namespace tether::gateway
