#include "registry/service/failure.hpp"

#include <boost/throw_exception.hpp>

#include <stdexcept>

namespace tether::registry {

std::string failure::message(const field_namer& name_field) const {
  std::string who = subject;
  if (who.empty() && !field.empty()) {
    who = name_field ? name_field(field) : field;
    if (value) who += " " + quoted(*value);
  }
  if (who.empty()) return detail.empty() ? code.message() : detail;
  if (!detail.empty()) return who + ": " + detail;
  if (code == registry_error::already_exists) return who + " already exists";
  if (code == registry_error::not_found) return who + " not found";
  if (code == registry_error::unknown_gateway || code == registry_error::unknown_application) {
    return who + " does not exist";
  }
  return who + ": " + code.message();
}

failure entity_failure(boost::system::error_code code, std::string subject) {
  return failure{.code = code, .subject = std::move(subject)};
}

failure field_failure(boost::system::error_code code, std::string field, std::optional<std::string> value,
                      std::string detail) {
  return failure{
      .code = code, .field = std::move(field), .value = std::move(value), .detail = std::move(detail)};
}

std::string quoted(std::string_view value) { return "'" + std::string(value) + "'"; }

void throw_exception_from_error(const failure& f, const boost::source_location& loc) {
  boost::throw_exception(std::runtime_error(f.message()), loc);
}

}  // namespace tether::registry
