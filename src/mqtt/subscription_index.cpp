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
  out.push_back({sub.target.get(), sub.target, sub.qos, sub.options, sub.id});
}

}  // namespace

std::pair<std::string_view, std::string_view> subscription_index::split_shared(std::string_view filter) {
  constexpr std::string_view prefix = "$share/";
  if (!filter.starts_with(prefix)) return {{}, filter};
  auto rest = filter.substr(prefix.size());
  auto slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0) return {{}, filter};
  return {rest.substr(0, slash), rest.substr(slash + 1)};
}

std::string subscription_index::shared_filter(std::string_view group, std::string_view filter) {
  if (group.empty()) return std::string(filter);
  std::string out = "$share/";
  out.append(group).append("/").append(filter);
  return out;
}

subscription_index::subscription_index(std::size_t workers)
    : root_(std::make_shared<const node>()), views_(std::max<std::size_t>(workers, 1)) {}

template <class Change>
void subscription_index::update(std::string_view key, Change change) {
  const auto split = split_shared(key);  // no structured binding: lambdas below capture the group
  const auto group = split.first;
  const auto filter = split.second;
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
  if (group.empty()) {
    change(current->subscribers);
  } else {
    auto& shares = current->shares;
    auto it = std::find_if(shares.begin(), shares.end(), [&](const share& sh) { return sh.group == group; });
    if (it == shares.end()) it = shares.insert(shares.end(), share{std::string(group), {}});
    change(it->members);
    if (it->members.empty()) shares.erase(it);
  }
  std::shared_ptr<const node> built = current;
  for (auto it = path.rbegin(); it != path.rend(); ++it) {
    auto& [parent, level] = *it;
    const auto& child = static_cast<const node&>(*built);
    if (child.children.empty() && child.subscribers.empty() && child.shares.empty()) {
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
                             std::uint8_t qos, std::uint8_t options, std::uint32_t id) {
  update(filter, [&](std::vector<subscriber>& subs) {
    auto it = std::find_if(subs.begin(), subs.end(), [&](const subscriber& s) { return s.target == target; });
    if (it != subs.end()) {
      *it = {target, qos, options, id};
    } else {
      subs.push_back({target, qos, options, id});
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

subscription_index::worker_view& subscription_index::view(std::size_t worker) {
  auto& v = views_[worker % views_.size()];
  auto version = version_.load(std::memory_order_acquire);
  if (v.version != version) {
    std::lock_guard lock(write_mutex_);
    v.root = root_;
    v.version = version_.load(std::memory_order_relaxed);
  }
  return v;
}

// Each share advances by one member per message, whatever the other shares do.
void subscription_index::add_all(const node& n, std::uint64_t turn, std::vector<subscriber_match>& out) {
  for (const auto& s : n.subscribers) add_match(out, s);
  for (const auto& sh : n.shares) add_match(out, sh.members[turn % sh.members.size()]);
}

void subscription_index::collect(const node& n, std::string_view topic, std::size_t pos, bool first_level,
                                 std::uint64_t turn, std::vector<subscriber_match>& out) {
  // '$' topics are not matched by a wildcard in the first level [MQTT-4.7.2-1].
  bool dollar = first_level && !topic.empty() && topic[0] == '$';
  if (!dollar) {
    if (auto hash = n.children.find("#"); hash != n.children.end()) add_all(*hash->second, turn, out);
  }
  std::size_t next = 0;
  auto level = level_at(topic, pos, next);
  auto visit = [&](const node& child) {
    if (next == std::string_view::npos) {
      add_all(child, turn, out);
      // "a/#" also matches "a" [MQTT-4.7.1-2].
      if (auto hash = child.children.find("#"); hash != child.children.end())
        add_all(*hash->second, turn, out);
    } else {
      collect(child, topic, next, false, turn, out);
    }
  };
  if (auto exact = n.children.find(std::string(level)); exact != n.children.end()) visit(*exact->second);
  if (!dollar) {
    if (auto plus = n.children.find("+"); plus != n.children.end()) visit(*plus->second);
  }
}

void subscription_index::match(std::string_view topic, std::size_t worker, std::vector<subscriber_match>& out,
                               const void* origin) {
  out.clear();
  auto& v = view(worker);
  collect(*v.root, topic, 0, true, v.next_share++, out);
  if (origin != nullptr) {  // [MQTT-3.8.3-3]
    std::erase_if(out, [origin](const subscriber_match& m) {
      return (m.options & no_local_option) != 0 && m.target == origin;
    });
  }
  if (out.size() < 2) return;
  // Overlapping subscriptions of one session: deliver once, at the highest QoS.
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.target != b.target ? a.target < b.target : a.qos > b.qos;
  });
  std::size_t kept = 0;
  for (std::size_t i = 1; i < out.size(); ++i) {
    auto& k = out[kept];
    if (out[i].target == k.target) {
      k.options |= out[i].options & retain_as_published_option;
      if (k.id == 0) k.id = out[i].id;
    } else {
      out[++kept] = std::move(out[i]);
    }
  }
  out.resize(kept + 1);
}

}  // namespace tether::mqtt
