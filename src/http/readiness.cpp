#include "http/readiness.hpp"

#include <fmt/format.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace tether::http {

response readiness_response(const std::vector<readiness_check>& checks) {
  bool ready = true;
  std::string body;
  for (const auto& c : checks) {
    const auto problem = c.problem();
    if (!body.empty()) body += ',';
    body += json_string(c.name);
    if (problem) {
      ready = false;
      body += fmt::format(":{{\"ready\":false,\"reason\":{}}}", json_string(*problem));
    } else {
      body += ":{\"ready\":true}";
    }
  }
  return {.status = ready ? 200u : 503u,
          .content_type = "application/json",
          .body = fmt::format("{{\"ready\":{},\"checks\":{{{}}}}}\n", ready, body)};
}

std::optional<std::string> store_write_problem(const std::string& path) {
  const auto dir = std::filesystem::path(path).parent_path().string();
  struct statvfs fs {};
  if (::statvfs(dir.empty() ? "." : dir.c_str(), &fs) != 0) {
    return fmt::format("{}: {}", dir, std::strerror(errno));
  }
  if (fs.f_flag & ST_RDONLY) return fmt::format("{} is on a read-only file system", dir);
  if (::access(path.c_str(), W_OK) != 0) return fmt::format("{}: {}", path, std::strerror(errno));
  if (!dir.empty() && ::access(dir.c_str(), W_OK) != 0) {
    return fmt::format("{}: {}", dir, std::strerror(errno));
  }
  return std::nullopt;
}

}  // namespace tether::http
