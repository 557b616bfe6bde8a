#include "registry/service/key_service.hpp"

#include "registry/ids.hpp"
#include "registry/validation.hpp"

namespace tether::registry {

namespace {

// The first name in the list that is not a right (as written, for the message).
std::string unknown_right_in(std::string_view list) {
  std::size_t start = 0;
  while (start <= list.size()) {
    auto end = list.find(',', start);
    auto name = list.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!name.empty() && !parse_right(name)) return std::string(name);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return {};
}

std::string kind_with_article(entity_kind kind) {
  // "a application" is how the command line has always put it.
  return (kind == entity_kind::admin ? "an " : "a ") + std::string(to_string(kind));
}

}  // namespace

std::string owner_subject(const entity_ref& owner) {
  if (owner.kind == entity_kind::admin) return "admin";
  return std::string(to_string(owner.kind)) + " " + quoted(owner.id);
}

std::string key_subject(std::string_view key_id) { return "API key " + quoted(key_id); }

outcome<registry::rights> parse_key_rights(entity_kind owner, std::string_view list) {
  auto granted = parse_rights(list);
  if (!granted) {
    if (granted.error() == registry_error::unknown_right) {
      return field_failure(granted.error(), "rights", std::nullopt,
                           "unknown right " + quoted(unknown_right_in(list)) +
                               " (rights are named as The Things Stack names them, e.g. RIGHT_GATEWAY_LINK, "
                               "RIGHT_APPLICATION_TRAFFIC_READ)");
    }
    return field_failure(granted.error(), "rights", std::string(list));
  }
  if (auto ok = validate_key_rights(owner, *granted); !ok) {
    for (auto r : granted->list()) {
      if (right_entity(r) == owner) continue;
      return field_failure(ok.error(), "rights", std::nullopt,
                           std::string(right_name(r)) + " is not " + kind_with_article(owner) + " right");
    }
    return field_failure(ok.error(), "rights", std::nullopt);
  }
  return *granted;
}

outcome<created_key> key_service::create(const entity_ref& owner, std::string_view rights,
                                         std::string_view name) {
  if (owner.kind != entity_kind::admin && !is_valid_id(owner.id)) {
    return entity_failure(registry_error::invalid_id, owner_subject(owner));
  }
  auto granted = parse_key_rights(owner.kind, rights);
  if (!granted) return granted.error();
  auto created = key_store(db_).create(owner, *granted, name);
  if (!created) return entity_failure(created.error(), owner_subject(owner));
  return std::move(*created);
}

outcome<std::vector<api_key>> key_service::list(const entity_ref& owner) {
  auto keys = key_store(db_).list(owner);
  if (!keys) return entity_failure(keys.error(), owner_subject(owner));
  return std::move(*keys);
}

outcome<api_key> key_service::get(std::string_view key_id) {
  auto key = key_store(db_).get(key_id);
  if (!key) return entity_failure(key.error(), key_subject(key_id));
  return *key;
}

outcome<void> key_service::remove(std::string_view key_id) {
  auto removed = key_store(db_).remove(key_id);
  if (!removed) return entity_failure(removed.error(), key_subject(key_id));
  return {};
}

outcome<api_key> key_service::update(std::string_view key_id, std::string_view name) {
  auto renamed = key_store(db_).rename(key_id, name);
  if (!renamed) return entity_failure(renamed.error(), key_subject(key_id));
  return *renamed;
}

}  // namespace tether::registry
