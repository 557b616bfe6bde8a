// The downlink queue of each device: validation, the durable push or replace, down/queued once on
// disk, and the queue operations the other steps share (emit, remove, requeue, the frame counter).

#include "network/downlink_scheduler.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>

#include <algorithm>

namespace tether::network {
namespace {

time_point now() { return std::chrono::system_clock::now(); }

std::int64_t unix_ns(time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

// The band's largest application payload (TTS: the largest MAC payload minus 8), checked at push.
std::size_t largest_app_payload(const lorawan::band::band& band) {
  std::size_t best = 0;
  for (std::uint8_t dr = 0; dr < band.data_rates.size(); ++dr) {
    if (auto n = lorawan::band::max_app_payload(band, dr)) best = std::max<std::size_t>(best, *n);
  }
  return best;
}

}  // namespace

application_downlink to_application_downlink(const storage::downlink_item& item) {
  application_downlink d;
  d.f_port = item.f_port;
  d.frm_payload = item.frm_payload;
  d.priority = static_cast<downlink_priority>(std::min<std::uint8_t>(item.priority, 6));
  d.confirmed = item.confirmed;
  d.correlation_ids = item.correlation_ids;
  return d;
}

void insert_ordered(std::vector<storage::downlink_item>& queue, storage::downlink_item item) {
  const auto at = std::find_if(queue.begin(), queue.end(), [&item](const storage::downlink_item& q) {
    return q.priority < item.priority || (q.priority == item.priority && q.seq > item.seq);
  });
  queue.insert(at, std::move(item));
}

void downlink_scheduler::emit(const device_entry& device, downlink_outcome outcome,
                              const storage::downlink_item& item, std::optional<downlink_error> error,
                              std::uint32_t f_cnt) {
  const auto& d = device.device;
  downlink_event e;
  e.ids = {d.application_id, d.device_id, d.dev_eui, d.join_eui, device.session.dev_addr};
  e.outcome = outcome;
  e.downlink = to_application_downlink(item);
  e.downlink.f_cnt = f_cnt;
  e.error = std::move(error);
  e.at = now();
  shard_.out.events.on_downlink(e);
}

void downlink_scheduler::emit_failed(const downlink_request& request, const application_downlink& d,
                                     std::string name, std::string message) {
  shard_.out.counters.add(counter::downlinks_rejected);
  spdlog::info("network: downlink for {}/{} refused: {}: {}", request.application_id, request.device_id, name,
               message);
  downlink_event e;
  e.ids.application_id = request.application_id;
  e.ids.device_id = request.device_id;
  if (auto* device = shard_.devices.find({request.application_id, request.device_id})) {
    e.ids = {device->device.application_id, device->device.device_id, device->device.dev_eui,
             device->device.join_eui, device->session.dev_addr};
  }
  e.outcome = downlink_outcome::failed;
  e.downlink = d;
  e.error = downlink_error{std::move(name), std::move(message)};
  e.at = now();
  shard_.out.events.on_downlink(e);
}

void downlink_scheduler::emit_replaced(const device_entry& device, const storage::downlink_item& item,
                                       std::uint32_t f_cnt) {
  shard_.out.counters.add(counter::downlinks_given_up);
  emit(device, downlink_outcome::failed, item,
       downlink_error{"downlink_replaced", "the queue was replaced before this downlink was delivered"},
       f_cnt);
}

std::vector<storage::downlink_item> downlink_scheduler::validate(
    const downlink_request& request, const device_entry& device,
    std::vector<application_downlink>& accepted) {
  const auto limit = largest_app_payload(*device.plan.band);
  std::vector<storage::downlink_item> items;
  for (const auto& d : request.downlinks) {
    if (d.f_port == 0 || d.f_port > 223) {
      emit_failed(request, d, d.f_port == 0 ? "no_f_port" : "f_port_invalid",
                  fmt::format("FPort {} is not an application port (1..223)", d.f_port));
      continue;
    }
    if (d.frm_payload.size() > limit) {
      emit_failed(request, d, "application_downlink_too_long",
                  fmt::format("payload of {} bytes exceeds the {} bytes {} allows", d.frm_payload.size(),
                              limit, device.plan.band->id));
      continue;
    }
    storage::downlink_item item;
    item.f_port = d.f_port;
    item.frm_payload = d.frm_payload;
    item.priority = static_cast<std::uint8_t>(d.priority);
    item.confirmed = d.confirmed;
    item.correlation_ids = d.correlation_ids;
    item.queued_at = unix_ns(now());
    items.push_back(std::move(item));
    accepted.push_back(d);
  }
  return items;
}

void downlink_scheduler::push(downlink_request request) {
  const device_table::key id{request.application_id, request.device_id};
  auto* device = shard_.devices.find(id);
  const auto fail_all = [&](const std::string& name, const std::string& message) {
    for (const auto& d : request.downlinks) emit_failed(request, d, name, message);
  };
  if (!device) return fail_all("unknown_device", "the device is not registered");
  if (!device->session.active) return fail_all("unknown_session", "the device has no session (not joined)");
  // Bound downlinks first: their windows are closing. They never touch the queue.
  const auto first_bound = std::stable_partition(request.downlinks.begin(), request.downlinks.end(),
                                                 [](const application_downlink& d) { return !d.answers; });
  if (first_bound != request.downlinks.end()) {
    downlink_request bound{
        request.application_id,
        request.device_id,
        false,
        {std::make_move_iterator(first_bound), std::make_move_iterator(request.downlinks.end())}};
    request.downlinks.erase(first_bound, request.downlinks.end());
    push_bound(*device, bound);
    if (request.downlinks.empty() && !request.replace) return;
  }
  if (!shard_.out.queue) return fail_all("downlink_queue_capacity", "no downlink queue store configured");

  std::vector<application_downlink> accepted;
  auto items = validate(request, *device, accepted);
  if (items.empty() && !request.replace) return;

  auto stored = request.replace ? shard_.out.queue->replace(id.first, id.second, std::move(items))
                                : shard_.out.queue->push(id.first, id.second, std::move(items));
  if (!stored) {
    const auto name =
        stored.error() == storage::storage_errc::queue_full ? "downlink_queue_capacity" : "downlink_queue";
    for (const auto& d : accepted) emit_failed(request, d, name, stored.error().message());
    return;
  }
  apply_stored(*device, request, *stored);
  when_durable(id, std::move(*stored));
}

// The replaced items are gone from the store. Those not yet announced are failed once their
// down/queued is out (when_durable); a frame already handed to a gateway keeps its path to a final
// event, marked so that nothing puts it back in the queue.
void downlink_scheduler::drop_replaced(device_entry& device) {
  auto& state = device.downlinks;
  for (const auto& item : state.queue) {
    if (ready(state, item)) emit_replaced(device, item);
  }
  if (!state.queue.empty()) {
    spdlog::info("network: queue of {}/{} replaced: {} queued downlink(s) failed with downlink_replaced",
                 device.device.application_id, device.device.device_id, state.queue.size());
  }
  state.queue.clear();
  state.not_durable.clear();
  if (state.in_flight) state.in_flight->replaced = true;
  if (state.awaiting_ack) state.awaiting_ack->replaced = true;
}

// Memory follows the store at once (later pushes see the new queue); the events wait for the disk.
void downlink_scheduler::apply_stored(device_entry& device, const downlink_request& request,
                                      const storage::downlink_queue_store::queued& stored) {
  auto& state = device.downlinks;
  if (request.replace) drop_replaced(device);
  for (const auto& item : stored.items) {
    state.not_durable.insert(item.seq);
    insert_ordered(state.queue, item);
  }
  shard_.out.counters.add(counter::downlinks_queued, stored.items.size());
}

void downlink_scheduler::when_durable(const device_table::key& id,
                                      storage::downlink_queue_store::queued stored) {
  auto tracked = boost::asio::prefer(shard_.strand, boost::asio::execution::outstanding_work.tracked);
  shard_.out.queue->when_durable(
      stored.ticket, [this, tracked, id, items = std::move(stored.items)]() mutable {
        boost::asio::post(tracked, [this, id = std::move(id), items = std::move(items)] {
          auto* d = shard_.devices.find(id);
          if (!d) return;  // removed meanwhile; its queue went with it
          for (const auto& item : items) {
            emit(*d, downlink_outcome::queued, item);
            // Not waiting any more: a replace took it out of the queue before it was announced.
            if (d->downlinks.not_durable.erase(item.seq) == 0) emit_replaced(*d, item);
          }
          try_class_c(*d);
        });
      });
}

void downlink_scheduler::remove_stored(const device_entry& device, std::uint64_t seq) {
  if (!shard_.out.queue) return;
  // not_found: a replace removed it meanwhile.
  (void)shard_.out.queue->remove(device.device.application_id, device.device.device_id, seq);
}

void downlink_scheduler::requeue(device_entry& device, storage::downlink_item item, const char* why) {
  ++item.attempts;
  if (item.attempts >= max_confirmed_attempts) {
    shard_.out.counters.add(counter::downlinks_given_up);
    spdlog::info("network: downlink {}/{}#{} given up after {} attempts ({})", device.device.application_id,
                 device.device.device_id, item.seq, item.attempts, why);
    remove_stored(device, item.seq);
    emit(device, downlink_outcome::failed, item,
         downlink_error{"max_retries_reached", fmt::format("no success after {} attempts", item.attempts)});
    return;
  }
  if (shard_.out.queue) (void)shard_.out.queue->update(item);
  insert_ordered(device.downlinks.queue, std::move(item));
}

std::uint32_t downlink_scheduler::next_f_cnt_down(device_entry& device) {
  auto& s = device.session;
  const auto f_cnt = std::max(s.n_f_cnt_down, s.a_f_cnt_down);
  s.n_f_cnt_down = s.a_f_cnt_down = f_cnt + 1;
  return f_cnt;
}

}  // namespace tether::network
