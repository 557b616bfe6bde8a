#include "network/device_session_store_persistence.hpp"

namespace tether::network {
namespace {

session_record from_storage(storage::device_session s) {
  return {std::move(s.application_id),
          std::move(s.device_id),
          std::move(s.used_dev_nonces),
          s.next_join_nonce,
          s.active,
          s.dev_addr,
          s.nwk_s_key,
          s.app_s_key,
          s.f_cnt_up,
          s.has_f_cnt_up,
          s.n_f_cnt_down,
          s.a_f_cnt_down,
          std::move(s.mac_state),
          s.updated_at};
}

storage::device_session to_storage(const session_record& r) {
  return {r.application_id, r.device_id,    r.used_dev_nonces, r.next_join_nonce, r.active,
          r.dev_addr,       r.nwk_s_key,    r.app_s_key,       r.f_cnt_up,        r.has_f_cnt_up,
          r.n_f_cnt_down,   r.a_f_cnt_down, r.mac_state,       r.updated_at};
}

}  // namespace

std::vector<session_record> device_session_store_persistence::load_all() {
  std::vector<session_record> out;
  for (auto& s : store_.load_all()) out.push_back(from_storage(std::move(s)));
  return out;
}

// The write is queued and grouped with others; callers that acknowledge something (an uplink event, a
// downlink's frame counter) wait for `on_durable` so that a crash cannot undo what left the process.
void device_session_store_persistence::put(const session_record& record, std::function<void()> on_durable) {
  const auto ticket = store_.put(to_storage(record));
  if (on_durable) store_.when_durable(ticket, std::move(on_durable));
}

void device_session_store_persistence::remove(std::string_view application_id, std::string_view device_id) {
  store_.remove(application_id, device_id);
}

}  // namespace tether::network
