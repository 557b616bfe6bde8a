#include "iotp/registrar.hpp"

#include <boost/asio/post.hpp>

namespace tether::iotp {

namespace {
constexpr std::size_t prune_muted_above = 1024;
}

registrar::registrar(directory& dir, boost::asio::any_io_executor executor, registrar_limits limits,
                     done_handler done)
    : dir_(dir), executor_(std::move(executor)), limits_(limits), done_(std::move(done)) {}

std::string registrar::key_of(const device_ref& ref) { return ref.org + ':' + ref.type + ':' + ref.id; }

bool registrar::muted_locked(const std::string& key, std::chrono::steady_clock::time_point now) {
  auto it = muted_.find(key);
  if (it == muted_.end()) return false;
  if (now < it->second) return true;
  muted_.erase(it);
  return false;
}

bool registrar::drop_if_muted(const device_ref& device) {
  std::lock_guard lock(mutex_);
  if (muted_.empty() || !muted_locked(key_of(device), std::chrono::steady_clock::now())) return false;
  stats_.muted_drops.fetch_add(1, std::memory_order_relaxed);
  return true;
}

bool registrar::pending(const device_ref& device) const {
  std::lock_guard lock(mutex_);
  return !pending_.empty() && pending_.contains(key_of(device));
}

registrar::admission registrar::admit(const device_ref& device, const device_record& gateway,
                                      const std::string& gateway_client, mqtt::message_ptr msg) {
  const auto key = key_of(device);
  std::lock_guard lock(mutex_);
  if (muted_locked(key, std::chrono::steady_clock::now())) {
    stats_.muted_drops.fetch_add(1, std::memory_order_relaxed);
    return admission::muted;
  }
  if (auto it = pending_.find(key); it != pending_.end()) {
    if (!msg) return admission::held;
    auto& owner = gateways_[it->second.gateway_client];
    if (owner.held >= limits_.max_held) {
      stats_.refused.fetch_add(1, std::memory_order_relaxed);
      return admission::held_full;
    }
    ++owner.held;
    it->second.held.push_back(std::move(msg));
    return admission::held;
  }
  auto& queue = gateways_[gateway_client];
  if (queue.in_flight >= limits_.max_pending && queue.waiting.size() >= limits_.max_waiting) {
    stats_.refused.fetch_add(1, std::memory_order_relaxed);
    return admission::queue_full;
  }
  if (msg && queue.held >= limits_.max_held) {
    stats_.refused.fetch_add(1, std::memory_order_relaxed);
    return admission::held_full;
  }
  queue.record = gateway;
  auto& entry = pending_[key];
  entry.ref = device;
  entry.gateway_client = gateway_client;
  if (msg) {
    ++queue.held;
    entry.held.push_back(std::move(msg));
  }
  if (queue.in_flight < limits_.max_pending) {
    start_locked(key, queue);
  } else {
    queue.waiting.push_back(key);
  }
  return admission::held;
}

void registrar::start_locked(const std::string& key, gateway_queue& queue) {
  ++queue.in_flight;
  const auto& entry = pending_.at(key);
  boost::asio::post(executor_,
                    [this, key, device = entry.ref, gateway = queue.record, client = entry.gateway_client] {
                      registration_result result = registration_result::failed;
                      try {
                        result = dir_.register_device(device, gateway);
                      } catch (const std::exception&) {
                        result = registration_result::failed;  // the directory logged why
                      }
                      finish(key, client, result);
                    });
}

void registrar::finish(const std::string& key, const std::string& gateway_client,
                       registration_result result) {
  const bool ok = result == registration_result::registered || result == registration_result::already_exists;
  pending_device done;
  {
    std::lock_guard lock(mutex_);
    auto it = pending_.find(key);
    if (it != pending_.end()) {
      done = std::move(it->second);
      pending_.erase(it);
    }
    auto& queue = gateways_[gateway_client];
    --queue.in_flight;
    queue.held -= std::min(queue.held, done.held.size());
    if (!ok) {
      if (muted_.size() > prune_muted_above)
        std::erase_if(muted_,
                      [now = std::chrono::steady_clock::now()](const auto& m) { return m.second <= now; });
      muted_[key] = std::chrono::steady_clock::now() + limits_.mute;
    }
    while (queue.in_flight < limits_.max_pending && !queue.waiting.empty()) {
      auto next = std::move(queue.waiting.front());
      queue.waiting.pop_front();
      if (pending_.contains(next)) start_locked(next, queue);
    }
    if (queue.in_flight == 0 && queue.waiting.empty() && queue.held == 0) gateways_.erase(gateway_client);
  }
  (ok ? stats_.registered : stats_.failed).fetch_add(1, std::memory_order_relaxed);
  if (!ok && !done.held.empty()) stats_.muted_drops.fetch_add(done.held.size(), std::memory_order_relaxed);
  if (done_) done_(done.ref, gateway_client, result, std::move(done.held));
}

}  // namespace tether::iotp
