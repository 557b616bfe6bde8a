#include "registry/service/application_service.hpp"

#include "registry/application_store.hpp"
#include "registry/ids.hpp"

namespace tether::registry {

std::string application_subject(std::string_view application_id) {
  return "application " + quoted(application_id);
}

outcome<application> application_service::create(std::string_view application_id,
                                                 const application_fields& fields) {
  const auto subject = application_subject(application_id);
  if (!is_valid_id(application_id)) return entity_failure(registry_error::invalid_id, subject);
  auto created = application_store(db_).create({std::string(application_id), fields.name.value_or(""), 0});
  if (!created) return entity_failure(created.error(), subject);
  return *created;
}

outcome<application> application_service::update(std::string_view application_id,
                                                 const application_fields& fields) {
  // The read and the write in one transaction: a concurrent update is never silently undone.
  storage::transaction t(db_);
  auto a = get(application_id);
  if (!a) return a.error();
  if (fields.name) a->name = *fields.name;
  auto updated = application_store(db_).update(*a);
  if (!updated) return entity_failure(updated.error(), application_subject(application_id));
  t.commit();
  return *updated;
}

outcome<application> application_service::get(std::string_view application_id) {
  auto a = application_store(db_).get(application_id);
  if (!a) return entity_failure(a.error(), application_subject(application_id));
  return *a;
}

outcome<std::vector<application>> application_service::list() { return application_store(db_).list(); }

outcome<void> application_service::remove(std::string_view application_id) {
  auto removed = application_store(db_).remove(application_id);
  if (!removed) return entity_failure(removed.error(), application_subject(application_id));
  return {};
}

}  // namespace tether::registry
