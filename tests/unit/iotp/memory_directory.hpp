#pragma once
// An in-memory iotp::directory for the realm's tests: devices, gateways and keys with clear tokens,
// registration into the gateway's first group, and a way to make registrations fail.

#include "iotp/directory.hpp"

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <tuple>

namespace tether::iotp::testing {

class memory_directory final : public directory {
 public:
  void add(device_record r, std::string token) {
    std::lock_guard lock(mutex_);
    if (r.kind == type_class::gateway && r.groups.empty())
      r.groups.push_back("gw_def_res_grp:" + r.ref.org + ":" + r.ref.type + ":" + r.ref.id);
    const auto k = key(r.ref);  // before r is moved: the right side of = is evaluated first
    devices_[k] = {std::move(r), std::move(token)};
    ++version_;
  }
  void add_key(std::string org, std::string k, std::string token) {
    std::lock_guard lock(mutex_);
    keys_[k] = {api_key_record{std::move(org), k, {}}, std::move(token)};
    ++version_;
  }
  void remove(const device_ref& ref) {
    std::lock_guard lock(mutex_);
    devices_.erase(key(ref));
    ++version_;
  }
  void fail_registrations_of(std::string type) {
    std::lock_guard lock(mutex_);
    failing_types_.insert(std::move(type));
  }
  std::size_t registered() const { return registered_.load(); }

  std::optional<device_record> authenticate_device(const device_ref& who, std::string_view token) override {
    std::lock_guard lock(mutex_);
    auto it = devices_.find(key(who));
    if (it == devices_.end() || it->second.second != token) return std::nullopt;
    return it->second.first;
  }
  std::optional<api_key_record> authenticate_key(std::string_view org, std::string_view k,
                                                 std::string_view token) override {
    std::lock_guard lock(mutex_);
    auto it = keys_.find(std::string(k));
    if (it == keys_.end() || it->second.first.org != org || it->second.second != token) return std::nullopt;
    return it->second.first;
  }
  std::optional<device_record> find(const device_ref& ref) override {
    std::lock_guard lock(mutex_);
    auto it = devices_.find(key(ref));
    if (it == devices_.end()) return std::nullopt;
    return it->second.first;
  }
  registration_result register_device(const device_ref& device, const device_record& gateway) override {
    std::lock_guard lock(mutex_);
    if (failing_types_.contains(device.type)) return registration_result::invalid_type;
    if (devices_.contains(key(device))) return registration_result::already_exists;
    device_record r;
    r.ref = device;
    if (!gateway.groups.empty()) r.groups.push_back(gateway.groups.front());
    r.registered_by = "g:" + gateway.ref.org + ":" + gateway.ref.type + ":" + gateway.ref.id;
    devices_[key(device)] = {r, {}};
    ++registered_;
    return registration_result::registered;
  }
  std::int64_t refresh() override { return version_.load(); }
  bool is_active(const device_ref& ref) override {
    std::lock_guard lock(mutex_);
    return devices_.contains(key(ref));
  }
  bool is_key_active(std::string_view k) override {
    std::lock_guard lock(mutex_);
    return keys_.contains(std::string(k));
  }
  void record_connection(const device_ref&, bool, std::chrono::system_clock::time_point) override {}

 private:
  static std::tuple<std::string, std::string, std::string> key(const device_ref& r) {
    return {r.org, r.type, r.id};
  }
  std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, std::string>, std::pair<device_record, std::string>> devices_;
  std::map<std::string, std::pair<api_key_record, std::string>> keys_;
  std::set<std::string> failing_types_;
  std::atomic<std::int64_t> version_{1};
  std::atomic<std::size_t> registered_{0};
};

}  // namespace tether::iotp::testing
