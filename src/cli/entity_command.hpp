#pragma once
// One table per registry entity for the command line. An entity_table says what the entity is called,
// which positional parts name one (`gateway ID`, `device APP DEV`, later `iot device ORG TYPE ID`), how
// to list, show and delete it and how to render it as JSON and as text; add_entity_commands() turns the
// table into the `list`, `show` and `delete` subcommands with the shared --data-dir/--json flags, the
// invalid-ID and not-found error lines and the exit codes (0 success, 1 runtime failure, 2 usage error).
// `create` keeps its own flags and body but is built from the same pieces (add_entity_verb, check_key,
// subject_of). An operation left empty in the table is a subcommand the entity does not have.

#include "cli/commands.hpp"
#include "cli/registry_cli.hpp"
#include "registry/error.hpp"
#include "registry/ids.hpp"
#include "storage/sqlite.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tether::cli {

// The values of an entity's key parts in order, e.g. {"app1", "dev1"}; for a list, its scope.
using entity_key = std::vector<std::string>;

// One positional part of an entity's key.
struct key_part {
  std::string name;         // in usage lines: "APP"
  std::string noun;         // names a bad value: "application 'A!'" (exit 2)
  std::string json_field;   // in the JSON of a deletion: "application_id"
  std::string help;         // "Application ID"
  std::string create_help;  // what `create` says about it when that says more; empty: `help`
  bool (*valid)(std::string_view) = registry::is_valid_id;  // nullptr: any text
  std::string rule;  // what a valid one looks like, for `valid` of the part's own; empty: the registry's
};

// Where `list` looks: the first `parts` key parts as positionals (0: everything; `device list APP`: 1),
// or flags of the entity's own (`key list --gateway ID`).
struct list_scope {
  std::size_t parts = 0;
  // Flags instead of positionals: add_flags binds them into the values (sizing them first), resolve
  // turns the values into the scope or prints a usage error and returns its exit code.
  std::function<void(CLI::App&, entity_key& values)> add_flags;
  std::function<int(std::string_view command, entity_key& values)> resolve;
  // Names the scope in an error; empty: "<noun of the last part> '<value>'".
  std::function<std::string(const entity_key& scope)> subject;
};

// The part of a table that does not depend on the entity's type.
struct entity_spec {
  std::string command;       // "gateway": subcommand and message prefix ("tether gateway show: ...")
  std::string subject_noun;  // names one in errors: "API key 'k'"; empty: its last word ("device 'a/d'")
  std::vector<key_part> key;
  struct verb_help {
    std::string list, show, remove;
  } help;  // each subcommand's line in --help
  list_scope scope;
  std::function<std::string(const entity_key& scope)> empty_text;  // "No gateways."
  std::function<std::string(const entity_key& key)> deleted_text;  // "Deleted gateway gw1 and its API keys"
};

template <class T>
struct entity_table {
  entity_spec spec;
  std::function<nlohmann::json(const T&)> to_json;         // list entries, and `show` by default
  std::function<void(const std::vector<T>&)> print_table;  // a non-empty list as text
  std::function<registry::result<std::vector<T>>(storage::database&, const entity_key& scope)> list;
  std::function<registry::result<T>(storage::database&, const entity_key& key)> get;
  std::function<nlohmann::json(storage::database&, const T&)> show_json;  // empty: to_json
  std::function<void(storage::database&, const T&)> print_details;        // `show` as text
  std::function<registry::result<void>(storage::database&, const entity_key& key)> remove;
};

// What every entity subcommand parses: --data-dir/--json and the key parts (or the list's scope).
struct entity_args {
  registry_flags flags;
  entity_key key;
};

// "device" for "iot device": the entity's subcommand.
std::string entity_name(const entity_spec& spec);
// "gateway show": the prefix of the command's error lines.
std::string command_name(const entity_spec& spec, std::string_view verb);
// "device 'app1/dev1'": names one entity in an error line.
std::string subject_of(const entity_spec& spec, const entity_key& key);

