// CONNECT: client ID rules, authentication by the realm, session takeover, CONNACK.

#include "mqtt/connection.hpp"

#include "core/log_context.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <random>

namespace tether::mqtt {

namespace {

std::string generated_client_id() {
  static std::atomic<std::uint64_t> counter{0};
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return fmt::format("auto-{:016x}{:04x}", rng(), counter.fetch_add(1) & 0xffff);
}

}  // namespace

bool connection::accept_client_id(codec::connect& c) {
  if (c.version == codec::protocol_version::v3_1) {
    // MQTT 3.1 requires 1..23 characters.
    if (c.client_id.empty() || c.client_id.size() > 23) {
      refuse(codec::connack_code::identifier_rejected, "client ID must have 1 to 23 characters in MQTT 3.1",
             c.client_id);
      return false;
    }
    return true;
  }
  if (c.client_id.empty()) {
    if (!c.clean_session) {  // [MQTT-3.1.3-7], [MQTT-3.1.3-8]
      refuse(codec::connack_code::identifier_rejected, "empty client ID needs a clean session", c.client_id);
      return false;
    }
    c.client_id = generated_client_id();  // [MQTT-3.1.3-6]
  }
  return true;
}

// The connection has no principal yet, so the refused client ID (if known) goes into the reason.
void connection::refuse(codec::connack_code code, std::string_view why, std::string_view client_id) {
  broker_.stats().count_refusal(static_cast<std::uint8_t>(code));
  const core::log_scope scope{{"client_id", client_id}};
  send(codec::connack{false, code});
  close(client_id.empty() ? fmt::format("connection refused (CONNACK {}): {}", static_cast<int>(code), why)
                          : fmt::format("connection refused (CONNACK {}) to '{}': {}", static_cast<int>(code),
                                        client_id, why),
        false, true);
}

void connection::handle_connect(codec::connect& c) {
  if (c.version == codec::protocol_version::v5) {  // the codec speaks 5.0; the engine does not yet
    refuse(codec::connack_code::unacceptable_protocol_version, "unsupported protocol version");
    return;
  }
  version_ = c.version;
  if (!accept_client_id(c)) return;

  connect_request request;
  request.version = c.version;
  request.client_id = c.client_id;
  if (c.username) request.username = *c.username;
  if (c.password) request.password = *c.password;
  const auto remote = transport_->remote_address();
  request.remote_address = remote;
  request.secure = transport_->secure();
  request.websocket = transport_->websocket();
  request.clean_session = c.clean_session;
  request.local_port = transport_->local_port();
  auto auth = broker_.owner().authenticate(request);
  if (!auth.who) {
    refuse(auth.refusal, auth.reason, c.client_id);
    return;
  }
  principal_ = std::move(auth.who);

  const auto& session_id = principal_->session_id.empty() ? c.client_id : principal_->session_id;
  const bool clean = c.clean_session || principal_->ephemeral;
  auto grant = broker_.open_session(session_id, clean, shared_from_this(), principal_);
  session_ = std::move(grant.state);
  if (grant.taken_over)
    grant.taken_over->kick_for(disconnect_reason::taken_over, "session taken over by a new connection");

  if (c.keep_alive != 0) {
    // The server closes after one and a half keep-alive periods of silence [MQTT-3.1.2-24].
    keep_alive_ms_ = std::uint32_t{c.keep_alive} * 1500;
    deadline_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(keep_alive_ms_);
  } else {
    keep_alive_ms_ = 0;
    deadline_ = std::chrono::steady_clock::time_point::max();
  }
  if (c.will) {
    if (!broker_.owner().keeps_retain_flag()) c.will->retain = false;
    extra().will = std::move(c.will);
  }
  phase_ = phase::connected;
  const bool present = grant.present && c.version != codec::protocol_version::v3_1;
  send(codec::connack{present, codec::connack_code::accepted});
  spdlog::debug("[{}] {} connected from {} (clean={}, keep-alive={}s, session present={})",
                broker_.owner().name(), c.client_id, remote, c.clean_session, c.keep_alive, present);
  broker_.owner().on_connect(*principal_);
}

void connection::publish_will() {
  if (!extra_ || !extra_->will) return;
  auto will = std::move(*extra_->will);
  extra_->will.reset();  // published at most once
  if (!broker_.owner().authorize_publish(*principal_, will.topic)) {
    spdlog::info("[{}] will of {} on '{}' not published: not authorized", broker_.owner().name(), client_id(),
                 will.topic);
    return;
  }
  auto msg = make_message(mounted(std::move(will.topic)), std::move(will.payload), will.qos, will.retain);
  if (broker_.owner().on_publish(*principal_, *msg) == publish_action::route) {
    route_outcome outcome;
    broker_.route(msg, home_.index(), outcome);
  }
}

}  // namespace tether::mqtt

namespace tether::mqtt {

std::string connection::mounted(std::string topic) const {
  if (!principal_ || principal_->topic_map.empty()) return topic;
  return to_broker_topic(*principal_, std::move(topic));
}

}  // namespace tether::mqtt
