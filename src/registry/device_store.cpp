#include "registry/device_store.hpp"

#include "registry/change_counter.hpp"
#include "registry/ids.hpp"
#include "registry/validation.hpp"

#include <string>

namespace tether::registry {

namespace {

constexpr std::string_view columns =
    "application_id, device_id, activation, dev_eui, join_eui, app_key, dev_addr, nwk_s_key, app_s_key, "
    "lorawan_version, device_class, frequency_plan_id, name, created_at";

template <class T>
void bind_optional(storage::statement& s, int index, const std::optional<T>& value) {
  if (value) {
    s.bind_blob(index, value->view());
  } else {
    s.bind_null(index);
  }
}

template <class T>
std::optional<T> read_optional(const storage::statement& s, int index) {
  if (s.column_is_null(index)) return std::nullopt;
  return T::from_bytes(s.column_blob(index));
}

end_device read_row(const storage::statement& s) {
  end_device d;
  d.application_id = s.column_text(0);
  d.device_id = s.column_text(1);
  d.activation = s.column_text(2) == "ABP" ? activation_mode::abp : activation_mode::otaa;
  d.dev_eui = read_optional<core::eui64>(s, 3);
  d.join_eui = read_optional<core::eui64>(s, 4);
  d.app_key = read_optional<core::aes_key>(s, 5);
  d.dev_addr = read_optional<core::dev_addr>(s, 6);
  d.nwk_s_key = read_optional<core::aes_key>(s, 7);
  d.app_s_key = read_optional<core::aes_key>(s, 8);
  d.lorawan_version = s.column_text(9);
  d.cls = s.column_text(10) == "C" ? device_class::c : device_class::a;
  d.frequency_plan_id = s.column_text(11);
  d.name = s.column_text(12);
  d.created_at = s.column_int(13);
  return d;
}

bool application_exists(storage::database& db, std::string_view application_id) {
  auto s = db.prepare("SELECT 1 FROM applications WHERE application_id = ?");
  s.bind(1, application_id);
  return s.step();
}

}  // namespace

result<end_device> device_store::create(end_device d) {
  if (auto ok = validate(d); !ok) return ok.error();
  storage::transaction t(db_);
  if (!application_exists(db_, d.application_id)) return registry_error::unknown_application;
  {
    auto s = db_.prepare("SELECT 1 FROM end_devices WHERE application_id = ? AND device_id = ?");
    s.bind(1, d.application_id).bind(2, d.device_id);
    if (s.step()) return registry_error::already_exists;
  }
  if (d.join_eui && d.dev_eui) {
    auto s = db_.prepare("SELECT 1 FROM end_devices WHERE join_eui = ? AND dev_eui = ?");
    s.bind_blob(1, d.join_eui->view()).bind_blob(2, d.dev_eui->view());
    if (s.step()) return registry_error::eui_in_use;
  }
  d.created_at = unix_now();
  auto insert = db_.prepare("INSERT INTO end_devices (" + std::string(columns) +
                            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  insert.bind(1, d.application_id).bind(2, d.device_id).bind(3, to_string(d.activation));
  bind_optional(insert, 4, d.dev_eui);
  bind_optional(insert, 5, d.join_eui);
  bind_optional(insert, 6, d.app_key);
  bind_optional(insert, 7, d.dev_addr);
  bind_optional(insert, 8, d.nwk_s_key);
  bind_optional(insert, 9, d.app_s_key);
  insert.bind(10, d.lorawan_version)
      .bind(11, to_string(d.cls))
      .bind(12, d.frequency_plan_id)
      .bind(13, d.name)
      .bind(14, d.created_at);
  insert.run();
  bump_registry_version(db_);
  t.commit();
  return d;
}

result<end_device> device_store::update(end_device d) {
  if (auto ok = validate(d); !ok) return ok.error();
  storage::transaction t(db_);
  auto current = get(d.application_id, d.device_id);
  if (!current) return current.error();
  current->lorawan_version = d.lorawan_version;
  current->cls = d.cls;
  current->frequency_plan_id = d.frequency_plan_id;
  current->name = d.name;
  auto s = db_.prepare(
      "UPDATE end_devices SET lorawan_version = ?, device_class = ?, frequency_plan_id = ?, name = ? "
      "WHERE application_id = ? AND device_id = ?");
  s.bind(1, current->lorawan_version).bind(2, to_string(current->cls)).bind(3, current->frequency_plan_id);
  s.bind(4, current->name).bind(5, d.application_id).bind(6, d.device_id);
  s.run();
  bump_registry_version(db_);
  t.commit();
  return *current;
}

result<end_device> device_store::get(std::string_view application_id, std::string_view device_id) {
  if (!is_valid_id(application_id) || !is_valid_id(device_id)) return registry_error::invalid_id;
  auto s = db_.prepare("SELECT " + std::string(columns) +
                       " FROM end_devices WHERE application_id = ? AND device_id = ?");
  s.bind(1, application_id).bind(2, device_id);
  if (!s.step()) return registry_error::not_found;
  return read_row(s);
}

result<std::vector<end_device>> device_store::list(std::string_view application_id) {
  if (!is_valid_id(application_id)) return registry_error::invalid_id;
  if (!application_exists(db_, application_id)) return registry_error::unknown_application;
  std::vector<end_device> out;
  auto s = db_.prepare("SELECT " + std::string(columns) +
                       " FROM end_devices WHERE application_id = ? ORDER BY device_id");
  s.bind(1, application_id);
  while (s.step()) out.push_back(read_row(s));
  return out;
}

std::optional<end_device> device_store::find_by_dev_eui(std::string_view application_id,
                                                        const core::eui64& dev_eui) {
  auto s =
      db_.prepare("SELECT " + std::string(columns) +
                  " FROM end_devices WHERE application_id = ? AND dev_eui = ? ORDER BY device_id LIMIT 1");
  s.bind(1, application_id).bind_blob(2, dev_eui.view());
  if (!s.step()) return std::nullopt;
  return read_row(s);
}

std::vector<end_device> device_store::list_all() {
  std::vector<end_device> out;
  auto s =
      db_.prepare("SELECT " + std::string(columns) + " FROM end_devices ORDER BY application_id, device_id");
  while (s.step()) out.push_back(read_row(s));
  return out;
}

result<void> device_store::remove(std::string_view application_id, std::string_view device_id) {
  if (!is_valid_id(application_id) || !is_valid_id(device_id)) return registry_error::invalid_id;
  storage::transaction t(db_);
  auto s = db_.prepare("DELETE FROM end_devices WHERE application_id = ? AND device_id = ?");
  s.bind(1, application_id).bind(2, device_id);
  s.run();
  if (db_.changes() == 0) return registry_error::not_found;
  bump_registry_version(db_);
  t.commit();
  return {};
}

}  // namespace tether::registry
