#pragma once
// Why a registry service operation failed, in the words both faces of the registry print: the command
// line ("tether gateway show: gateway 'gw1' not found") and the admin API (the "message" of its JSON
// error). A failure names its culprit either as an entity ("gateway 'gw1'") or as an input field
// ("eui 'zz'"); each face names fields its own way (the CLI as flags: "--eui 'zz'").

#include "registry/error.hpp"

#include <boost/assert/source_location.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace tether::registry {

struct failure {
  boost::system::error_code code;
  std::string subject;               // the entity at fault; empty when `field` names the culprit
  std::string field;                 // the input field at fault, by its JSON name ("frequency_plan_id")
  std::optional<std::string> value;  // the bad value, quoted after the field's name
  std::string detail;                // the reason, when the code's own words are not enough

  // How a face names a field: the JSON name itself by default.
  using field_namer = std::function<std::string(std::string_view field)>;
  // "gateway 'gw1' not found", "gateway 'gw1' already exists", "application 'a1' does not exist",
  // "eui 'zz': not a hexadecimal value", or the detail alone when there is no culprit.
  std::string message(const field_namer& name_field = {}) const;
  // Bad input (as opposed to what the registry holds): exit code 2 on the command line, HTTP 400.
  bool invalid_input() const { return is_invalid_input(code); }
};

// A failure about an entity or about one input field.
failure entity_failure(boost::system::error_code code, std::string subject);
failure field_failure(boost::system::error_code code, std::string field, std::optional<std::string> value,
                      std::string detail = {});

// "'value'" for messages.
std::string quoted(std::string_view value);

template <class T>
using outcome = boost::system::result<T, failure>;

// For outcome<T>::value() on a failure (a bug in the caller: check first).
[[noreturn]] void throw_exception_from_error(const failure& f, const boost::source_location& loc);

}  // namespace tether::registry
