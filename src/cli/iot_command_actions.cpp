// `tether iot action ...`: device management requests a user starts (spec A3), written to the registry
// as pending requests that a running server picks up within a second and carries out.
//   tether iot action ORG TYPE ID reboot|factory-reset|firmware-update
//   tether iot action ORG TYPE ID firmware-download --uri URI [--version V --name N --verifier X]
//   tether iot action ORG TYPE ID custom BUNDLE ACTION [--param k=v ...]
//       (each with [--timeout S] [--override])
//   tether iot action list ORG        tether iot action show REQID

#include "cli/iot_command.hpp"

#include "cli/registry_cli.hpp"
#include "iotp/dm_store.hpp"
#include "iotp/registry_ids.hpp"
#include "iotp/registry_store.hpp"

#include <fmt/format.h>

#include <chrono>
#include <iomanip>
#include <iostream>
#include <random>

namespace tether::cli::iot {
namespace {

using iotp::dm_action_kind;
using nlohmann::json;

constexpr std::string_view command = "iot action";
constexpr std::size_t max_id = 255;  // A3: bundle, action and parameter IDs

struct action_args {
  registry_flags flags;
  std::vector<std::string> words;
  std::string uri, version, name, verifier;
  std::vector<std::string> params;
  std::int64_t timeout = 600;
  bool override_others = false;
};

std::string new_request_id() {
  std::random_device rd;
  std::mt19937_64 gen((static_cast<std::uint64_t>(rd()) << 32) ^ rd());
  return fmt::format("{:016x}", gen());
}

json request_json(const iotp::dm_request& r) {
  return {{"req_id", r.req_id},
          {"org_id", r.device.org},
          {"type_id", r.device.type},
          {"device_id", r.device.id},
          {"action", iotp::to_string(r.kind)},
          {"params", r.params},
          {"override", r.override_others},
          {"state", iotp::to_string(r.state)},
          {"rc", r.rc ? json(*r.rc) : json(nullptr)},
          {"message", r.message},
          {"created_at", format_time(r.created_at)},
          {"updated_at", format_time(r.updated_at)},
          {"deadline_at", format_time(r.deadline_at)}};
}

bool valid_part(std::string_view id) {
  return !id.empty() && id.size() <= max_id && id.find_first_of("/+#") == std::string_view::npos;
}

// The custom action's parameters from --param k=v; nullopt (after printing why) when one is bad.
std::optional<json> custom_params(const action_args& a) {
  json out = json::object();
  for (const auto& p : a.params) {
    const auto eq = p.find('=');
    if (eq == std::string::npos || !valid_part(p.substr(0, eq))) {
      fail(command, "--param " + p + ": use KEY=VALUE, KEY 1-255 characters without '/', '+', '#'", 2);
      return std::nullopt;
    }
    out[p.substr(0, eq)] = p.substr(eq + 1);
  }
  return out;
}

int start(const action_args& a) {
  const auto& w = a.words;
  if (w.size() < 4) return fail(command, "use ORG TYPE ID ACTION, list ORG or show REQID", 2);
  const iotp::device_ref ref{w[0], w[1], w[2]};
  auto kind = iotp::parse_action_kind(w[3]);
  if (!kind) {
    return fail(command,
                "unknown action '" + w[3] +
                    "': use reboot, factory-reset, firmware-download, firmware-update or custom",
                2);
  }
  iotp::dm_request r{
      .req_id = new_request_id(), .device = ref, .kind = *kind, .override_others = a.override_others};
  const std::size_t words = *kind == dm_action_kind::custom ? 6 : 4;
  if (w.size() != words) {
    return fail(command,
                *kind == dm_action_kind::custom ? "custom needs BUNDLE and ACTION" : "too many arguments", 2);
  }
  if (*kind == dm_action_kind::custom) {
    if (!valid_part(w[4]) || !valid_part(w[5])) {
      return fail(command, "BUNDLE and ACTION are 1-255 characters without '/', '+', '#'", 2);
    }
    auto params = custom_params(a);
    if (!params) return 2;
    r.params = {{"bundle", w[4]}, {"action", w[5]}, {"params", *params}};
  } else if (iotp::is_firmware(*kind)) {
    if (*kind == dm_action_kind::firmware_download && a.uri.empty()) {
      return fail(command, "firmware-download needs --uri", 2);
    }
    for (const auto& [key, value] : {std::pair{"uri", &a.uri}, std::pair{"version", &a.version},
                                     std::pair{"name", &a.name}, std::pair{"verifier", &a.verifier}}) {
      if (!value->empty()) r.params[key] = *value;
    }
  }
  if (a.timeout < 1) return fail(command, "--timeout must be at least 1 second", 2);
  auto db = open_registry(a.flags.data_dir);
  const auto kind_of = iotp::registry_store(*db).get_device(ref, iotp::type_class::device);
  if (!kind_of && !iotp::registry_store(*db).get_device(ref, iotp::type_class::gateway)) {
    return fail(command, "device " + ref_text(ref) + " not found", 1);
  }
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  r.created_at = r.updated_at = now;
  r.deadline_at = now + a.timeout;
  iotp::dm_store(*db).create_request(r);
  return report(
      a.flags.json, request_json(r),
      "Requested " + std::string(iotp::to_string(r.kind)) + " of " + ref_text(ref) + ": request " + r.req_id);
}

void print_request(const iotp::dm_request& r) {
  std::cout << "req_id:    " << r.req_id << '\n'
            << "device:    " << ref_text(r.device) << '\n'
            << "action:    " << iotp::to_string(r.kind) << '\n'
            << "params:    " << r.params.dump() << '\n'
            << "state:     " << iotp::to_string(r.state) << '\n'
            << "rc:        " << (r.rc ? std::to_string(*r.rc) : std::string("-")) << '\n'
            << "message:   " << (r.message.empty() ? "-" : r.message) << '\n'
            << "created:   " << format_time(r.created_at) << '\n'
            << "updated:   " << format_time(r.updated_at) << '\n'
            << "deadline:  " << format_time(r.deadline_at) << '\n';
}

int list(const action_args& a) {
  if (a.words.size() != 2 || !iotp::is_valid_org(a.words[1])) return fail(command, "use list ORG", 2);
  auto db = open_registry(a.flags.data_dir);
  const auto requests = iotp::dm_store(*db).requests_of(a.words[1]);
  if (a.flags.json) {
    json out = json::array();
    for (const auto& r : requests) out.push_back(request_json(r));
    print_json(out);
    return 0;
  }
  if (requests.empty()) {
    std::cout << "No requests in organization " << a.words[1] << ".\n";
    return 0;
  }
  std::cout << std::left << std::setw(18) << "REQID" << std::setw(36) << "DEVICE" << std::setw(19) << "ACTION"
            << std::setw(13) << "STATE"
            << "RC\n";
  for (const auto& r : requests) {
    std::cout << std::setw(18) << r.req_id << std::setw(36) << (r.device.type + "/" + r.device.id)
              << std::setw(19) << iotp::to_string(r.kind) << std::setw(13) << iotp::to_string(r.state)
              << (r.rc ? std::to_string(*r.rc) : std::string("-")) << '\n';
  }
  return 0;
}

int show(const action_args& a) {
  if (a.words.size() != 2) return fail(command, "use show REQID", 2);
  auto db = open_registry(a.flags.data_dir);
  auto r = iotp::dm_store(*db).request(a.words[1]);
  if (!r) return fail(command, "request " + a.words[1] + " not found", 1);
  if (a.flags.json) {
    print_json(request_json(*r));
  } else {
    print_request(*r);
  }
  return 0;
}

int run(const action_args& a) {
  if (!a.words.empty() && a.words[0] == "list") return list(a);
  if (!a.words.empty() && a.words[0] == "show") return show(a);
  return start(a);
}

}  // namespace

void add_action_command(CLI::App& iot, command_context& ctx) {
  auto a = std::make_shared<action_args>();
  auto* cmd =
      iot.add_subcommand("action", "Start and follow device management requests (reboot, firmware, ...)");
  cmd->footer(
      "  tether iot action ORG TYPE ID reboot|factory-reset|firmware-update\n"
      "  tether iot action ORG TYPE ID firmware-download --uri URI [--version V --name N --verifier X]\n"
      "  tether iot action ORG TYPE ID custom BUNDLE ACTION [--param KEY=VALUE ...]\n"
      "  tether iot action list ORG\n"
      "  tether iot action show REQID");
  cmd->add_option("words", a->words, "ORG TYPE ID ACTION [BUNDLE ACTION], list ORG, or show REQID")
      ->required();
  cmd->add_option("--uri", a->uri, "firmware-download: where the device gets the image");
  cmd->add_option("--version", a->version, "Firmware version");
  cmd->add_option("--name", a->name, "Firmware name");
  cmd->add_option("--verifier", a->verifier, "Firmware checksum the device verifies");
  cmd->add_option("--param", a->params, "custom: a parameter KEY=VALUE (repeatable)")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("--timeout", a->timeout, "Seconds after which the request ends as timed out")
      ->capture_default_str();
  cmd->add_flag("--override", a->override_others, "Firmware: cancel the device's other firmware requests");
  add_registry_flags(*cmd, a->flags);
  set_registry_callback(*cmd, ctx, std::string(command), [a] { return run(*a); });
}

}  // namespace tether::cli::iot
