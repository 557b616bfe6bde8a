#include "network/device_table.hpp"

#include "lorawan/fcnt.hpp"

namespace tether::network {

bool uses_1_0_4_rules(const registry::end_device& device) {
  const auto& v = device.lorawan_version;
  return v.starts_with("1.0.4") || v.starts_with("1.1");
}

std::uint32_t max_fcnt_gap(const registry::end_device& device) {
  return uses_1_0_4_rules(device) ? lorawan::max_fcnt_gap_1_0_4 : lorawan::max_fcnt_gap_1_0_2;
}

std::uint32_t to_number(const core::dev_addr& a) {
  std::uint32_t v = 0;
  for (auto b : a.bytes) v = (v << 8) | b;
  return v;
}

std::uint64_t to_number(const core::eui64& e) {
  std::uint64_t v = 0;
  for (auto b : e.bytes) v = (v << 8) | b;
  return v;
}

core::dev_addr to_dev_addr(std::uint32_t a) {
  core::dev_addr out;
  for (std::size_t i = 0; i < 4; ++i) out.bytes[i] = static_cast<std::uint8_t>(a >> (8 * (3 - i)));
  return out;
}

device_entry& device_table::put(device_entry entry) {
  const key id{entry.device.application_id, entry.device.device_id};
  if (auto it = entries_.find(id); it != entries_.end()) {
    unindex(*it->second, std::nullopt);
    *it->second = std::move(entry);
    index(*it->second);
    return *it->second;
  }
  auto& slot = entries_[id];
  slot = std::make_unique<device_entry>(std::move(entry));
  index(*slot);
  return *slot;
}

void device_table::remove(const key& id) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  unindex(*it->second, std::nullopt);
  entries_.erase(it);
}

device_entry* device_table::find(const key& id) {
  auto it = entries_.find(id);
  return it == entries_.end() ? nullptr : it->second.get();
}

std::vector<device_entry*> device_table::by_dev_addr(std::uint32_t dev_addr) {
  std::vector<device_entry*> out;
  auto [first, last] = by_dev_addr_.equal_range(dev_addr);
  for (auto it = first; it != last; ++it) out.push_back(it->second);
  return out;
}

device_entry* device_table::by_dev_eui(std::uint64_t dev_eui) {
  auto it = by_dev_eui_.find(dev_eui);
  return it == by_dev_eui_.end() ? nullptr : it->second;
}

void device_table::reindex(device_entry& entry, std::optional<std::uint32_t> old_dev_addr) {
  unindex(entry, old_dev_addr);
  index(entry);
}

void device_table::index(device_entry& entry) {
  if (entry.session.active) by_dev_addr_.emplace(to_number(entry.session.dev_addr), &entry);
  if (entry.previous && (!entry.session.active || entry.previous->dev_addr != entry.session.dev_addr)) {
    by_dev_addr_.emplace(to_number(entry.previous->dev_addr), &entry);
  }
  if (entry.device.activation == registry::activation_mode::otaa && entry.device.dev_eui) {
    by_dev_eui_[to_number(*entry.device.dev_eui)] = &entry;
  }
}

void device_table::unindex(device_entry& entry, std::optional<std::uint32_t> dev_addr) {
  // The entry may sit under its current DevAddr or, when it just changed, under the old one.
  const auto previous =
      entry.previous ? std::optional(to_number(entry.previous->dev_addr)) : std::optional<std::uint32_t>();
  for (auto addr : {std::optional(to_number(entry.session.dev_addr)), dev_addr, previous}) {
    if (!addr) continue;
    auto [first, last] = by_dev_addr_.equal_range(*addr);
    for (auto it = first; it != last;) it = it->second == &entry ? by_dev_addr_.erase(it) : std::next(it);
  }
  if (entry.device.dev_eui) {
    auto it = by_dev_eui_.find(to_number(*entry.device.dev_eui));
    if (it != by_dev_eui_.end() && it->second == &entry) by_dev_eui_.erase(it);
  }
}

}  // namespace tether::network
