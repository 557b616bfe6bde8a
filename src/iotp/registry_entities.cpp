#include "iotp/registry_entities.hpp"

namespace tether::iotp {

std::string_view to_string(type_class kind) noexcept {
  return kind == type_class::gateway ? "gateway" : "device";
}

std::string_view to_string(gateway_role role) noexcept {
  return role == gateway_role::standard ? "standard" : "privileged";
}

std::string_view to_string(registration_source source) noexcept {
  switch (source) {
    case registration_source::cli:
      return "cli";
    case registration_source::api:
      return "api";
    case registration_source::gateway:
      return "gateway";
  }
  return "cli";
}

std::optional<type_class> parse_type_class(std::string_view text) noexcept {
  if (text == "device") return type_class::device;
  if (text == "gateway") return type_class::gateway;
  return std::nullopt;
}

std::optional<gateway_role> parse_gateway_role(std::string_view text) noexcept {
  if (text == "standard") return gateway_role::standard;
  if (text == "privileged") return gateway_role::privileged;
  return std::nullopt;
}

std::optional<registration_source> parse_registration_source(std::string_view text) noexcept {
  if (text == "cli") return registration_source::cli;
  if (text == "api") return registration_source::api;
  if (text == "gateway") return registration_source::gateway;
  return std::nullopt;
}

}  // namespace tether::iotp
