// The admin API without sockets: prefix routing (an exact path wins), bearer admin keys and their
// rights, JSON bodies, and registry failures as HTTP statuses.

#include "http/api/admin_api.hpp"
#include "registry/service/key_service.hpp"
#include "storage/migrations.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <random>

namespace tether::http::api {
namespace {

using nlohmann::json;

TEST(router_prefix, serves_every_method_under_it_and_an_exact_path_wins) {
  router r;
  r.prefix("/api/v1/", [](const request& req, std::string_view path) {
    return response{.body = std::string(req.method) + " " + std::string(path) + " " + std::string(req.body)};
  });
  r.get("/api/v1/events", [] { return response{.body = "events"}; });
  EXPECT_EQ(r.handle({.method = "POST", .target = "/api/v1/gateways?x=1", .body = "{}"}).body,
            "POST /api/v1/gateways {}");
  EXPECT_EQ(r.handle("GET", "/api/v1/events").body, "events");
  EXPECT_EQ(r.handle("GET", "/api/v2/x").status, 404u);
}

class AdminApi : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tether-admin-api-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    db_ = std::make_unique<storage::database>((dir_ / "tether.db").string());
    storage::migrate(*db_);
    keys_db_ = std::make_unique<storage::database>((dir_ / "tether.db").string());
    keys_ = std::make_unique<registry::key_authenticator>(*keys_db_);
    api_ = std::make_unique<admin_api>(*db_, *keys_);
    registry::key_service service(*db_);
    all_ = "Bearer " +
           service.create({registry::entity_kind::admin, ""}, "RIGHT_ADMIN_ALL", "").value().full_key;
    read_ = "Bearer " +
            service.create({registry::entity_kind::admin, ""}, "RIGHT_ADMIN_READ", "").value().full_key;
  }
  void TearDown() override {
    api_.reset();
    keys_.reset();
    keys_db_.reset();
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  response call(std::string_view method, std::string_view path, std::string_view body = {},
                std::string_view authorization = {}) {
    const std::string target = "/api/v1/" + std::string(path);
    return api_->handle({.method = method, .target = target, .authorization = authorization, .body = body},
                        target);
  }
  static std::string error_of(const response& r) {
    return json::parse(r.body).at("error").get<std::string>();
  }

  std::filesystem::path dir_;
  std::unique_ptr<storage::database> db_, keys_db_;
  std::unique_ptr<registry::key_authenticator> keys_;
  std::unique_ptr<admin_api> api_;
  std::string all_, read_;
};

TEST_F(AdminApi, KeysAndRights) {
  EXPECT_EQ(call("GET", "gateways").status, 401u);
  EXPECT_EQ(call("GET", "gateways").www_authenticate, "Bearer");
  EXPECT_EQ(call("GET", "gateways", {}, "Bearer NNSXS.X.Y").status, 401u);
  EXPECT_EQ(call("GET", "gateways", {}, read_).status, 200u);
  EXPECT_EQ(call("GET", "gateways", {}, "bearer  " + all_.substr(7) + " ").status, 200u);
  const auto refused = call("POST", "gateways", R"({"gateway_id":"gw1"})", read_);
  EXPECT_EQ(refused.status, 403u);
  EXPECT_EQ(error_of(refused), "forbidden");
}

TEST_F(AdminApi, CreateGetAndFailures) {
  const auto created = call("POST", "gateways", R"({"gateway_id":"gw1","name":"Roof"})", all_);
  ASSERT_EQ(created.status, 201u) << created.body;
  EXPECT_EQ(json::parse(created.body).at("name"), "Roof");
  EXPECT_EQ(call("GET", "gateways/gw1", {}, read_).status, 200u);
  EXPECT_EQ(error_of(call("POST", "gateways", R"({"gateway_id":"gw1"})", all_)), "already_exists");
  EXPECT_EQ(call("POST", "gateways", R"({"gateway_id":"gw1"})", all_).status, 409u);
  EXPECT_EQ(call("GET", "gateways/gw2", {}, all_).status, 404u);
  EXPECT_EQ(error_of(call("POST", "gateways", "{", all_)), "malformed_json");
  EXPECT_EQ(error_of(call("POST", "gateways", R"({"gateway_id":"gw3","x":1})", all_)), "unknown_field");
  EXPECT_EQ(error_of(call("PATCH", "gateways/gw1", R"({"name":1})", all_)), "invalid_field");
  const auto bad_eui = json::parse(call("POST", "gateways", R"({"gateway_id":"gw3","eui":"zz"})", all_).body);
  EXPECT_EQ(bad_eui.at("message"), "eui 'zz': not a hexadecimal value");
  EXPECT_EQ(bad_eui.at("field"), "eui");
  const auto wrong_method = call("PUT", "gateways/gw1", "{}", all_);
  EXPECT_EQ(wrong_method.status, 405u);
  EXPECT_EQ(wrong_method.allow, "GET, PATCH, DELETE");
  EXPECT_EQ(call("GET", "gateways/gw1/nothing", {}, all_).status, 404u);
}

}  // namespace
}  // namespace tether::http::api
