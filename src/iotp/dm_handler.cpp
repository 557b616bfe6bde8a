#include "iotp/dm_handler.hpp"

namespace tether::iotp {
namespace {

std::int64_t unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

void refuse(dm_outcome& out, const dm_refusal& why) {
  out.rc = why.rc;
  out.message = why.message;
}

// The request's body, stored; out's rc set when refused.
void apply(dm_store& store, const dm_handler_options& options, const dm_sender& sender, dm_operation op,
           const nlohmann::json& d, std::chrono::system_clock::time_point now, dm_outcome& out) {
  dm_refusal why;
  const auto& ref = sender.device;
  switch (op) {
    case dm_operation::manage:
      if (auto m = parse_manage(d, options.min_lifetime, why)) {
        store.manage(ref, *m, unix_seconds(now), sender.via);
        out.managed = true;
        return;
      }
      break;
    case dm_operation::unmanage:
      store.unmanage(ref);
      return;
    case dm_operation::location:
      if (auto loc = parse_location(d, now, why)) {
        store.set_location(ref, *loc);
        return;
      }
      break;
    case dm_operation::add_error_code:
      if (auto code = parse_error_code(d, why)) {
        out.trimmed = store.add_error_code(ref, *code, unix_seconds(now));
        return;
      }
      break;
    case dm_operation::clear_error_codes:
      store.clear_error_codes(ref);
      return;
    case dm_operation::add_log:
      if (auto e = parse_log(d, now, why)) {
        out.trimmed = store.add_log(ref, *e);
        return;
      }
      break;
    case dm_operation::clear_logs:
      store.clear_logs(ref);
      return;
    case dm_operation::notify:
      if (auto fields = parse_notify(d, why)) {
        store.apply_fields(ref, *fields);
        for (auto& f : *fields) {
          if (f.field == "mgmt.firmware") out.firmware.push_back(std::move(f.value));
        }
        return;
      }
      break;
    case dm_operation::response:
    case dm_operation::unknown:
      why = {dm_rc::bad_request, "no such device management request"};
      break;
  }
  refuse(out, why);
}

}  // namespace

dm_outcome handle_dm_request(dm_store& store, const dm_handler_options& options, const dm_sender& sender,
                             dm_operation op, std::string_view payload,
                             std::chrono::system_clock::time_point now) {
  dm_outcome out;
  if (op == dm_operation::response) {
    out.respond = false;
    out.device_response = parse_device_response(payload);
    return out;
  }
  dm_refusal why;
  auto envelope = parse_envelope(payload, why);
  if (!envelope) {
    refuse(out, why);
    return out;
  }
  out.req_id = envelope->req_id;
  out.respond = out.req_id.has_value() || op == dm_operation::unknown;
  if (!store.device_exists(sender.device)) {
    out.rc = dm_rc::not_found;
    out.message = "the device is not registered";
    return out;
  }
  try {
    apply(store, options, sender, op, envelope->d, now, out);
  } catch (const storage::storage_error& e) {
    out = {.rc = dm_rc::conflict,
           .message = "the registry is busy: retry later",
           .req_id = out.req_id,
           .respond = out.respond};
  }
  return out;
}

}  // namespace tether::iotp
