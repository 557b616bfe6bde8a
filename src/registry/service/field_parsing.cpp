#include "registry/service/field_parsing.hpp"

#include "lorawan/band/frequency_plan.hpp"

namespace tether::registry {

outcome<std::string> known_frequency_plan(const std::string& field, const std::string& id) {
  if (lorawan::band::find_frequency_plan(id)) return id;
  std::string known;
  for (const auto& plan : lorawan::band::frequency_plan_ids()) {
    if (!known.empty()) known += ", ";
    known += plan;
  }
  return field_failure(registry_error::invalid_frequency_plan, field, id,
                       "unknown frequency plan (known: " + known + ")");
}

}  // namespace tether::registry
