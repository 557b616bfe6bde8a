#include "application/connector/data_api_codec.hpp"

#include "application/connector/data_api_json.hpp"
#include "application/connector/data_api_parse.hpp"
#include "application/connector/downlink_binding.hpp"
#include "application/connector/topic_template.hpp"
#include "core/log_limiter.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <memory>

namespace tether::application::connector {
namespace {

// A response must reach the core this long before RX2 opens to make it (network::schedule_margin).
constexpr std::chrono::milliseconds response_margin{130};
constexpr std::chrono::milliseconds class_c_delay{530};  // what a claim's downlink_request announces
constexpr std::chrono::minutes claim_lifetime{1};        // how long a claim's request can be answered

struct shared_state {
  connector_config config;
  std::optional<topic_template> topic;  // nullopt: topic_up did not parse (messages go to it as written)
  pending_requests pending;
  codec_services services;
  std::shared_ptr<downstream_counters> counters;
};

std::string expand(const shared_state& s, const data_api_message& m) {
  return s.topic ? s.topic->expand(type_name(m.type), m.meta) : s.config.topic_up;
}

class data_api_renderer final : public message_renderer {
 public:
  explicit data_api_renderer(std::shared_ptr<shared_state> state) : state_(std::move(state)) {}

  void render(const stream_event& event, const render_context& context,
              std::vector<rendered_message>& out) override {
    messages_.clear();
    const render_input in{event.seq, context.history};
    std::visit(
        [&](const auto& e) {
          using T = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<T, network::join_event>) {
            render_join(e, in, messages_);
          } else if constexpr (std::is_same_v<T, network::uplink_event>) {
            render_uplink(e, in, messages_);
            remember_request(e, context.history);
          } else if constexpr (std::is_same_v<T, network::downlink_event>) {
            render_downlink(e, in, messages_);
          } else if constexpr (std::is_same_v<T, network::drop_event>) {
            render_drop(e, in, messages_);
          }  // a gateway event is not in an application's stream
        },
        event.event);
    for (auto& m : messages_) {
      if (!state_->config.types.contains(m.type)) continue;
      out.push_back({m.type, expand(*state_, m), std::move(m.json)});
    }
  }

 private:
  void remember_request(const network::uplink_event& e, bool history) {
    if (!e.windows || !state_->config.types.contains(message_type::downlink_request)) return;
    state_->pending.remember(uplink_packet_hash(e), {e.ids.application_id, e.ids.device_id, e.f_cnt,
                                                     e.windows->rx2 - response_margin, history});
  }

  std::shared_ptr<shared_state> state_;
  std::vector<data_api_message> messages_;
};

class data_api_downstream final : public downstream_handler {
 public:
  explicit data_api_downstream(std::shared_ptr<shared_state> state) : state_(std::move(state)) {}

  void on_message(std::string_view topic, std::span<const std::uint8_t> payload, outbox& out) override {
    auto& c = *state_->counters;
    ++c.received;
    auto parsed = parse_downstream({reinterpret_cast<const char*>(payload.data()), payload.size()});
    if (!parsed) {
      ++c.refused_invalid;
      refuse(out, parsed.error().meta, parsed.error().code,
             fmt::format("message on {} discarded: {}", topic, parsed.error().reason));
      return;
    }
    // A storage error (a DevEUI lookup on a busy database) must not escape into the links' thread,
    // which would end the server: the message is refused instead.
    try {
      handle(*parsed, out);
    } catch (const std::exception& e) {
      ++c.refused_internal;
      refuse(out, std::visit([](const auto& m) { return m.meta; }, *parsed), "internal_error",
             fmt::format("message on {} not handled: {}", topic, e.what()));
    }
  }

 private:
  void handle(downstream_message& parsed, outbox& out) {
    auto& c = *state_->counters;
    std::visit(
        [&](auto& m) {
          using T = std::decay_t<decltype(m)>;
          if constexpr (std::is_same_v<T, downlink_response>) {
            on_response(m, out);
          } else if constexpr (std::is_same_v<T, downlink_claim>) {
            on_claim(m, out);
          } else if constexpr (std::is_same_v<T, status_request>) {
            ++c.refused_unsupported;
            refuse(out, m.meta, "unsupported",
                   "status_request is not supported: Tether asks devices for their status itself");
          } else {
            ++c.refused_unsupported;
            refuse(out, m.meta, "unsupported", "join_response is not supported: Tether answers joins itself");
          }
        },
        parsed);
  }

