#pragma once
// session_persistence over storage::device_session_store (SQLite, group commit): what `main` wires in.

#include "network/session_persistence.hpp"
#include "storage/device_session_store.hpp"

namespace tether::network {

class device_session_store_persistence final : public session_persistence {
 public:
  explicit device_session_store_persistence(storage::device_session_store& store) : store_(store) {}

  std::vector<session_record> load_all() override;
  using session_persistence::put;
  void put(const session_record& record, std::function<void()> on_durable) override;
  void remove(std::string_view application_id, std::string_view device_id) override;

 private:
  storage::device_session_store& store_;
};

}  // namespace tether::network
