#pragma once
// Which sessions subscribe to which filters. Publish is hot and subscribe is rare, so the index is
// an immutable trie replaced copy-on-write (only the path from the root to the changed node is
// copied). Each worker thread keeps its own reference to the current trie and re-reads it only when
// the version number moves: the publish path takes no lock and writes no shared memory.
//
// A filter "$share/{group}/{filter}" is a shared subscription (as MQTT 5 spells it): the sessions
// that subscribe it share it, and each matching message goes to one of them, round-robin per worker.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tether::mqtt {

class session;

// MQTT 5 subscription options beyond the QoS (section 3.8.3.1), as bits of `subscriber::options`.
inline constexpr std::uint8_t no_local_option = 1;             // not delivered to its own publisher
inline constexpr std::uint8_t retain_as_published_option = 2;  // the retain flag forwarded as sent

struct subscriber {
  std::shared_ptr<session> target;
  std::uint8_t qos = 0;
  std::uint8_t options = 0;
  std::uint32_t id = 0;  // MQTT 5 Subscription Identifier; 0: none
};

// One delivery decision: a session and the QoS it gets (highest of its overlapping filters).
struct subscriber_match {
  session* target = nullptr;
  std::shared_ptr<session> owner;  // keeps the session alive while the delivery is in flight
  std::uint8_t qos = 0;
  std::uint8_t options = 0;  // of the subscriptions merged into this match (retain as published: any)
  std::uint32_t id = 0;      // a Subscription Identifier of the matching subscriptions, if any has one
};

class subscription_index {
 public:
  explicit subscription_index(std::size_t workers);

  void add(std::string_view filter, const std::shared_ptr<session>& target, std::uint8_t qos,
           std::uint8_t options = 0, std::uint32_t id = 0);
  void remove(std::string_view filter, const session* target);

  // All sessions whose filters match `topic`, one entry per session. `worker` picks the calling
  // thread's cached trie. Subscriptions with No Local of session `origin` are left out.
  void match(std::string_view topic, std::size_t worker, std::vector<subscriber_match>& out,
             const void* origin = nullptr);

  std::size_t subscription_count() const noexcept { return count_.load(std::memory_order_relaxed); }

  // "$share/{group}/{filter}" → {group, filter}; anything else → {"", filter}.
  static std::pair<std::string_view, std::string_view> split_shared(std::string_view filter);
  static std::string shared_filter(std::string_view group, std::string_view filter);

 private:
  struct share {
    std::string group;
    std::vector<subscriber> members;
  };
  struct node {
    std::unordered_map<std::string, std::shared_ptr<const node>> children;
    std::vector<subscriber> subscribers;
    std::vector<share> shares;  // shared subscriptions of this filter, one entry per group
  };
  using node_ptr = std::shared_ptr<const node>;

  struct alignas(64) worker_view {
    std::uint64_t version = ~std::uint64_t{0};
    node_ptr root;
    std::uint64_t next_share = 0;  // round-robin turn: one step per matched topic
  };

  template <class Change>
  void update(std::string_view filter, Change change);
  worker_view& view(std::size_t worker);
  static void collect(const node& n, std::string_view topic, std::size_t pos, bool first_level,
                      std::uint64_t turn, std::vector<subscriber_match>& out);
  static void add_all(const node& n, std::uint64_t turn, std::vector<subscriber_match>& out);

  std::mutex write_mutex_;
  node_ptr root_;
  std::atomic<std::uint64_t> version_{0};
  std::atomic<std::size_t> count_{0};
  std::vector<worker_view> views_;
};

}  // namespace tether::mqtt