// Adds `verb` under `parent` with the first `parts` key parts as required positionals bound to
// a.key (create_help for `create`). The caller adds its own flags, then add_registry_flags(a.flags).
CLI::App& add_entity_verb(CLI::App& parent, const entity_spec& spec, const std::string& verb,
                          const std::string& help, entity_args& a, std::size_t parts);

// Checks each given key part; prints "<noun> '<value>'" as an invalid ID and returns 2, else 0.
int check_key(const entity_spec& spec, std::string_view command, const entity_key& key);

namespace detail {

CLI::App& add_entity_group(CLI::App& app, const entity_spec& spec, const std::string& description);

// What a verb does once its key (for `list`, its scope) has been checked and the registry opened.
using stored_body =
    std::function<int(storage::database& db, const entity_args& a, const std::string& command)>;
// Adds `list`, `show` or `delete` with the spec's positionals or scope flags, --data-dir and --json.
void add_stored_verb(CLI::App& parent, command_context& ctx, std::shared_ptr<const entity_spec> spec,
                     const std::string& verb, stored_body body);
std::string scope_subject(const entity_spec& spec, const entity_key& scope);
nlohmann::json deleted_json(const entity_spec& spec, const entity_key& key);

template <class T>
std::shared_ptr<const entity_spec> spec_of(const std::shared_ptr<const entity_table<T>>& t) {
  return {t, &t->spec};
}

template <class T>
void add_list(CLI::App& parent, command_context& ctx, std::shared_ptr<const entity_table<T>> t) {
  add_stored_verb(parent, ctx, spec_of(t), "list", [t](auto& db, const auto& a, const auto& command) {
    auto items = t->list(db, a.key);
    if (!items) return fail(command, scope_subject(t->spec, a.key), items.error());
    if (a.flags.json) {
      auto out = nlohmann::json::array();
      for (const auto& item : *items) out.push_back(t->to_json(item));
      print_json(out);
    } else if (items->empty()) {
      std::cout << t->spec.empty_text(a.key) << '\n';
    } else {
      t->print_table(*items);
    }
    return 0;
  });
}

template <class T>
void add_delete(CLI::App& parent, command_context& ctx, std::shared_ptr<const entity_table<T>> t) {
  add_stored_verb(parent, ctx, spec_of(t), "delete", [t](auto& db, const auto& a, const auto& command) {
    auto removed = t->remove(db, a.key);
    if (!removed) return fail(command, subject_of(t->spec, a.key), removed.error());
    return report(a.flags.json, deleted_json(t->spec, a.key), t->spec.deleted_text(a.key));
  });
}

template <class T>
void add_show(CLI::App& parent, command_context& ctx, std::shared_ptr<const entity_table<T>> t) {
  add_stored_verb(parent, ctx, spec_of(t), "show", [t](auto& db, const auto& a, const auto& command) {
    auto item = t->get(db, a.key);
    if (!item) return fail(command, subject_of(t->spec, a.key), item.error());
    if (!a.flags.json) {
      t->print_details(db, *item);
    } else {
      print_json(t->show_json ? t->show_json(db, *item) : t->to_json(*item));
    }
    return 0;
  });
}

}  // namespace detail

// Adds the entity's own `create` subcommand; the spec it is given lives as long as the command.
using add_create_fn =
    std::function<void(CLI::App& parent, command_context&, std::shared_ptr<const entity_spec>)>;

// Adds the entity's command under `app` (named by the last word of spec.command, requiring one
// subcommand): `create` from `add_create` if given, then `list`, `show` and `delete`, each only when the
// table has its operation. Returns the command, for subcommands of the entity's own.
template <class T>
CLI::App& add_entity_commands(CLI::App& app, command_context& ctx, const std::string& description,
                              entity_table<T> table, const add_create_fn& add_create) {
  auto t = std::make_shared<const entity_table<T>>(std::move(table));
  auto& cmd = detail::add_entity_group(app, t->spec, description);
  if (add_create) add_create(cmd, ctx, detail::spec_of(t));
  if (t->list) detail::add_list(cmd, ctx, t);
  if (t->get) detail::add_show(cmd, ctx, t);
  if (t->remove) detail::add_delete(cmd, ctx, t);
  return cmd;
}

}  // namespace tether::cli
