// libFuzzer target for the Device Management Protocol's JSON parsers (iotp/dm_messages): the input is
// parsed as a request envelope and, when that succeeds, its `d` as each device request (manage,
// location, error code, log, notify); the whole input is also parsed as a device's response. What a
// parser accepts must hold what the protocol requires, and responses must render as JSON again.

#include "iotp/dm_action.hpp"
#include "iotp/dm_messages.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

using namespace tether::iotp;

void check(bool ok) {
  if (!ok) std::abort();
}

void parse_bodies(const nlohmann::json& d) {
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
  dm_refusal why;
  if (auto m = parse_manage(d, 3600, why)) {
    check(m->lifetime == 0 || m->lifetime >= 3600);
  } else {
    check(why.rc == dm_rc::bad_request || why.rc == dm_rc::forbidden);
  }
  if (auto loc = parse_location(d, now, why)) {
    check(loc->contains("latitude") && loc->contains("longitude") && loc->contains("measuredDateTime"));
    check(!loc->dump().empty());
  }
  parse_error_code(d, why);
  if (auto log = parse_log(d, now, why)) check(log->severity >= 0 && log->severity <= 2);
  if (auto fields = parse_notify(d, why)) {
    check(!fields->empty());
    for (const auto& f : *fields) check(known_attribute(f.field));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  dm_refusal why;
  if (auto e = parse_envelope(input, why)) {
    check(e->d.is_object());
    parse_bodies(e->d);
    check(!render_response(dm_rc::ok, {}, e->req_id).empty());
  } else {
    check(why.rc == dm_rc::bad_request);
  }
  if (auto r = parse_device_response(input)) {
    check(r->rc >= 0 && r->rc <= 999);
    split_req_id(r->req_id);
    check(!render_request(r->req_id, r->d).empty());
  }
  operation_of(input);
  return 0;
}
