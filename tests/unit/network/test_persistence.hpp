#pragma once
// The scenario tests keep sessions in the real SQLite store (on the fixture's temporary database), as
// `main` wires it: storage::device_session_store behind the network core's session_persistence.

#include "network/device_session_store_persistence.hpp"
#include "storage/device_session_store.hpp"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace tether::network::test {

class test_persistence : public session_persistence {
 public:
  explicit test_persistence(const std::string& path) : store_(path), adapter_(store_) {}
  std::vector<session_record> load_all() override {
    store_.sync();  // tests read back what the shards just wrote
    return adapter_.load_all();
  }
  using session_persistence::put;
  void put(const session_record& r, std::function<void()> on_durable) override {
    if (hold_durability && on_durable) {
      // The write goes ahead; only the news that it is durable waits for release_durability().
      held_.push_back(std::move(on_durable));
      adapter_.put(r, {});
      return;
    }
    adapter_.put(r, std::move(on_durable));
  }
  void release_durability() {
    store_.sync();
    hold_durability = false;
    for (auto& f : std::exchange(held_, {})) f();
  }
  bool hold_durability = false;  // a slow disk: completions wait until released
  void remove(std::string_view app, std::string_view dev) override { adapter_.remove(app, dev); }
  void sync() { store_.sync(); }

 private:
  storage::device_session_store store_;
  device_session_store_persistence adapter_;
  std::vector<std::function<void()>> held_;
};

inline std::unique_ptr<test_persistence> make_test_persistence(const std::string& path) {
  return std::make_unique<test_persistence>(path);
}

}  // namespace tether::network::test
