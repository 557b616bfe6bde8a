#pragma once
// Applications' API keys of the IoT platform registry: `a-{org}-{10 chars}` with a generated token,
// kept as a salted hash (registry_token.hpp) and returned once, by create(); an optional role as the
// platform names them (PD_STANDARD_APP). A key belongs to one organization and goes with it. Every
// write bumps the registry version.

#include "iotp/directory.hpp"
#include "iotp/registry_entities.hpp"
#include "iotp/registry_error.hpp"
#include "storage/sqlite.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace tether::iotp {

struct stored_api_key {
  api_key_record record;
  std::string token_hash;
};

class registry_key_store {
 public:
  explicit registry_key_store(storage::database& db) : db_(db) {}

  // invalid_org, invalid_role, unknown_org.
  result<created_api_key> create(std::string_view org, std::string_view role = {});
  result<std::vector<iot_api_key>> list(std::string_view org);  // invalid_org, unknown_org
  result<iot_api_key> get(std::string_view key);                // invalid_api_key, not_found
  result<void> remove(std::string_view key);                    // invalid_api_key, not_found (revocation)
  std::vector<stored_api_key> load_all();

 private:
  storage::database& db_;
};

}  // namespace tether::iotp
