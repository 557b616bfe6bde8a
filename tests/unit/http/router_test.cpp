// The endpoints' dispatch (no sockets), and /readyz's JSON.

#include "http/router.hpp"
#include "http/readiness.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace tether::http {
namespace {

router make_router() {
  router r;
  r.get("/healthz", [] { return response{.body = "ok"}; });
  return r;
}

TEST(router, get_reaches_its_handler_and_the_query_is_ignored) {
  const auto r = make_router();
  EXPECT_EQ(r.handle("GET", "/healthz").body, "ok");
  EXPECT_EQ(r.handle("GET", "/healthz?verbose=1").status, 200u);
  EXPECT_EQ(r.handle("HEAD", "/healthz").status, 200u);
}

TEST(router, an_unknown_path_is_404_in_json) {
  const auto res = make_router().handle("GET", "/nope");
  EXPECT_EQ(res.status, 404u);
  EXPECT_EQ(res.content_type, "application/json");
  EXPECT_EQ(res.body, "{\"error\":\"not_found\",\"message\":\"no such path\"}\n");
}

TEST(router, another_method_is_405_with_allow) {
  const auto res = make_router().handle("POST", "/healthz");
  EXPECT_EQ(res.status, 405u);
  EXPECT_EQ(res.allow, "GET, HEAD");
}

TEST(json_string, escapes_quotes_backslashes_and_control_characters) {
  EXPECT_EQ(json_string("a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\n\\u0001\"");
}

TEST(readiness, ready_when_every_check_passes) {
  const auto res = readiness_response({{"listeners", [] { return std::optional<std::string>{}; }}});
  EXPECT_EQ(res.status, 200u);
  EXPECT_EQ(res.body, "{\"ready\":true,\"checks\":{\"listeners\":{\"ready\":true}}}\n");
}

TEST(readiness, a_failing_check_makes_503_and_says_why) {
  const auto res =
      readiness_response({{"listeners", [] { return std::optional<std::string>{}; }},
                          {"store", [] { return std::optional<std::string>{"disk \"full\""}; }}});
  EXPECT_EQ(res.status, 503u);
  EXPECT_EQ(res.body,
            "{\"ready\":false,\"checks\":{\"listeners\":{\"ready\":true},"
            "\"store\":{\"ready\":false,\"reason\":\"disk \\\"full\\\"\"}}}\n");
}

TEST(readiness, a_missing_database_cannot_be_written) {
  const auto dir = std::filesystem::temp_directory_path() / "tether-unit-http-readiness";
  std::filesystem::create_directories(dir);
  const auto db = (dir / "tether.db").string();
  std::filesystem::remove(db);
  EXPECT_TRUE(store_write_problem(db).has_value());
  std::ofstream(db) << "x";
  EXPECT_FALSE(store_write_problem(db).has_value());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tether::http
