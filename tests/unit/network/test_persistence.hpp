#pragma once
// Session persistence for the scenario tests. Until storage::device_session_store lands this keeps
// sessions in memory per database path (so a "restart" in a test finds them again).

#include "network/session_persistence.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace tether::network::test {

class test_persistence : public session_persistence {
 public:
  explicit test_persistence(std::map<std::pair<std::string, std::string>, session_record>& backing)
      : backing_(backing) {}
  std::vector<session_record> load_all() override {
    std::lock_guard lock(mutex_);
    std::vector<session_record> out;
    for (const auto& [k, v] : backing_) out.push_back(v);
    return out;
  }
  void put(const session_record& r) override {
    std::lock_guard lock(mutex_);
    backing_[{r.application_id, r.device_id}] = r;
    ++puts;
  }
  void remove(std::string_view app, std::string_view dev) override {
    std::lock_guard lock(mutex_);
    backing_.erase({std::string(app), std::string(dev)});
  }
  void sync() {}
  std::size_t puts = 0;

 private:
  std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, session_record>& backing_;
};

inline std::unique_ptr<test_persistence> make_test_persistence(const std::string& path) {
  static std::map<std::string, std::map<std::pair<std::string, std::string>, session_record>> stores;
  return std::make_unique<test_persistence>(stores[path]);
}

}  // namespace tether::network::test
