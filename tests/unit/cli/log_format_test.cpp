// --log-format json: one JSON object per line, the component from the message's prefix, and the
// correlation IDs of the scopes open on the logging thread (innermost duplicates left out).

#include "cli/log_format.hpp"
#include "core/log_context.hpp"

#include <gtest/gtest.h>
#include <spdlog/details/log_msg.h>
#include <nlohmann/json.hpp>

namespace tether::cli {
namespace {

nlohmann::json format(std::string_view message, spdlog::level::level_enum level = spdlog::level::warn) {
  auto f = make_json_log_formatter();
  spdlog::details::log_msg msg(spdlog::string_view_t{}, level,
                               spdlog::string_view_t(message.data(), message.size()));
  spdlog::memory_buf_t out;
  f->format(msg, out);
  const std::string line(out.data(), out.size());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  return nlohmann::json::parse(line);
}

TEST(json_log_format, a_line_has_time_level_logger_component_and_message) {
  const auto j = format("[gateway-v3] gw1: dropped a message on v3/gw1/up: \"bad\"\n(protobuf)");
  EXPECT_EQ(j["level"], "warning");
  EXPECT_EQ(j["logger"], "tether");
  EXPECT_EQ(j["component"], "gateway-v3");
  EXPECT_EQ(j["message"], "[gateway-v3] gw1: dropped a message on v3/gw1/up: \"bad\"\n(protobuf)");
  EXPECT_TRUE(j["time"].get<std::string>().ends_with("Z"));
  EXPECT_EQ(format("network: dropped uplink")["component"], "network");
  EXPECT_FALSE(format("tether serving with 2 worker(s)").contains("component"));
}

TEST(json_log_format, correlation_ids_come_from_the_open_scopes) {
  const core::log_scope outer{{"gateway_id", "gw1"}, {"client_id", ""}};
  {
    const core::log_scope inner{{"dev_addr", "260B1234"}, {"gateway_id", "gw2"}, {"message", "x"}};
    const auto j = format("network: dropped uplink", spdlog::level::info);
    EXPECT_EQ(j["gateway_id"], "gw1");  // the outer scope's
    EXPECT_EQ(j["dev_addr"], "260B1234");
    EXPECT_FALSE(j.contains("client_id"));  // empty values are left out
    EXPECT_EQ(j["message"], "network: dropped uplink");
    EXPECT_EQ(j["level"], "info");
  }
  const auto j = format("after");
  EXPECT_FALSE(j.contains("dev_addr"));
  EXPECT_EQ(j["gateway_id"], "gw1");
}

TEST(json_log_format, correlation_ids_are_an_array) {
  const auto ids = core::join_correlation_ids({"gs:uplink:01H", "", "my gateway 7", "data-api:packet:ab12"});
  const core::log_scope scope{{core::correlation_ids_field, ids}};
  const auto j = format("network: dropped uplink");
  EXPECT_EQ(j["correlation_ids"],
            nlohmann::json::array({"gs:uplink:01H", "my gateway 7", "data-api:packet:ab12"}));
}

TEST(json_log_format, an_unknown_format_is_refused) {
  EXPECT_THROW(set_log_format("xml"), std::invalid_argument);
  EXPECT_NO_THROW(set_log_format("text"));
}

}  // namespace
}  // namespace tether::cli
