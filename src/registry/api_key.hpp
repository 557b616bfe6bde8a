#pragma once
// An API key as the registry describes it: its public ID, owner and rights. The secret is never kept;
// only its hash is stored (see key_format.hpp).

#include "registry/rights.hpp"

#include <cstdint>
#include <string>

namespace tether::registry {

// The gateway or application a key belongs to.
struct entity_ref {
  entity_kind kind = entity_kind::gateway;
  std::string id;
  friend bool operator==(const entity_ref&, const entity_ref&) = default;
};

struct api_key {
  std::string key_id;  // the public middle part of NNSXS.<KEY ID>.<SECRET>
  entity_ref owner;
  registry::rights rights;
  std::string name;
  std::int64_t created_at = 0;  // Unix seconds
  friend bool operator==(const api_key&, const api_key&) = default;
};

}  // namespace tether::registry
