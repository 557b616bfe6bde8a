#pragma once
// Applications in the registry database. Deleting one deletes its end devices and API keys with it.
// Every write bumps the registry version.

#include "registry/application.hpp"
#include "registry/error.hpp"
#include "storage/sqlite.hpp"

#include <string_view>
#include <vector>

namespace tether::registry {

class application_store {
 public:
  explicit application_store(storage::database& db) : db_(db) {}

  result<application> create(application a);  // validates; already_exists
  result<application> update(application a);  // the name; validates; not_found
  result<application> get(std::string_view application_id);
  std::vector<application> list();                       // ordered by ID
  result<void> remove(std::string_view application_id);  // not_found

 private:
  storage::database& db_;
};

}  // namespace tether::registry
