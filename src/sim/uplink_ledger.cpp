#include "sim/uplink_ledger.hpp"

#include <algorithm>

namespace tether::sim {

uplink_ledger::uplink_ledger(std::size_t devices) : devices_(devices) {}

void uplink_ledger::sent(std::size_t device, std::uint32_t f_cnt, lorawan::byte_view payload,
                         sim_clock::time_point at) {
  auto& d = devices_.at(device);
  if (d.entries.empty() || f_cnt < d.first_f_cnt) {
    // First uplink, or a new session: what is still pending of the old one stays counted as missing.
    d.first_f_cnt = f_cnt;
    d.entries.clear();
  }
  d.entries.resize(f_cnt - d.first_f_cnt + 1);  // skipped FCnts stay received-never-sent: unexpected
  auto& e = d.entries.back();
  e.sent_at = at;
  e.payload.assign(payload.begin(), payload.end());
  e.st = state::pending;
  ++counts_.sent;
}

receipt uplink_ledger::received(std::size_t device, std::uint32_t f_cnt, lorawan::byte_view payload,
                                sim_clock::time_point at) {
  if (device >= devices_.size()) return ++counts_.unexpected, receipt::unexpected;
  auto& d = devices_[device];
  if (f_cnt < d.first_f_cnt || f_cnt - d.first_f_cnt >= d.entries.size()) {
    return ++counts_.unexpected, receipt::unexpected;
  }
  auto& e = d.entries[f_cnt - d.first_f_cnt];
  if (e.st == state::received) return ++counts_.duplicates, receipt::duplicate;
  if (e.sent_at == sim_clock::time_point{}) return ++counts_.unexpected, receipt::unexpected;
  e.st = state::received;
  ++counts_.received;
  latency_.record(at - e.sent_at);
  const bool same = std::equal(payload.begin(), payload.end(), e.payload.begin(), e.payload.end());
  lorawan::bytes().swap(e.payload);
  if (!same) return ++counts_.wrong_payloads, receipt::wrong_payload;
  return receipt::ok;
}

}  // namespace tether::sim
