#include "http/event_feed.hpp"

#include "application/event_stream.hpp"
#include "application/ttsv3/event_json.hpp"
#include "core/json_writer.hpp"
#include "core/protojson.hpp"
#include "gateway/radio_json.hpp"
#include "registry/ids.hpp"

#include <charconv>

namespace tether::http {
namespace {

constexpr std::size_t read_batch = 256;
// Batches one call reads at most, so a filtered feed catching up on a busy stream yields the server's
// executor between calls (a piece may then be empty though the feed is behind).
constexpr std::size_t max_batches_per_call = 8;

std::string_view gateway_event_name(network::gateway_event_kind k) {
  switch (k) {
    case network::gateway_event_kind::connect:
      return "gateway/connect";
    case network::gateway_event_kind::disconnect:
      return "gateway/disconnect";
    case network::gateway_event_kind::status:
      return "gateway/status";
    case network::gateway_event_kind::drop:
      return "gateway/drop";
  }
  return "gateway";
}

std::string render_gateway(const network::gateway_event& e) {
  using namespace core::protojson;
  std::string out;
  core::json_writer w(out);
  w.begin_object();
  w.key("gateway_ids").begin_object().key("gateway_id").string(e.gateway_id).end_object();
  put(w, "protocol", std::string_view(e.protocol));
  put(w, "remote_address", std::string_view(e.remote_address));
  put(w, "reason", std::string_view(e.reason));
  if (e.status) {
    w.key("status");
    gateway::write_gateway_status(w, *e.status);
  }
  put_time(w, "at", e.at);
  w.end_object();
  return out;
}

// The event's SSE name and JSON.
std::pair<std::string_view, std::string> name_and_data(const application::application_event& event) {
  namespace tts = application::ttsv3;
  return std::visit(
      [](const auto& e) -> std::pair<std::string_view, std::string> {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, network::join_event>) {
          return {"join", tts::render_join(e)};
        } else if constexpr (std::is_same_v<T, network::uplink_event>) {
          return {"up", tts::render_uplink(e)};
        } else if constexpr (std::is_same_v<T, network::downlink_event>) {
          return {tts::downlink_event_suffix(e.outcome), tts::render_downlink_event(e)};
        } else if constexpr (std::is_same_v<T, network::drop_event>) {
          return {"drop", tts::render_drop(e)};
        } else {
          return {gateway_event_name(e.kind), render_gateway(e)};
        }
      },
      event);
}

// `data` as SSE data lines: one per line of it (the renderers write one line; this keeps it safe).
void append_data(std::string& out, std::string_view data) {
  for (;;) {
    const auto nl = data.find('\n');
    out += "data: ";
    out += data.substr(0, nl);
    out += '\n';
    if (nl == std::string_view::npos) return;
    data.remove_prefix(nl + 1);
    if (data.empty()) return;
  }
}

std::optional<std::uint64_t> parse_number(std::string_view text) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return v;
}

response bad_request(std::string_view message) { return json_error(400, "bad_request", message); }

}  // namespace

std::string feed_filter::stream() const {
  return gateway_id.empty() ? application_id : application::gateway_stream(gateway_id);
}

std::variant<feed_request, response> parse_feed_request(const stream_request& request) {
  feed_request out;
  const auto q = request.target.find('?');
  auto query = q == std::string_view::npos ? std::string_view{} : request.target.substr(q + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    const auto name = pair.substr(0, eq);
    const auto value = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    std::string* field = name == "application" ? &out.filter.application_id
                         : name == "device"    ? &out.filter.device_id
                         : name == "gateway"   ? &out.filter.gateway_id
                                               : nullptr;
    if (!field) return bad_request("unknown parameter '" + std::string(name) + "'");
    if (!field->empty()) return bad_request("parameter '" + std::string(name) + "' given twice");
    if (!registry::is_valid_id(value)) {
      return bad_request("'" + std::string(name) + "' is not a valid ID (3 to 36 of a-z, 0-9 and '-')");
    }
    *field = std::string(value);
  }
  const auto& f = out.filter;
  if (f.application_id.empty() == f.gateway_id.empty()) {
    return bad_request("give exactly one of ?application=ID and ?gateway=ID");
  }
  if (!f.device_id.empty() && f.application_id.empty())
    return bad_request("?device=ID needs ?application=ID");
  if (!request.last_event_id.empty()) {
    out.last_event_id = parse_number(request.last_event_id);
    if (!out.last_event_id) return bad_request("Last-Event-ID must be an event number");
  }
  return out;
}

event_feed::event_feed(application::event_stream& events, feed_filter filter, std::uint64_t after)
    : events_(events), filter_(std::move(filter)), stream_(filter_.stream()), after_(after) {}

bool event_feed::wanted(const application::stream_event& e) const {
  if (filter_.device_id.empty()) return true;
  const auto* ids = application::ids_of(e.event);
  return ids && ids->device_id == filter_.device_id;
}

std::string event_feed::next(std::size_t max_bytes) {
  std::string out;
  // Stops at a batch boundary once the piece is full, so `after_` always names the last event written.
  for (std::size_t round = 0; round < max_batches_per_call && out.size() < max_bytes; ++round) {
    if (events_.last_seq(stream_) <= after_) break;
    auto batch = events_.read(stream_, after_, read_batch);
    if (batch.last_seq == after_) break;
    std::uint64_t expected = after_ + 1;
    for (const auto& e : batch.events) {
      if (e.seq > expected && batch.missing > 0) {
        out += "id: " + std::to_string(e.seq - 1) +
               "\nevent: missing\ndata: {\"missing\":" + std::to_string(e.seq - expected) + "}\n\n";
      }
      expected = e.seq + 1;
      if (wanted(e)) out += render_sse(e);
      after_ = e.seq;
      if (out.size() >= max_bytes) return out;
    }
    if (batch.last_seq > after_) {
      // The batch ended in numbers not read (trimmed, or undecodable).
      out += "id: " + std::to_string(batch.last_seq) +
             "\nevent: missing\ndata: {\"missing\":" + std::to_string(batch.last_seq - after_) + "}\n\n";
      after_ = batch.last_seq;
    }
  }
  return out;
}

std::string render_sse(const application::stream_event& e) {
  const auto [name, data] = name_and_data(e.event);
  std::string out = "id: " + std::to_string(e.seq) + "\nevent: ";
  out += name;
  out += '\n';
  append_data(out, data);
  out += '\n';
  return out;
}

}  // namespace tether::http
