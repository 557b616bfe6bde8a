#include "registry/application_store.hpp"

#include "registry/change_counter.hpp"
#include "registry/ids.hpp"
#include "registry/validation.hpp"

namespace tether::registry {

namespace {

application read_row(const storage::statement& s) {
  return application{s.column_text(0), s.column_text(1), s.column_int(2)};
}

}  // namespace

result<application> application_store::create(application a) {
  if (auto ok = validate(a); !ok) return ok.error();
  storage::transaction t(db_);
  {
    auto s = db_.prepare("SELECT 1 FROM applications WHERE application_id = ?");
    s.bind(1, a.application_id);
    if (s.step()) return registry_error::already_exists;
  }
  a.created_at = unix_now();
  auto insert = db_.prepare("INSERT INTO applications (application_id, name, created_at) VALUES (?, ?, ?)");
  insert.bind(1, a.application_id).bind(2, a.name).bind(3, a.created_at);
  insert.run();
  bump_registry_version(db_);
  t.commit();
  return a;
}

result<application> application_store::update(application a) {
  if (auto ok = validate(a); !ok) return ok.error();
  storage::transaction t(db_);
  auto current = get(a.application_id);
  if (!current) return current.error();
  a.created_at = current->created_at;
  auto s = db_.prepare("UPDATE applications SET name = ? WHERE application_id = ?");
  s.bind(1, a.name).bind(2, a.application_id);
  s.run();
  bump_registry_version(db_);
  t.commit();
  return a;
}

result<application> application_store::get(std::string_view application_id) {
  if (!is_valid_id(application_id)) return registry_error::invalid_id;
  auto s = db_.prepare("SELECT application_id, name, created_at FROM applications WHERE application_id = ?");
  s.bind(1, application_id);
  if (!s.step()) return registry_error::not_found;
  return read_row(s);
}

std::vector<application> application_store::list() {
  std::vector<application> out;
  auto s = db_.prepare("SELECT application_id, name, created_at FROM applications ORDER BY application_id");
  while (s.step()) out.push_back(read_row(s));
  return out;
}

result<void> application_store::remove(std::string_view application_id) {
  if (!is_valid_id(application_id)) return registry_error::invalid_id;
  storage::transaction t(db_);
  auto s = db_.prepare("DELETE FROM applications WHERE application_id = ?");
  s.bind(1, application_id);
  s.run();
  if (db_.changes() == 0) return registry_error::not_found;
  bump_registry_version(db_);
  t.commit();
  return {};
}

}  // namespace tether::registry
