// `tether key create|list|show|delete`: API keys of gateways and applications. The full key is printed
// once, at creation; the registry keeps only a hash of its secret.

#include "cli/commands.hpp"
#include "cli/registry_cli.hpp"
#include "registry/ids.hpp"
#include "registry/key_store.hpp"
#include "registry/validation.hpp"

#include <iomanip>
#include <iostream>
#include <memory>

namespace tether::cli {
namespace {

using nlohmann::json;

constexpr std::string_view not_shown_again = "This key will not be shown again: store it now.";

json rights_json(const registry::rights& granted) {
  json out = json::array();
  for (auto r : granted.list()) out.push_back(registry::right_name(r));
  return out;
}

std::string rights_text(const registry::rights& granted) {
  std::string out;
  for (auto r : granted.list()) {
    if (!out.empty()) out += ',';
    out += registry::right_name(r);
  }
  return out;
}

std::string owner_text(const registry::entity_ref& owner) {
  return std::string(registry::to_string(owner.kind)) + " " + owner.id;
}

const char* owner_key(const registry::entity_ref& owner) {
  return owner.kind == registry::entity_kind::gateway ? "gateway_id" : "application_id";
}

json to_json(const registry::api_key& k) {
  return {{"key_id", k.key_id},
          {owner_key(k.owner), k.owner.id},
          {"rights", rights_json(k.rights)},
          {"name", k.name},
          {"created_at", format_time(k.created_at)}};
}

struct owner_args {
  registry_flags flags;
  std::string gateway_id, application_id;
};

void add_owner_flags(CLI::App& cmd, owner_args& a) {
  auto* gw = cmd.add_option("--gateway", a.gateway_id, "Gateway the key belongs to");
  auto* app = cmd.add_option("--application", a.application_id, "Application the key belongs to");
  gw->excludes(app);
  app->excludes(gw);
}

// The owner named by --gateway or --application; exit code 2 (printed) when neither or a bad ID.
std::optional<registry::entity_ref> owner_of(std::string_view command, const owner_args& a, int& rc) {
  if (a.gateway_id.empty() == a.application_id.empty()) {
    rc = fail(command, "give exactly one of --gateway ID or --application ID", 2);
    return std::nullopt;
  }
  registry::entity_ref owner =
      a.gateway_id.empty() ? registry::entity_ref{registry::entity_kind::application, a.application_id}
                           : registry::entity_ref{registry::entity_kind::gateway, a.gateway_id};
  if (!registry::is_valid_id(owner.id)) {
    rc = fail(command, std::string(registry::to_string(owner.kind)) + " " + in_quotes(owner.id),
              registry::registry_error::invalid_id);
    return std::nullopt;
  }
  return owner;
}

std::string owner_subject(const registry::entity_ref& owner) {
  return std::string(registry::to_string(owner.kind)) + " " + in_quotes(owner.id);
}

void add_create(CLI::App& parent, command_context& ctx) {
  struct args : owner_args {
    std::string rights, name;
  };
  auto a = std::make_shared<args>();
  auto* cmd = parent.add_subcommand("create", "Create an API key (printed once)");
  add_owner_flags(*cmd, *a);
  cmd->add_option("--rights", a->rights, "Comma-separated rights, e.g. RIGHT_GATEWAY_LINK")->required();
  cmd->add_option("--name", a->name, "Display name");
  add_registry_flags(*cmd, a->flags);
  set_registry_callback(*cmd, ctx, "key create", [a] {
    const char* command = "key create";
    int rc = 0;
    auto owner = owner_of(command, *a, rc);
    if (!owner) return rc;
    // Name the offending right in the message.
    auto granted = registry::parse_rights(a->rights);
    if (!granted) {
      if (granted.error() == registry::registry_error::unknown_right) {
        std::string list = a->rights, bad;
        std::size_t start = 0;
        while (start <= list.size()) {
          auto end = list.find(',', start);
          auto name = list.substr(start, end == std::string::npos ? std::string::npos : end - start);
          if (!name.empty() && !registry::parse_right(name)) {
            bad = name;
            break;
          }
          if (end == std::string::npos) break;
          start = end + 1;
        }
        return fail(command,
                    "--rights: unknown right " + in_quotes(bad) +
                        " (rights are named as The Things Stack "
                        "names them, e.g. RIGHT_GATEWAY_LINK, RIGHT_APPLICATION_TRAFFIC_READ)",
                    2);
      }
      return fail(command, "--rights " + in_quotes(a->rights), granted.error());
    }
    if (auto ok = registry::validate_key_rights(owner->kind, *granted); !ok) {
      for (auto r : granted->list()) {
        if (registry::right_entity(r) != owner->kind) {
          return fail(command,
                      "--rights: " + std::string(registry::right_name(r)) + " is not a " +
                          std::string(registry::to_string(owner->kind)) + " right",
                      2);
        }
      }
      return fail(command, "--rights", ok.error());
    }
    auto db = open_registry(a->flags.data_dir);
    auto created = registry::key_store(*db).create(*owner, *granted, a->name);
    if (!created) return fail(command, owner_subject(*owner), created.error());
    if (a->flags.json) {
      json out = to_json(created->key);
      out["key"] = created->full_key;
      print_json(out);
      std::cerr << not_shown_again << '\n';
    } else {
      std::cout << "Created API key " << created->key.key_id << " for " << owner_text(*owner) << " with "
                << rights_text(created->key.rights) << '\n'
                << created->full_key << '\n'
                << not_shown_again << '\n';
    }
    return 0;
  });
}

void print_table(const std::vector<registry::api_key>& keys) {
  std::cout << std::left << std::setw(41) << "KEY ID" << std::setw(22) << "CREATED" << std::setw(20) << "NAME"
            << "RIGHTS\n";
  for (const auto& k : keys) {
    std::cout << std::setw(41) << k.key_id << std::setw(22) << format_time(k.created_at) << std::setw(20)
              << k.name << rights_text(k.rights) << '\n';
  }
}

void add_list(CLI::App& parent, command_context& ctx) {
  auto a = std::make_shared<owner_args>();
  auto* cmd = parent.add_subcommand("list", "List the API keys of a gateway or application");
  add_owner_flags(*cmd, *a);
  add_registry_flags(*cmd, a->flags);
  set_registry_callback(*cmd, ctx, "key list", [a] {
    int rc = 0;
    auto owner = owner_of("key list", *a, rc);
    if (!owner) return rc;
    auto db = open_registry(a->flags.data_dir);
    auto keys = registry::key_store(*db).list(*owner);
    if (!keys) return fail("key list", owner_subject(*owner), keys.error());
    if (a->flags.json) {
      json out = json::array();
      for (const auto& k : *keys) out.push_back(to_json(k));
      print_json(out);
    } else if (keys->empty()) {
      std::cout << "No API keys for " << owner_text(*owner) << ".\n";
    } else {
      print_table(*keys);
    }
    return 0;
  });
}

struct key_id_args {
  registry_flags flags;
  std::string key_id;
};

void add_show(CLI::App& parent, command_context& ctx) {
  auto a = std::make_shared<key_id_args>();
  auto* cmd = parent.add_subcommand("show", "Show an API key (never its secret)");
  cmd->add_option("KEYID", a->key_id, "Key ID (the middle part of NNSXS.<KEY ID>.<SECRET>)")->required();
  add_registry_flags(*cmd, a->flags);
  set_registry_callback(*cmd, ctx, "key show", [a] {
    auto db = open_registry(a->flags.data_dir);
    auto k = registry::key_store(*db).get(a->key_id);
    if (!k) return fail("key show", "API key " + in_quotes(a->key_id), k.error());
    if (a->flags.json) {
      print_json(to_json(*k));
    } else {
      std::cout << "key_id:     " << k->key_id << '\n'
                << "owner:      " << owner_text(k->owner) << '\n'
                << "rights:     " << rights_text(k->rights) << '\n'
                << "name:       " << k->name << '\n'
                << "created_at: " << format_time(k->created_at) << '\n';
    }
    return 0;
  });
}

void add_delete(CLI::App& parent, command_context& ctx) {
  auto a = std::make_shared<key_id_args>();
  auto* cmd = parent.add_subcommand("delete", "Revoke an API key");
  cmd->add_option("KEYID", a->key_id, "Key ID (the middle part of NNSXS.<KEY ID>.<SECRET>)")->required();
  add_registry_flags(*cmd, a->flags);
  set_registry_callback(*cmd, ctx, "key delete", [a] {
    auto db = open_registry(a->flags.data_dir);
    auto removed = registry::key_store(*db).remove(a->key_id);
    if (!removed) return fail("key delete", "API key " + in_quotes(a->key_id), removed.error());
    return report(a->flags.json, {{"deleted", {{"key_id", a->key_id}}}},
                  std::string("Revoked API key ") + a->key_id);
  });
}

}  // namespace

void add_key_command(CLI::App& app, command_context& ctx) {
  auto* cmd = app.add_subcommand("key", "Manage API keys of gateways and applications");
  cmd->require_subcommand(1);
  add_create(*cmd, ctx);
  add_list(*cmd, ctx);
  add_show(*cmd, ctx);
  add_delete(*cmd, ctx);
}

}  // namespace tether::cli