  void on_response(const downlink_response& r, outbox& out) {
    auto& c = *state_->counters;
    const auto& hash = *r.meta.packet_hash;
    if (r.encrypted_payload && !r.payload) {
      ++c.refused_unsupported;
      refuse(out, r.meta, "unsupported",
             "packet " + hash + ": encrypted_payload is not supported: send payload, Tether encrypts it");
      return;
    }
    const auto now = state_->services.now();
    const auto request = state_->pending.find(hash);
    std::string late;
    if (!request) {
      late =
          "packet " + hash + ": no downlink_request of this connector has this packet_hash (or it expired)";
    } else if (request->history) {
      late = "packet " + hash + ": answers a replayed downlink_request: its receive windows have passed";
    } else if (now > request->deadline) {
      late = fmt::format(
          "packet {}: the downlink_response came too late, {} ms after the last receive window", hash,
          std::chrono::duration_cast<std::chrono::milliseconds>(now - request->deadline + response_margin)
              .count());
    }
    if (late.empty()) {
      state_->pending.forget(hash);
      std::optional<network::window_binding> binding;
      if (!request->claim) binding = network::window_binding{request->uplink_f_cnt, request->deadline};
      if (push(out, r, request->device_id, binding)) ++(binding ? c.responses_bound : c.responses_queued);
      return;
    }
    if (r.queue_if_late) {
      auto device = request ? std::optional(request->device_id) : device_of(r.meta);
      if (device && push(out, r, *device, std::nullopt)) {
        ++c.responses_queued;
        return;
      }
    }
    (request ? c.refused_late : c.refused_unknown)++;
    refuse(out, r.meta, request ? "downlink_too_late" : "unknown_packet", late);
  }

  void on_claim(const downlink_claim& claim, outbox& out) {
    auto& c = *state_->counters;
    const auto device = device_of(claim.meta);
    if (!device) {
      ++c.refused_unknown;
      refuse(out, claim.meta, "unknown_device",
             "downlink_claim: device " + *claim.meta.device + " is not in application " +
                 state_->config.application_id);
      return;
    }
    ++c.claims;
    const auto now = state_->services.now();
    auto meta = claim.meta;
    meta.packet_hash = hash_hex(fmt::format("claim|{}|{}|{}", state_->config.application_id, *device,
                                            now.time_since_epoch().count()));
    meta.packet_id = hash_hex("downlink_request|" + *meta.packet_hash);
    meta.time = unix_seconds(now);
    meta.history = false;
    // Answered by an ordinary queued downlink: the device's class decides when it leaves.
    state_->pending.remember(*meta.packet_hash,
                             {state_->config.application_id, *device, 0, now + claim_lifetime, false, true});
    auto msg = render_downlink_request(meta, unix_seconds(now + class_c_delay), std::nullopt, std::nullopt);
    post(out, std::move(msg));
  }

  std::optional<std::string> device_of(const data_api_meta& meta) const {
    if (!meta.device || !state_->services.find_device) return std::nullopt;
    const auto eui = core::eui64::from_hex(*meta.device);
    if (!eui) return std::nullopt;
    return state_->services.find_device(state_->config.application_id, *eui);
  }

  bool push(outbox& out, const downlink_response& r, const std::string& device_id,
            std::optional<network::window_binding> binding) {
    const auto& hash = *r.meta.packet_hash;
    network::application_downlink d;
    d.f_port = r.port;
    if (r.payload) d.frm_payload = *r.payload;
    d.priority = binding ? network::downlink_priority::highest : network::downlink_priority::normal;
    d.confirmed = r.confirmed;
    d.correlation_ids = {packet_correlation_id(hash)};
    d.answers = binding;
    network::downlink_request request{state_->config.application_id, device_id, false, {std::move(d)}};
    if (state_->services.push_downlinks && state_->services.push_downlinks(std::move(request))) return true;
    refuse(out, r.meta, "downlink_unavailable", "packet " + hash + ": no network server takes downlinks");
    return false;
  }

  void refuse(outbox& out, data_api_meta meta, std::string_view code, const std::string& why) {
    if (const auto n = log_.due()) {
      spdlog::warn("connector {}/{}: {} ({}){}", state_->config.application_id, state_->config.name, why,
                   code, core::repeat_note(*n));
    }
    meta.history = false;
    meta.time = unix_seconds(state_->services.now());
    meta.packet_id = hash_hex(fmt::format("error|{}|{}|{}", meta.packet_hash.value_or(""), why, ++answers_));
    post(out, render_notice(message_type::error, std::move(meta), why, code));
  }

  void post(outbox& out, data_api_message msg) {
    if (!state_->config.types.contains(msg.type) && msg.type != message_type::error) return;
    auto topic = expand(*state_, msg);
    if (!out.post({msg.type, std::move(topic), std::move(msg.json)})) ++state_->counters->answers_dropped;
  }

  std::shared_ptr<shared_state> state_;
  core::log_limiter log_;
  std::uint64_t answers_ = 0;
};

}  // namespace

connector_codec make_data_api_codec(const connector_config& config, codec_services services,
                                    std::shared_ptr<downstream_counters> counters) {
  auto state = std::make_shared<shared_state>();
  state->config = config;
  if (auto t = topic_template::parse(config.topic_up)) state->topic = std::move(*t);
  state->services = std::move(services);
  state->counters = counters ? std::move(counters) : std::make_shared<downstream_counters>();
  return {std::make_unique<data_api_renderer>(state), std::make_unique<data_api_downstream>(state)};
}

codec_factory make_data_api_codec_factory(codec_services services,
                                          std::shared_ptr<downstream_counters> counters) {
  return [services = std::move(services), counters = std::move(counters)](const connector_config& config) {
    return make_data_api_codec(config, services, counters);
  };
}

}  // namespace tether::application::connector
