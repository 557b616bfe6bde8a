#include "registry/service/gateway_service.hpp"

#include "registry/gateway_store.hpp"
#include "registry/ids.hpp"
#include "registry/service/field_parsing.hpp"
#include "registry/validation.hpp"

namespace tether::registry {

namespace {

outcome<void> apply(const gateway_fields& f, gateway& g) {
  if (f.eui) {
    g.eui.reset();
    if (!f.eui->empty()) {
      if (auto ok = parse_field("eui", *f.eui, parse_eui, g.eui); !ok) return ok.error();
    }
  }
  if (f.frequency_plan_id) {
    auto plan = known_frequency_plan("frequency_plan_id", *f.frequency_plan_id);
    if (!plan) return plan.error();
    g.frequency_plan_id = *plan;
  }
  if (f.name) g.name = *f.name;
  if (f.clear_location) g.location.reset();
  if (f.location) g.location = f.location;
  return {};
}

failure store_failure(const boost::system::error_code& ec, const gateway& g) {
  if (ec == registry_error::eui_in_use) {
    return failure{.code = ec, .detail = "EUI " + g.eui->to_hex() + " is already used by another gateway"};
  }
  return entity_failure(ec, gateway_subject(g.gateway_id));
}

}  // namespace

std::string gateway_subject(std::string_view gateway_id) { return "gateway " + quoted(gateway_id); }

outcome<void> gateway_service::check(const gateway_fields& fields) {
  gateway scratch;
  return apply(fields, scratch);
}

outcome<gateway> gateway_service::create(std::string_view gateway_id, const gateway_fields& fields) {
  if (!is_valid_id(gateway_id))
    return entity_failure(registry_error::invalid_id, gateway_subject(gateway_id));
  gateway g;
  g.gateway_id = gateway_id;
  if (auto ok = apply(fields, g); !ok) return ok.error();
  auto created = gateway_store(db_).create(g);
  if (!created) return store_failure(created.error(), g);
  return *created;
}

outcome<gateway> gateway_service::update(std::string_view gateway_id, const gateway_fields& fields) {
  // The read and the write in one transaction: a concurrent update is never silently undone.
  storage::transaction t(db_);
  auto g = get(gateway_id);
  if (!g) return g.error();
  if (auto ok = apply(fields, *g); !ok) return ok.error();
  auto updated = gateway_store(db_).update(*g);
  if (!updated) return store_failure(updated.error(), *g);
  t.commit();
  return *updated;
}

outcome<gateway> gateway_service::get(std::string_view gateway_id) {
  auto g = gateway_store(db_).get(gateway_id);
  if (!g) return entity_failure(g.error(), gateway_subject(gateway_id));
  return *g;
}

outcome<std::vector<gateway>> gateway_service::list() { return gateway_store(db_).list(); }

outcome<void> gateway_service::remove(std::string_view gateway_id) {
  auto removed = gateway_store(db_).remove(gateway_id);
  if (!removed) return entity_failure(removed.error(), gateway_subject(gateway_id));
  return {};
}

}  // namespace tether::registry
