// libFuzzer target for the admin API's request handling (http/api/): the input is a request line's
// method and path, a newline, then the body, sent with a valid RIGHT_ADMIN_ALL key to a registry in a
// temporary directory (one per process, so what one input creates the next may meet). Every input
// must get an answer with a status and a JSON body; a crash, a sanitizer report, an exception or a
// 5xx is a finding.

#include "http/api/admin_api.hpp"
#include "registry/service/key_service.hpp"
#include "storage/migrations.hpp"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace {

struct fixture {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("tether-admin-api-fuzz-" + std::to_string(::getpid()));
  std::unique_ptr<tether::storage::database> db, keys_db;
  std::unique_ptr<tether::registry::key_authenticator> keys;
  std::unique_ptr<tether::http::api::admin_api> api;
  std::string authorization;

  fixture() {
    spdlog::set_level(spdlog::level::off);  // every accepted write logs a line
    std::filesystem::create_directories(dir);
    const auto path = (dir / "tether.db").string();
    db = std::make_unique<tether::storage::database>(path);
    tether::storage::migrate(*db);
    keys_db = std::make_unique<tether::storage::database>(path);
    keys = std::make_unique<tether::registry::key_authenticator>(*keys_db);
    api = std::make_unique<tether::http::api::admin_api>(*db, *keys);
    tether::registry::key_service service(*db);
    authorization =
        "Bearer " +
        service.create({tether::registry::entity_kind::admin, ""}, "RIGHT_ADMIN_ALL", "").value().full_key;
  }
  ~fixture() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fixture f;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const auto newline = in.find('\n');
  const auto line = in.substr(0, newline);
  const auto body = newline == std::string_view::npos ? std::string_view{} : in.substr(newline + 1);
  const auto space = line.find(' ');
  const auto method = space == std::string_view::npos ? std::string_view{"POST"} : line.substr(0, space);
  const std::string target = std::string(tether::http::api::api_prefix) +
                             std::string(space == std::string_view::npos ? line : line.substr(space + 1));
  const auto res = f.api->handle(
      {.method = method, .target = target, .authorization = f.authorization, .body = body}, target);
  if (res.status < 200 || res.status >= 500) std::abort();
  if (nlohmann::json::parse(res.body, nullptr, false).is_discarded()) std::abort();
  return 0;
}
