#include "registry/service/device_service.hpp"

#include "registry/device_store.hpp"
#include "registry/ids.hpp"
#include "registry/service/application_service.hpp"
#include "registry/service/field_parsing.hpp"
#include "registry/validation.hpp"

namespace tether::registry {

namespace {

// The keys and EUIs in the order they are checked, each with the activation it implies (none: the
// DevEUI, which ABP may have too).
outcome<void> apply_keys(const device_fields& f, end_device& d) {
  bool otaa = false, abp = false;
  auto hex = [&](const char* field, const std::optional<std::string>& text, auto parse, auto& out,
                 bool& implied) -> outcome<void> {
    if (!text) return {};
    implied = true;
    return parse_field(field, *text, parse, out);
  };
  bool none = false;
  if (auto ok = hex("dev_eui", f.dev_eui, parse_eui, d.dev_eui, none); !ok) return ok;
  if (auto ok = hex("join_eui", f.join_eui, parse_eui, d.join_eui, otaa); !ok) return ok;
  if (auto ok = hex("app_key", f.app_key, parse_aes_key, d.app_key, otaa); !ok) return ok;
  if (auto ok = hex("dev_addr", f.dev_addr, parse_dev_addr, d.dev_addr, abp); !ok) return ok;
  if (auto ok = hex("nwk_s_key", f.nwk_s_key, parse_aes_key, d.nwk_s_key, abp); !ok) return ok;
  if (auto ok = hex("app_s_key", f.app_s_key, parse_aes_key, d.app_s_key, abp); !ok) return ok;
  if (otaa == abp) {
    return entity_failure(registry_error::invalid_activation, device_subject(d.application_id, d.device_id));
  }
  d.activation = otaa ? activation_mode::otaa : activation_mode::abp;
  return {};
}

outcome<void> apply_settings(const device_settings& s, end_device& d) {
  if (s.device_class) {
    auto cls = parse_device_class(*s.device_class);
    if (!cls) return field_failure(cls.error(), "class", *s.device_class);
    d.cls = *cls;
  }
  if (s.lorawan_version) {
    auto version = parse_lorawan_version(*s.lorawan_version);
    if (!version) return field_failure(version.error(), "lorawan_version", *s.lorawan_version);
    d.lorawan_version = *version;
  }
  if (s.frequency_plan_id) {
    auto plan = known_frequency_plan("frequency_plan_id", *s.frequency_plan_id);
    if (!plan) return plan.error();
    d.frequency_plan_id = *plan;
  }
  if (s.name) d.name = *s.name;
  if (auto ok = validate(d); !ok)
    return entity_failure(ok.error(), device_subject(d.application_id, d.device_id));
  return {};
}

// The device create would store, or the first error in its IDs and fields.
outcome<end_device> to_device(std::string_view application_id, std::string_view device_id,
                              const device_fields& fields) {
  if (!is_valid_id(application_id)) {
    return entity_failure(registry_error::invalid_id, application_subject(application_id));
  }
  if (!is_valid_id(device_id))
    return entity_failure(registry_error::invalid_id, "device " + quoted(device_id));
  end_device d;
  d.application_id = application_id;
  d.device_id = device_id;
  if (auto ok = apply_keys(fields, d); !ok) return ok.error();
  if (auto ok = apply_settings(fields, d); !ok) return ok.error();
  return d;
}

failure store_failure(const boost::system::error_code& ec, const end_device& d) {
  if (ec == registry_error::unknown_application)
    return entity_failure(ec, application_subject(d.application_id));
  if (ec == registry_error::eui_in_use) {
    return failure{.code = ec,
                   .detail = "JoinEUI " + d.join_eui->to_hex() + " / DevEUI " + d.dev_eui->to_hex() +
                             " is already used by another device"};
  }
  return entity_failure(ec, device_subject(d.application_id, d.device_id));
}

}  // namespace

std::string device_subject(std::string_view application_id, std::string_view device_id) {
  return "device " + quoted(std::string(application_id) + "/" + std::string(device_id));
}

outcome<void> device_service::check(std::string_view application_id, std::string_view device_id,
                                    const device_fields& fields) {
  auto d = to_device(application_id, device_id, fields);
  if (!d) return d.error();
  return {};
}

outcome<end_device> device_service::create(std::string_view application_id, std::string_view device_id,
                                           const device_fields& fields) {
  auto d = to_device(application_id, device_id, fields);
  if (!d) return d.error();
  auto created = device_store(db_).create(*d);
  if (!created) return store_failure(created.error(), *d);
  return *created;
}

outcome<end_device> device_service::update(std::string_view application_id, std::string_view device_id,
                                           const device_settings& settings) {
  // The read and the write in one transaction: a concurrent update is never silently undone.
  storage::transaction t(db_);
  auto d = get(application_id, device_id);
  if (!d) return d.error();
  if (auto ok = apply_settings(settings, *d); !ok) return ok.error();
  auto updated = device_store(db_).update(*d);
  if (!updated) return store_failure(updated.error(), *d);
  t.commit();
  return *updated;
}

outcome<end_device> device_service::get(std::string_view application_id, std::string_view device_id) {
  auto d = device_store(db_).get(application_id, device_id);
  if (!d) return entity_failure(d.error(), device_subject(application_id, device_id));
  return *d;
}

outcome<std::vector<end_device>> device_service::list(std::string_view application_id) {
  auto devices = device_store(db_).list(application_id);
  if (!devices) return entity_failure(devices.error(), application_subject(application_id));
  return std::move(*devices);
}

outcome<void> device_service::remove(std::string_view application_id, std::string_view device_id) {
  auto removed = device_store(db_).remove(application_id, device_id);
  if (!removed) return entity_failure(removed.error(), device_subject(application_id, device_id));
  return {};
}

}  // namespace tether::registry
