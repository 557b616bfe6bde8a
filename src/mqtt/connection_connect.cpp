// CONNECT: client ID rules, authentication by the realm, session takeover, CONNACK.

#include "mqtt/connection.hpp"

#include "core/log_context.hpp"
#include "mqtt/codec/encoder.hpp"

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
    if (!c.clean_session && !v5()) {  // [MQTT-3.1.3-7], [MQTT-3.1.3-8]; 5.0 allows it (section 3.1.3.1)
      refuse(codec::connack_code::identifier_rejected, "empty client ID needs a clean session", c.client_id);
      return false;
    }
    c.client_id = generated_client_id();  // [MQTT-3.1.3-6]
  }
  return true;
}

// The connection has no principal yet, so the refused client ID (if known) goes into the reason.
void connection::refuse(codec::connack_code code, std::string_view why, std::string_view client_id,
                        codec::reason_code reason) {
  broker_.stats().count_refusal(static_cast<std::uint8_t>(code));
  const core::log_scope scope{{"client_id", client_id}};
  send(codec::connack{false, code, reason, {}});
  const int shown =
      v5() ? static_cast<int>(reason != codec::reason_code::success ? reason : to_reason_code(code))
           : static_cast<int>(code);
  close(client_id.empty()
            ? fmt::format("connection refused (CONNACK {:#04x}): {}", shown, why)
            : fmt::format("connection refused (CONNACK {:#04x}) to '{}': {}", shown, client_id, why),
        false, true);
}

void connection::handle_connect(codec::connect& c) {
  version_ = c.version;
  if (v5() && !accept_v5_connect(c)) return;
  const bool assigned_id = c.client_id.empty();
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
  // 5.0 splits Clean Session in two: Clean Start, and a Session Expiry Interval above 0 to keep it.
  const bool persistent = !principal_->ephemeral && (v5() ? v5_->session_expiry != 0 : !clean);
  auto grant = broker_.open_session(session_id, clean, persistent, shared_from_this(), principal_);
  session_ = std::move(grant.state);
  if (grant.taken_over)
    grant.taken_over->kick_for(disconnect_reason::taken_over, "session taken over by a new connection");
  session::delivery_limits limits;
  if (v5()) limits = {c.properties.receive_maximum.value_or(0), v5_->max_packet_size};
  session_->set_delivery_limits(limits);

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
  const bool present = grant.present && c.version != codec::protocol_version::v3_1;
  codec::connack ack{present, codec::connack_code::accepted, codec::reason_code::success, {}};
  if (v5()) ack.properties = connack_properties(c, assigned_id);
  std::string bytes;
  codec::encode(ack, version_, bytes);
  if (v5() && !fit_connack(ack, bytes)) {
    broker_.close_session(session_, this);
    session_.reset();
    close(fmt::format("protocol error: CONNACK does not fit the client's maximum packet size of {}",
                      v5_->max_packet_size));
    return;
  }
  phase_ = phase::connected;
  tx_ += bytes;
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
  auto msg = std::make_shared<message>(
      message{mounted(std::move(will.topic)), std::move(will.payload), will.qos, will.retain, {}, {}});
  const auto delay = will.properties.will_delay_interval.value_or(0);
  if (v5_) msg->extras = extras_of(will.properties);
  // 5.0: a Will Delay Interval holds the will back while the session lives on (section 3.1.3.2.2).
  if (v5_ && delay != 0 && session_ && v5_->session_expiry != 0) {
    schedule_will(std::move(msg), std::min(delay, v5_->session_expiry));
    return;
  }
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
