#include "cli/entity_command.hpp"

namespace tether::cli {

std::string command_name(const entity_spec& spec, std::string_view verb) {
  return spec.command + " " + std::string(verb);
}

std::string entity_name(const entity_spec& spec) { return spec.command.substr(spec.command.rfind(' ') + 1); }

std::string subject_of(const entity_spec& spec, const entity_key& key) {
  std::string joined;
  for (const auto& part : key) {
    if (!joined.empty()) joined += '/';
    joined += part;
  }
  return (spec.subject_noun.empty() ? entity_name(spec) : spec.subject_noun) + " " + registry::quoted(joined);
}

CLI::App& add_entity_verb(CLI::App& parent, const entity_spec& spec, const std::string& verb,
                          const std::string& help, entity_args& a, std::size_t parts) {
  auto* cmd = parent.add_subcommand(verb, help);
  a.key.assign(parts, std::string());
  for (std::size_t i = 0; i < parts; ++i) {
    const auto& part = spec.key.at(i);
    const auto& text = verb == "create" && !part.create_help.empty() ? part.create_help : part.help;
    cmd->add_option(part.name, a.key[i], text)->required();
  }
  return *cmd;
}

int check_key(const entity_spec& spec, std::string_view command, const entity_key& key) {
  for (std::size_t i = 0; i < key.size(); ++i) {
    const auto& part = spec.key.at(i);
    if (!part.valid || part.valid(key[i])) continue;
    const auto subject = part.noun + " " + registry::quoted(key[i]);
    if (part.rule.empty()) return fail(command, subject, registry::registry_error::invalid_id);
    return fail(command, subject + ": invalid ID: " + part.rule, 2);
  }
  return 0;
}

namespace detail {

CLI::App& add_entity_group(CLI::App& app, const entity_spec& spec, const std::string& description) {
  auto* cmd = app.add_subcommand(entity_name(spec), description);
  cmd->require_subcommand(1);
  return *cmd;
}

void add_stored_verb(CLI::App& parent, command_context& ctx, std::shared_ptr<const entity_spec> spec,
                     const std::string& verb, stored_body body) {
  auto a = std::make_shared<entity_args>();
  const bool list = verb == "list";
  const auto& help = list ? spec->help.list : verb == "show" ? spec->help.show : spec->help.remove;
  auto& cmd = add_entity_verb(parent, *spec, verb, help, *a, list ? spec->scope.parts : spec->key.size());
  if (list && spec->scope.add_flags) spec->scope.add_flags(cmd, a->key);
  add_registry_flags(cmd, a->flags);
  auto command = command_name(*spec, verb);
  set_registry_callback(cmd, ctx, command, [spec, a, list, command, body = std::move(body)] {
    const bool own_scope = list && spec->scope.resolve;
    if (int rc = own_scope ? spec->scope.resolve(command, a->key) : check_key(*spec, command, a->key))
      return rc;
    auto db = open_registry(a->flags.data_dir);
    return body(*db, *a, command);
  });
}

std::string scope_subject(const entity_spec& spec, const entity_key& scope) {
  if (spec.scope.subject) return spec.scope.subject(scope);
  if (scope.empty()) return entity_name(spec);
  return spec.key.at(scope.size() - 1).noun + " " + registry::quoted(scope.back());
}

nlohmann::json deleted_json(const entity_spec& spec, const entity_key& key) {
  auto fields = nlohmann::json::object();
  for (std::size_t i = 0; i < key.size(); ++i) fields[spec.key.at(i).json_field] = key[i];
  return nlohmann::json{{"deleted", fields}};
}

}  // namespace detail
}  // namespace tether::cli
