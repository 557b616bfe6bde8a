#include "sim/downlink_ledger.hpp"

#include <algorithm>
#include <charconv>

namespace tether::sim {

std::optional<std::uint64_t> downlink_number(const std::vector<std::string>& ids) {
  for (const auto& id : ids) {
    if (!id.starts_with(downlink_correlation_prefix)) continue;
    std::uint64_t n = 0;
    const char* first = id.data() + downlink_correlation_prefix.size();
    const char* last = id.data() + id.size();
    auto [end, ec] = std::from_chars(first, last, n);
    if (ec == std::errc() && end == last && first != last) return n;
  }
  return std::nullopt;
}

std::string downlink_correlation_id(std::uint64_t n) {
  return std::string(downlink_correlation_prefix) + std::to_string(n);
}

downlink_ledger::downlink_ledger(std::size_t devices) : open_(devices) {}

std::uint64_t downlink_ledger::pushed(std::size_t device, std::uint8_t f_port, lorawan::byte_view payload,
                                      bool confirmed, sim_clock::time_point at) {
  entry e;
  e.device = device;
  e.f_port = f_port;
  e.confirmed = confirmed;
  e.pushed_at = at;
  e.payload.assign(payload.begin(), payload.end());
  entries_.push_back(std::move(e));
  const auto n = static_cast<std::uint64_t>(entries_.size());
  open_.at(device).push_back(n);
  ++counts_.pushed;
  if (confirmed) ++counts_.confirmed;
  ++unsettled_;
  return n;
}

downlink_ledger::entry* downlink_ledger::find(std::uint64_t n) {
  return n >= 1 && n <= entries_.size() ? &entries_[n - 1] : nullptr;
}

void downlink_ledger::update_settled(entry& e) {
  const bool done = e.failed || (e.received && e.sent && (!e.confirmed || e.acked));
  if (done && !e.settled) {
    e.settled = true;
    --unsettled_;
  }
}

void downlink_ledger::event(std::uint64_t n, downlink_state_event ev) {
  auto* e = find(n);
  if (!e) return void(++counts_.unknown_events);
  const auto first = [](bool& flag, std::uint64_t& count) {
    if (!flag) ++count;
    flag = true;
  };
  switch (ev) {
    case downlink_state_event::queued:
      first(e->queued, counts_.queued);
      break;
    case downlink_state_event::sent:
      first(e->sent, counts_.sent);
      break;
    case downlink_state_event::ack:
      first(e->acked, counts_.acked);
      break;
    case downlink_state_event::nack:
      ++counts_.nacked;
      break;
    case downlink_state_event::failed:
      first(e->failed, counts_.failed);
      if (!e->received) std::erase(open_[e->device], n);  // nothing more will come
      break;
  }
  update_settled(*e);
}

receipt downlink_ledger::received(std::optional<std::uint64_t> n, std::size_t device, std::uint8_t f_port,
                                  lorawan::byte_view payload, sim_clock::time_point at) {
  const auto same_bytes = [&payload](const entry& e) {
    return std::equal(payload.begin(), payload.end(), e.payload.begin(), e.payload.end());
  };
  if (!n && device < open_.size()) {
    const auto& open = open_[device];
    auto it =
        std::find_if(open.begin(), open.end(), [&](std::uint64_t k) { return same_bytes(entries_[k - 1]); });
    if (it != open.end()) n = *it;
  }
  auto* e = n ? find(*n) : nullptr;
  if (!e) return ++counts_.unexpected, receipt::unexpected;
  if (e->received) return ++counts_.duplicates, receipt::duplicate;
  e->received = true;
  ++counts_.received;
  latency_.record(at - e->pushed_at);
  std::erase(open_[e->device], *n);
  const bool right = e->device == device && e->f_port == f_port && same_bytes(*e);
  lorawan::bytes().swap(e->payload);
  update_settled(*e);
  if (!right) return ++counts_.wrong, receipt::wrong_payload;
  ++counts_.right;
  return receipt::ok;
}

std::size_t downlink_ledger::outstanding(std::size_t device) const {
  return device < open_.size() ? open_[device].size() : 0;
}

}  // namespace tether::sim
