#include "mqtt/subscription_index.hpp"

#include <algorithm>

namespace tether::mqtt {
namespace {

// The level of `s` that starts at `pos`, and where the next one starts (npos after the last).
std::string_view level_at(std::string_view s, std::size_t pos, std::size_t& next) {
  auto slash = s.find('/', pos);
  if (slash == std::string_view::npos) {
    next = std::string_view::npos;
    return s.substr(pos);
  }
  next = slash + 1;
  return s.substr(pos, slash - pos);
}

void add_match(std::vector<subscriber_match>& out, const subscriber& sub) {
  out.push_back({sub.target.get(), sub.target, sub.qos});
}

}  // namespace

subscription_index::subscription_index(std::size_t workers)
    : root_(std::make_shared<const node>()), views_(std::max<std::size_t>(workers, 1)) {}

template <class Change>
void subscription_index::update(std::string_view filter, Change change) {
  std::lock_guard lock(write_mutex_);
  // Copy the path root..leaf, apply the change to the leaf copy, then relink upwards.
  std::vector<std::pair<std::shared_ptr<node>, std::string>> path;
  auto current = std::make_shared<node>(*root_);
  std::size_t pos = 0;
  for (;;) {
    std::size_t next = 0;
    std::string level{level_at(filter, pos, next)};
    auto it = current->children.find(level);
    auto child =
        it == current->children.end() ? std::make_shared<node>() : std::make_shared<node>(*it->second);
    path.emplace_back(current, std::move(level));
    current = std::move(child);
    if (next == std::string_view::npos) break;
    pos = next;
  }
  change(current->subscribers);
  std::shared_ptr<const node> built = current;
  for (auto it = path.rbegin(); it != path.rend(); ++it) {
    auto& [parent, level] = *it;
    const auto& child = static_cast<const node&>(*built);
    if (child.children.empty() && child.subscribers.empty()) {
      parent->children.erase(level);  // prune empty branches
    } else {
      parent->children[level] = built;
    }
    built = parent;
  }
  root_ = built;
  version_.fetch_add(1, std::memory_order_release);
}

void subscription_index::add(std::string_view filter, const std::shared_ptr<session>& target,
                             std::uint8_t qos) {
  update(filter, [&](std::vector<subscriber>& subs) {
    auto it = std::find_if(subs.begin(), subs.end(), [&](const subscriber& s) { return s.target == target; });
    if (it != subs.end()) {
      it->qos = qos;
    } else {
      subs.push_back({target, qos});
      count_.fetch_add(1, std::memory_order_relaxed);
    }
  });
}

void subscription_index::remove(std::string_view filter, const session* target) {
  update(filter, [&](std::vector<subscriber>& subs) {
    auto it =
        std::find_if(subs.begin(), subs.end(), [&](const subscriber& s) { return s.target.get() == target; });
    if (it != subs.end()) {
      subs.erase(it);
      count_.fetch_sub(1, std::memory_order_relaxed);
    }
  });
}

const subscription_index::node& subscription_index::view(std::size_t worker) {
  auto& v = views_[worker % views_.size()];
  auto version = version_.load(std::memory_order_acquire);
  if (v.version != version) {
    std::lock_guard lock(write_mutex_);
    v.root = root_;
    v.version = version_.load(std::memory_order_relaxed);
  }
  return *v.root;
}

void subscription_index::collect(const node& n, std::string_view topic, std::size_t pos, bool first_level,
                                 std::vector<subscriber_match>& out) {
  // '$' topics are not matched by a wildcard in the first level [MQTT-4.7.2-1].
  bool dollar = first_level && !topic.empty() && topic[0] == '$';
  if (!dollar) {
    if (auto hash = n.children.find("#"); hash != n.children.end()) {
      for (const auto& s : hash->second->subscribers) add_match(out, s);
    }
  }
  std::size_t next = 0;
  auto level = level_at(topic, pos, next);
  auto visit = [&](const node& child) {
    if (next == std::string_view::npos) {
      for (const auto& s : child.subscribers) add_match(out, s);
      // "a/#" also matches "a" [MQTT-4.7.1-2].
      if (auto hash = child.children.find("#"); hash != child.children.end()) {
        for (const auto& s : hash->second->subscribers) add_match(out, s);
      }
    } else {
      collect(child, topic, next, false, out);
    }
  };
  if (auto exact = n.children.find(std::string(level)); exact != n.children.end()) visit(*exact->second);
  if (!dollar) {
    if (auto plus = n.children.find("+"); plus != n.children.end()) visit(*plus->second);
  }
}

void subscription_index::match(std::string_view topic, std::size_t worker,
                               std::vector<subscriber_match>& out) {
  out.clear();
  collect(view(worker), topic, 0, true, out);
  if (out.size() < 2) return;
  // Overlapping subscriptions of one session: deliver once, at the highest QoS.
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.target != b.target ? a.target < b.target : a.qos > b.qos;
  });
  out.erase(
      std::unique(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.target == b.target; }),
      out.end());
}

}  // namespace tether::mqtt
