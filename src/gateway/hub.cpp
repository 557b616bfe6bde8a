#include "gateway/hub.hpp"

#include <spdlog/spdlog.h>

namespace tether::gateway {

hub::entry& hub::touch(const std::string& gateway_id) {
  auto& e = gateways_[gateway_id];
  e.facts.gateway_id = gateway_id;
  e.facts.revision = revision_.fetch_add(1, std::memory_order_relaxed) + 1;
  return e;
}

void hub::tell(const network::gateway_event& event) {
  if (events_) events_->on_gateway(event);
}

void hub::connect(const std::string& gateway_id, frontend& via, std::string remote_address) {
  const auto now = std::chrono::system_clock::now();
  network::gateway_event told{.kind = network::gateway_event_kind::connect,
                              .gateway_id = gateway_id,
                              .protocol = std::string(via.protocol()),
                              .remote_address = remote_address,
                              .at = now};
  {
    std::lock_guard lock(mutex_);
    auto& e = touch(gateway_id);
    // A takeover through the same frontend keeps the ring: a TxAck may still come for the old connection.
    if (e.via != &via || !via.acknowledges_transmissions()) e.sent.reset();
    if (via.acknowledges_transmissions() && !e.sent) e.sent = std::make_unique<downlink_ring>();
    e.via = &via;
    e.facts.connected = true;
    e.facts.protocol = std::string(via.protocol());
    e.facts.remote_address = std::move(remote_address);
    e.facts.connected_at = e.facts.last_seen = now;
  }
  tell(told);
}

void hub::disconnect(const std::string& gateway_id, const frontend& via) {
  const auto now = std::chrono::system_clock::now();
  {
    std::lock_guard lock(mutex_);
    auto it = gateways_.find(gateway_id);
    if (it == gateways_.end() || it->second.via != &via) return;
    auto& e = touch(gateway_id);
    e.via = nullptr;
    e.sent.reset();
    e.facts.connected = false;
    e.facts.disconnected_at = now;
  }
  tell({.kind = network::gateway_event_kind::disconnect, .gateway_id = gateway_id, .at = now});
}

void hub::handle_uplink(network::gateway_uplink up) {
  if (!up.rx_metadata.empty()) {
    std::lock_guard lock(mutex_);
    auto& e = touch(up.rx_metadata.front().gateway_id);
    ++e.facts.uplinks;
    e.facts.last_seen = up.received_at;
    e.facts.last_uplink = up;
  }
  if (core_) core_->handle_uplink(std::move(up));
}

void hub::when_room(std::function<void()> resume) {
  if (!pressure_) return resume();
  pressure_->when_room(std::move(resume));
}

void hub::handle_status(network::gateway_status status) {
  {
    std::lock_guard lock(mutex_);
    auto& e = touch(status.gateway_id);
    ++e.facts.statuses;
    e.facts.last_seen = status.received_at;
    e.facts.last_status = status;
  }
  if (events_) {
    tell({.kind = network::gateway_event_kind::status,
          .gateway_id = status.gateway_id,
          .status = status,
          .at = status.received_at});
  }
  if (core_) core_->handle_status(status);
}

void hub::handle_tx_ack(network::tx_ack ack) {
  {
    std::lock_guard lock(mutex_);
    auto& e = touch(ack.gateway_id);
    ++e.facts.tx_acks;
    e.facts.last_seen = ack.received_at;
    if (ack.downlink_id == 0 && e.sent) ack.downlink_id = e.sent->match(ack.correlation_ids);
  }
  if (core_) core_->handle_tx_ack(ack);
}

void hub::count_drop(const std::string& gateway_id, std::string_view reason) {
  const auto now = std::chrono::system_clock::now();
  {
    std::lock_guard lock(mutex_);
    auto& e = touch(gateway_id);
    ++e.facts.dropped[std::string(reason)];
    e.facts.last_seen = now;
  }
  tell({.kind = network::gateway_event_kind::drop,
        .gateway_id = gateway_id,
        .reason = std::string(reason),
        .at = now});
}

network::send_outcome hub::send_downlink(const network::downlink_tx& tx) {
  frontend* via = nullptr;
  network::downlink_tx out = tx;
  {
    std::lock_guard lock(mutex_);
    auto it = gateways_.find(tx.gateway_id);
    if (it == gateways_.end() || !it->second.via) {
      spdlog::debug("downlink {} for {} not sent: the gateway is not connected", tx.id, tx.gateway_id);
      return network::send_result::not_connected;
    }
    via = it->second.via;
    auto& e = touch(tx.gateway_id);
    ++e.facts.downlinks;
    // Remembered before it leaves, so even the fastest TxAck finds it.
    if (e.sent) out.correlation_ids.push_back(e.sent->add(tx.id));
  }
  // Frontends outlive the hub's use of them (main owns both), so calling outside the lock is safe.
  auto taken = via->transmit(out);
  if (taken.result != network::send_result::sent) {  // not connected, or refused (and why)
    std::lock_guard lock(mutex_);
    if (auto it = gateways_.find(tx.gateway_id); it != gateways_.end() && it->second.facts.downlinks > 0)
      --touch(tx.gateway_id).facts.downlinks;  // counted as it left; it did not
    return taken;
  }
  return via->acknowledges_transmissions() ? network::send_result::awaiting_tx_ack
                                           : network::send_result::sent;
}

hub_totals hub::totals() const {
  hub_totals out;
  std::lock_guard lock(mutex_);
  for (const auto& [id, e] : gateways_) {
    if (e.facts.connected) ++out.connected;
    for (const auto& [reason, n] : e.facts.dropped) out.dropped[reason] += n;
  }
  return out;
}

bool hub::connected(std::string_view gateway_id) const {
  std::lock_guard lock(mutex_);
  auto it = gateways_.find(std::string(gateway_id));
  return it != gateways_.end() && it->second.via != nullptr;
}

std::vector<gateway_snapshot> hub::changed_since(std::uint64_t after) const {
  std::vector<gateway_snapshot> out;
  std::lock_guard lock(mutex_);
  for (const auto& [id, e] : gateways_) {
    if (e.facts.revision > after) out.push_back(e.facts);
  }
  return out;
}

}  // namespace tether::gateway
