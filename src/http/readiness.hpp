#pragma once
// /readyz: a list of named checks, each saying what is wrong or nothing. 200 when every check passes,
// 503 otherwise; the JSON body names every check and, for those that fail, why:
//   {"ready":false,"checks":{"listeners":{"ready":true},"store":{"ready":false,"reason":"..."}}}

#include "http/router.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace tether::http {

struct readiness_check {
  std::string name;
  std::function<std::optional<std::string>()> problem;  // nullopt: ready
};

response readiness_response(const std::vector<readiness_check>& checks);

// Why the database at `path` (and its directory) cannot be written now, if it cannot: missing,
// on a read-only file system, or not writable by this process. Only stats the files: never blocks
// on the database's lock.
std::optional<std::string> store_write_problem(const std::string& path);

}  // namespace tether::http
