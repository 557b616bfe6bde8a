#pragma once
// The registry's applications as both faces see them (`tether application ...`, /api/v1/applications);
// see gateway_service.hpp. Deleting an application deletes its devices and API keys with it.

#include "registry/application.hpp"
#include "registry/service/failure.hpp"
#include "storage/sqlite.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tether::registry {

struct application_fields {
  std::optional<std::string> name;  // unset: empty (create) or unchanged (update)
};

class application_service {
 public:
  explicit application_service(storage::database& db) : db_(db) {}

  outcome<application> create(std::string_view application_id, const application_fields& fields);
  outcome<application> update(std::string_view application_id, const application_fields& fields);
  outcome<application> get(std::string_view application_id);
  outcome<std::vector<application>> list();
  outcome<void> remove(std::string_view application_id);

 private:
  storage::database& db_;
};

// "application 'app1'"
std::string application_subject(std::string_view application_id);

}  // namespace tether::registry
