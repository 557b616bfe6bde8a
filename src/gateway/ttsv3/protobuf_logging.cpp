#include "gateway/ttsv3/protobuf_logging.hpp"

#include <google/protobuf/stubs/logging.h>
#include <spdlog/spdlog.h>

namespace tether::gateway::ttsv3 {
namespace {

void to_spdlog(google::protobuf::LogLevel level, const char* file, int line, const std::string& message) {
  const auto spd = level >= google::protobuf::LOGLEVEL_FATAL ? spdlog::level::critical : spdlog::level::debug;
  spdlog::log(spd, "protobuf ({}:{}): {}", file, line, message);
}

}  // namespace

void route_protobuf_logs_to_spdlog() { google::protobuf::SetLogHandler(&to_spdlog); }

}  // namespace tether::gateway::ttsv3
