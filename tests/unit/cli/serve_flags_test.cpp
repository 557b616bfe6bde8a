// serve's flags: every flag is TETHER_<FLAG> and a --config key, the command line and the environment
// win over the file, and a key that is no flag is a usage error.

#include "cli/serve/serve_flags.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace tether::cli {
namespace {

class serve_flags_test : public ::testing::Test {
 protected:
  void SetUp() override {
    listen_.add_to(app_, "Test API");
    flag(app_, "workers", workers_, "Workers");
    switch_flag(app_, "test-anonymous", anonymous_, "Anonymous");
  }
  void TearDown() override {
    ::unsetenv("TETHER_TEST_WS_LISTEN");
    std::filesystem::remove(path_);
  }

  void parse(std::vector<std::string> args) {
    std::reverse(args.begin(), args.end());  // CLI11 takes them last first
    app_.parse(args);
  }
  void write_config(const std::string& text) { std::ofstream(path_) << text; }

  CLI::App app_{"test"};
  listen_flags listen_{.prefix = "test", .tcp = "0.0.0.0:1"};
  std::size_t workers_ = 4;
  bool anonymous_ = false;
  std::string path_ =
      (std::filesystem::temp_directory_path() / ("serve_flags_test_" + std::to_string(::getpid()) + ".toml"))
          .string();
};

TEST_F(serve_flags_test, names_the_environment_variable_after_the_flag) {
  EXPECT_EQ(env_name_of("gateway-v3-tls-listen"), "TETHER_GATEWAY_V3_TLS_LISTEN");
}

TEST_F(serve_flags_test, adds_four_listener_flags_per_frontend) {
  parse({"--test-listen", "", "--test-tls-listen", "a:2", "--test-ws-listen", "b:3", "--test-wss-listen",
         "c:4"});
  EXPECT_EQ(listen_.tcp, "");
  EXPECT_EQ(listen_.tls, "a:2");
  EXPECT_EQ(listen_.ws, "b:3");
  EXPECT_EQ(listen_.wss, "c:4");
  EXPECT_TRUE(listen_.any());
  listen_.tls = listen_.ws = listen_.wss = "";
  EXPECT_FALSE(listen_.any());
}

TEST_F(serve_flags_test, a_config_file_sets_flags_the_command_line_and_environment_left_alone) {
  ::setenv("TETHER_TEST_WS_LISTEN", "env:2", 1);
  parse({"--test-listen", "cli:1"});
  write_config(
      "test-listen = \"file:1\"\ntest-ws-listen = \"file:2\"\ntest-wss-listen = \"file:3\"\n"
      "workers = 7\ntest-anonymous = true\n");
  apply_config_file(app_, path_);
  EXPECT_EQ(listen_.tcp, "cli:1");
  EXPECT_EQ(listen_.ws, "env:2");
  EXPECT_EQ(listen_.wss, "file:3");
  EXPECT_EQ(workers_, 7u);
  EXPECT_TRUE(anonymous_);
}

TEST_F(serve_flags_test, a_config_key_that_is_no_flag_is_a_usage_error) {
  parse({});
  write_config("gateway-v2-listen = \"0.0.0.0:1881\"\n");
  EXPECT_THROW(apply_config_file(app_, path_), CLI::ConfigError);
}

TEST_F(serve_flags_test, a_config_section_is_a_usage_error) {
  parse({});
  write_config("[serve]\nworkers = 2\n");
  EXPECT_THROW(apply_config_file(app_, path_), CLI::ConfigError);
}

}  // namespace
}  // namespace tether::cli
