#pragma once
// Reading the text fields a face hands the registry service (flags on the command line, JSON strings
// in the admin API) into registry values, each error naming its field.

#include "registry/service/failure.hpp"

#include <optional>
#include <string>

namespace tether::registry {

// The frequency plan ID if the LoRaWAN layer knows the plan, else a failure of `field` listing the
// known plans.
outcome<std::string> known_frequency_plan(const std::string& field, const std::string& id);

// `hex` parsed by `parse` into `out`, or a failure of `field` with its value.
template <class T, class Parse>
outcome<void> parse_field(const std::string& field, const std::string& hex, Parse parse,
                          std::optional<T>& out) {
  auto value = parse(hex);
  if (!value) return field_failure(value.error(), field, hex);
  out = *value;
  return {};
}

}  // namespace tether::registry
