#include "network/server.hpp"

#include "lorawan/frame/mhdr.hpp"
#include "lorawan/frame/wire.hpp"
#include "network/sharding.hpp"
#include "registry/device_store.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <set>
#include <stdexcept>

namespace tether::network {

server::server(server_options options, std::vector<boost::asio::any_io_executor> executors,
               const std::string& registry_db_path, session_persistence& persistence, event_sink& events,
               downlink_sink& downlinks, uplink_hook* hook, storage::downlink_queue_store* queue)
    : options_(options),
      persistence_(persistence),
      queue_(queue),
      gate_({options.backlog_high, options.backlog_low, options.backlog_shed}),
      registry_db_(registry_db_path) {
  if (executors.empty()) throw std::invalid_argument("network::server needs at least one executor");
  if (options_.shard_count == 0) options_.shard_count = executors.size();
  if (!queue_) {
    own_queue_ = std::make_unique<storage::downlink_queue_store>(registry_db_path);
    queue_ = own_queue_.get();
  }
  const shard_outlets outlets{
      options_, events,     downlinks, persistence, counters_, next_downlink_id_, hook, options_.shard_count,
      queue_,   &gateways_, &gate_};
  for (std::size_t i = 0; i < options_.shard_count; ++i) {
    shards_.push_back(std::make_unique<shard>(i, executors[i % executors.size()], outlets));
  }
  for (auto& s : persistence_.load_all()) {
    key id{s.application_id, s.device_id};
    stored_.emplace(std::move(id), std::move(s));
  }
  for (auto& item : queue_->load_all()) {
    key id{item.application_id, item.device_id};
    stored_queues_[std::move(id)].push_back(std::move(item));
  }
  reload_devices();
  // Sessions whose device left the registry while the server was down.
  for (const auto& [id, s] : stored_) persistence_.remove(id.first, id.second);
  stored_.clear();
  for (const auto& [id, items] : stored_queues_) {
    spdlog::warn("network: {} queued downlink(s) of {}/{} dropped: device_removed", items.size(), id.first,
                 id.second);
    for (const auto& item : items) (void)queue_->remove(id.first, id.second, item.seq);
  }
  stored_queues_.clear();
}

server::~server() = default;

std::size_t server::placement(const registry::end_device& d, const session_record* stored) const {
  const auto n = shards_.size();
  if (d.activation == registry::activation_mode::abp && d.dev_addr) {
    return shard_of_dev_addr(to_number(*d.dev_addr), n);
  }
  // A stored session keeps its DevAddr's shard even if the shard count changed since it was made.
  if (stored && stored->active) return shard_of_dev_addr(to_number(stored->dev_addr), n);
  return d.dev_eui ? shard_of_dev_eui(to_number(*d.dev_eui), n) : 0;
}

void server::reload_devices() {
  std::lock_guard lock(reload_mutex_);
  registry::device_store store(registry_db_);
  std::set<key> seen;
  for (auto& d : store.list_all()) {
    key id{d.application_id, d.device_id};
    seen.insert(id);
    std::optional<session_record> stored;
    if (auto it = stored_.find(id); it != stored_.end()) {
      stored = std::move(it->second);
      stored_.erase(it);
    }
    auto placed = placed_.find(id);
    if (placed != placed_.end() && placed->second.second == d) continue;  // unchanged
    std::size_t target = placement(d, stored ? &*stored : nullptr);
    if (placed != placed_.end()) {
      const bool abp_moved = d.activation == registry::activation_mode::abp && placed->second.first != target;
      if (!abp_moved) target = placed->second.first;  // OTAA devices stay where their session lives
      if (abp_moved) shards_[placed->second.first]->post_remove(id);
    }
    if (d.activation == registry::activation_mode::otaa && d.dev_eui) {
      std::lock_guard routes(join_routes_mutex_);
      join_routes_[to_number(*d.dev_eui)] = target;
    }
    std::vector<storage::downlink_item> queued;
    if (auto it = stored_queues_.find(id); it != stored_queues_.end()) {
      queued = std::move(it->second);
      stored_queues_.erase(it);
    }
    placed_[id] = {target, d};
    shards_[target]->post_device(std::move(d), std::move(stored), std::move(queued));
  }
  for (auto it = placed_.begin(); it != placed_.end();) {
    if (seen.contains(it->first)) {
      ++it;
      continue;
    }
    shards_[it->second.first]->post_remove(it->first);
    if (it->second.second.dev_eui) {
      std::lock_guard routes(join_routes_mutex_);
      join_routes_.erase(to_number(*it->second.second.dev_eui));
    }
    it = placed_.erase(it);
  }
}

void server::handle_uplink(gateway_uplink up) {
  counters_.add(counter::copies_received);
  const auto& raw = up.raw_payload;
  const auto type = lorawan::parse_mhdr(raw.empty() ? 0xff : raw[0]);
  if (!type) {
    counters_.add(counter::invalid_frame);
    return warn_unusable(up, fmt::format("invalid_frame: {}", type.error().message()));
  }
  std::size_t target = 0;
  if (*type == lorawan::mtype::join_request && raw.size() == 23) {
    const auto dev_eui = lorawan::wire::read_le(raw.data() + 9, 8);
    std::lock_guard lock(join_routes_mutex_);
    auto it = join_routes_.find(dev_eui);
    target = it != join_routes_.end() ? it->second : shard_of_dev_eui(dev_eui, shards_.size());
  } else if ((*type == lorawan::mtype::unconfirmed_data_up || *type == lorawan::mtype::confirmed_data_up) &&
             raw.size() >= 12) {
    target = shard_of_dev_addr(static_cast<std::uint32_t>(lorawan::wire::read_le(raw.data() + 1, 4)),
                               shards_.size());
  } else {
    const bool uplink_type = *type == lorawan::mtype::join_request ||
                             *type == lorawan::mtype::unconfirmed_data_up ||
                             *type == lorawan::mtype::confirmed_data_up;
    const auto reason = uplink_type ? counter::invalid_frame : counter::unsupported_frame;
    counters_.add(reason);
    return warn_unusable(
        up, fmt::format("{}: {} of {} bytes", to_string(reason), lorawan::to_string(*type), raw.size()));
  }
  if (!gate_.enter()) return shed(up);
  shards_[target]->post_uplink(std::move(up));
}

// Gateways hand these in from any MQTT worker, so the limiter takes a lock; a flood of garbage from one
// gateway is one warning a second with its count.
void server::warn_unusable(const gateway_uplink& up, const std::string& why) {
  std::optional<std::uint64_t> due;
  {
    std::lock_guard lock(shed_log_mutex_);
    due = unusable_log_.due();
  }
  if (!due) return;
  spdlog::warn(
      "network: dropped uplink from {}: {}{}",
      up.rx_metadata.empty() ? std::string_view("?") : std::string_view(up.rx_metadata.front().gateway_id),
      why, core::repeat_note(*due));
}

void server::shed(const gateway_uplink& up) {
  counters_.add(counter::overload_shed);
  std::optional<std::uint64_t> due;
  {
    std::lock_guard lock(shed_log_mutex_);
    due = shed_log_.due();
  }
  if (!due) return;
  spdlog::warn(
      "network: shed {} uplink cop{} since the last report: overload_shed: {} copies already wait for the "
      "shards (newest shed first; gateways did not slow down), last from {}",
      *due, *due == 1 ? "y" : "ies", gate_.behind(),
      up.rx_metadata.empty() ? std::string_view("?") : std::string_view(up.rx_metadata.front().gateway_id));
}

void server::handle_status(const gateway_status&) {
  // Gateway status matters to the gateway registry and the downlink scheduler (issue #8), not here.
}

void server::handle_tx_ack(const tx_ack& ack) {
  auto routed = ack;
  if (routed.downlink_id == 0) {
    constexpr std::string_view prefix = "ns:downlink:";
    for (const auto& id : ack.correlation_ids) {
      if (!id.starts_with(prefix)) continue;
      std::uint64_t value = 0;
      const auto* first = id.data() + prefix.size();
      const auto* last = id.data() + id.size();
      if (auto [p, ec] = std::from_chars(first, last, value); ec == std::errc{} && p == last) {
        routed.downlink_id = value;
        break;
      }
    }
  }
  if (routed.downlink_id == 0) {
    counters_.add(counter::tx_ack_unmatched);
    spdlog::info("network: TxAck from {} dropped: tx_ack_unmatched: no downlink ID", ack.gateway_id);
    return;
  }
  shards_[routed.downlink_id % shards_.size()]->post_tx_ack(std::move(routed));
}

void server::push_downlinks(downlink_request request) {
  std::size_t target = 0;
  {
    std::lock_guard lock(reload_mutex_);
    auto it = placed_.find({request.application_id, request.device_id});
    if (it != placed_.end()) target = it->second.first;  // unknown devices: shard 0 answers unknown_device
  }
  shards_[target]->post_push(std::move(request));
}

}  // namespace tether::network
