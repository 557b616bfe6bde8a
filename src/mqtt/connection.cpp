#include "mqtt/connection.hpp"

#include "core/log_context.hpp"
#include "mqtt/codec/decoder.hpp"
#include "mqtt/codec/encoder.hpp"

#include <spdlog/spdlog.h>
#include <bit>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>

namespace tether::mqtt {

namespace asio = boost::asio;

namespace {

// The MQTT 5 DISCONNECT reason for a connection the server ends (section 3.14.2.1).
codec::reason_code disconnect_code(disconnect_reason why) {
  switch (why) {
    case disconnect_reason::keep_alive_timeout:
      return codec::reason_code::keep_alive_timeout;
    case disconnect_reason::packet_too_large:
      return codec::reason_code::packet_too_large;
    case disconnect_reason::taken_over:
      return codec::reason_code::session_taken_over;
    case disconnect_reason::revoked:
      return codec::reason_code::administrative_action;
    case disconnect_reason::refused_by_realm:
      return codec::reason_code::not_authorized;
    case disconnect_reason::protocol_error:
      return codec::reason_code::protocol_error;
    default:
      return codec::reason_code::unspecified_error;
  }
}

}  // namespace

connection::connection(worker& home, broker& target, std::unique_ptr<transport> stream)
    : home_(home), broker_(target), transport_(std::move(stream)) {
  if (broker_.owner().counts_traffic()) traffic_ = std::make_unique<traffic_counts>();
}

connection::~connection() = default;

void connection::start() {
  deadline_ = std::chrono::steady_clock::now() + broker_.options().connect_timeout;
  home_.watch(this);
  if (!transport_->has_handshake()) {
    read_next();
    return;
  }
  // Only TLS and WebSocket run a coroutine, and only for their handshake.
  asio::co_spawn(transport_->executor(), transport_->handshake(),
                 [self = shared_from_this()](std::exception_ptr failure, boost::system::error_code ec) {
                   if (failure) ec = asio::error::fault;
                   if (ec) {
                     self->close("handshake failed: " + ec.message());
                     return;
                   }
                   self->read_next();
                 });
}

void connection::read_next() {
  if (phase_ != phase::closed) transport_->read(shared_from_this());
}

void connection::on_read(boost::system::error_code ec, std::span<const std::uint8_t> data) {
  if (phase_ == phase::closed) return;
  if (ec) {
    close(ec == asio::error::eof ? "connection closed by client" : ec.message());
    return;
  }
  broker_.stats().bytes_received.fetch_add(data.size(), std::memory_order_relaxed);
  if (traffic_) traffic_->bytes_read += data.size();
  consume(data);
  finish_batch();
}

void connection::finish_batch() {
  seal_held_acks();
  if (extra_ && extra_->received != 0) {
    broker_.stats().messages_received.fetch_add(extra_->received, std::memory_order_relaxed);
    extra_->received = 0;
  }
  flush();
  if (phase_ == phase::closed) return;
  if (extra_ && !extra_->route.congested.empty()) pause_while_congested();
  if (extra_ && extra_->realm_paused) pause_for_realm();
  if (!reading_paused()) read_next();
}

void connection::resume_reading() {
  if (phase_ == phase::closed || reading_paused()) return;
  if (extra_ && !extra_->pending_in.empty()) {
    consume({});
    finish_batch();
    return;
  }
  read_next();
}

connection::extra_state& connection::extra() {
  if (!extra_) extra_ = std::make_unique<extra_state>();
  return *extra_;
}

std::string_view connection::client_id() const noexcept {
  if (principal_ && !principal_->client_id.empty()) return principal_->client_id;
  return session_ ? std::string_view(session_->client_id()) : std::string_view();
}

void connection::consume(std::span<const std::uint8_t> data) {
  if (!extra_ || extra_->pending_in.empty()) {
    auto used = process(data);
    if (phase_ != phase::closed && used < data.size()) {
      extra().pending_in.assign(reinterpret_cast<const char*>(data.data()) + used, data.size() - used);
    }
    return;
  }
  auto& pending = extra_->pending_in;
  pending.append(reinterpret_cast<const char*>(data.data()), data.size());
  auto used = process({reinterpret_cast<const std::uint8_t*>(pending.data()), pending.size()});
  pending.erase(0, used);
  if (pending.empty()) std::string().swap(pending);  // idle connections hold no buffer
}

// A subscriber's queue is full: stop reading until it has room, so TCP slows the publisher down
// instead of the broker dropping messages. The next read starts when the last of them has room.
void connection::pause_while_congested() {
  auto& state = *extra_;
  auto congested = std::move(state.route.congested);
  state.route.congested.clear();
  state.paused_for = congested.size();
  std::weak_ptr<connection> weak = shared_from_this();
  for (auto& s : congested) {
    s->wait_for_room([weak, exec = transport_->executor()] {
      asio::post(exec, [weak] {
        auto c = weak.lock();
        if (c && c->extra_->paused_for > 0 && --c->extra_->paused_for == 0) c->resume_reading();
      });
    });
  }
}

// The realm's consumer is behind (a gateway realm's network core): stop reading until it has room, so
// the burst waits in TCP and in the client instead of in an unbounded queue here.
void connection::pause_for_realm() {
  std::weak_ptr<connection> weak = shared_from_this();
  broker_.owner().when_room(*principal_, [weak, exec = transport_->executor()] {
    asio::post(exec, [weak] {
      auto c = weak.lock();
      if (!c || !c->extra_ || !c->extra_->realm_paused) return;
      c->extra_->realm_paused = false;
      c->resume_reading();
    });
  });
}

std::size_t connection::process(std::span<const std::uint8_t> data) {
  std::size_t used = 0;
  const auto max_packet = broker_.options().max_packet_size;
  while (phase_ != phase::closed && !close_after_write_ && !(extra_ && extra_->realm_paused)) {
    auto f = codec::find_frame(data.subspan(used), max_packet);
    if (f.status == codec::frame_status::incomplete) break;
    if (f.status == codec::frame_status::error) {
      const bool too_large = f.error == codec::codec_error::packet_too_large;
      fail(codec::reason_for(f.error), "protocol error: " + f.error.message(),
           too_large ? disconnect_reason::packet_too_large : disconnect_reason::protocol_error);
      break;
    }
    auto body = data.subspan(used + f.value.header_size, f.value.body_size);
    used += f.value.total_size();
    auto decoded = codec::decode_client_packet(f.value.first_byte, body, version_);
    if (!decoded) {
      if (phase_ == phase::awaiting_connect &&
          decoded.error() == codec::codec_error::unsupported_protocol_version) {
        refuse(codec::connack_code::unacceptable_protocol_version, "unsupported protocol version");
      } else {
        fail(codec::reason_for(decoded.error()), "protocol error: " + decoded.error().message(),
             disconnect_reason::protocol_error);
      }
      break;
    }
    dispatch(*decoded);
  }
  return used;
}

void connection::dispatch(codec::packet& p) {
  if (phase_ == phase::awaiting_connect && !std::holds_alternative<codec::connect>(p)) {
    close("protocol error: first packet is not CONNECT");  // [MQTT-3.1.0-1]
    return;
  }
  if (keep_alive_ms_ != 0)
    deadline_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(keep_alive_ms_);
  std::visit(
      [this](auto& packet) {
        using T = std::decay_t<decltype(packet)>;
        if constexpr (std::is_same_v<T, codec::connect>) {
          if (phase_ != phase::awaiting_connect) {
            close("protocol error: second CONNECT");  // [MQTT-3.1.0-2]
          } else {
            handle_connect(packet);
          }
        } else if constexpr (std::is_same_v<T, codec::publish>) {
          handle_publish(packet);
        } else if constexpr (std::is_same_v<T, codec::puback>) {
          handle_puback(packet);
        } else if constexpr (std::is_same_v<T, codec::pubrec>) {
          handle_pubrec(packet);
        } else if constexpr (std::is_same_v<T, codec::pubrel>) {
          handle_pubrel(packet);
        } else if constexpr (std::is_same_v<T, codec::pubcomp>) {
          handle_pubcomp(packet);
        } else if constexpr (std::is_same_v<T, codec::subscribe>) {
          handle_subscribe(packet);
        } else if constexpr (std::is_same_v<T, codec::unsubscribe>) {
          handle_unsubscribe(packet);
        } else if constexpr (std::is_same_v<T, codec::pingreq>) {
          send(codec::pingresp{});
        } else if constexpr (std::is_same_v<T, codec::disconnect>) {
          handle_disconnect(packet);
        } else {
          close("protocol error: a client may not send this packet");
        }
      },
      p);
}

void connection::check_deadline(std::chrono::steady_clock::time_point now) {
  // A connection this side stopped reading may not have been able to tell that it is alive.
  if (phase_ == phase::closed || now < deadline_ || reading_paused()) return;
  if (phase_ == phase::awaiting_connect) {
    close("no CONNECT in time");
  } else if (keep_alive_ms_ != 0) {
    // 1.5 × the keep-alive without a packet [MQTT-3.1.2-24]
    close("keep-alive timeout", false, false, disconnect_reason::keep_alive_timeout);
  }
}

void connection::send(const codec::packet& p) { codec::encode(p, version_, tx_); }

void connection::wake() {
  asio::post(transport_->executor(), [self = shared_from_this()] { self->flush(); });
}

void connection::kick(std::string reason) { kick_for(disconnect_reason::revoked, std::move(reason)); }

void connection::kick_for(disconnect_reason why, std::string reason) {
  asio::post(transport_->executor(), [self = shared_from_this(), why, reason = std::move(reason)] {
    self->close(reason, false, false, why);
  });
}

void connection::flush() {
  if (socket_closed_) return;
  const auto limit = broker_.options().write_buffer_bytes;
  if (session_ && phase_ == phase::connected) {
    if (tx_.size() < limit) {
      std::size_t sent = 0;
      session::drain_skips skips;
      more_queued_ = session_->drain(this, tx_, version_, limit, sent, &skips);
      if (sent) broker_.stats().messages_sent.fetch_add(sent, std::memory_order_relaxed);
      if (traffic_) traffic_->messages_written += sent;
      if (skips.expired + skips.too_large != 0) count_skips(skips);
    } else {
      // Woken with no room to drain: the session will not wake us again (its wake is pending until
      // a drain), so drain once the write in progress completes.
      more_queued_ = true;
    }
  }
  if (!writing_ && !tx_.empty()) start_write();
}

// Messages the session skipped for this client: expired, or over its Maximum Packet Size.
void connection::count_skips(const session::drain_skips& skips) {
  auto& stats = broker_.stats();
  for (std::size_t i = 0; i < skips.expired; ++i) stats.count_drop(drop_reason::message_expired);
  for (std::size_t i = 0; i < skips.too_large; ++i) stats.count_drop(drop_reason::too_large_for_client);
  // Logged at the 1st, 2nd, 4th, ... drop of a session, so a flood cannot flood the log.
  const auto n = session_->dropped();
  const auto before = n - skips.expired - skips.too_large;
  if (std::bit_floor(n) > before) {
    spdlog::warn(
        "[{}] {}: {} expired and {} too large for its maximum packet size not delivered ({} dropped so far)",
        broker_.owner().name(), client_id(), skips.expired, skips.too_large, n);
  }
}

void connection::start_write() {
  writing_ = true;
  tx_.swap(tx_writing_);
  transport_->write(asio::buffer(tx_writing_),
                    [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                      self->broker_.stats().bytes_sent.fetch_add(n, std::memory_order_relaxed);
                      if (self->traffic_) self->traffic_->bytes_written += n;
                      self->on_written(ec);
                    });
}

void connection::on_written(boost::system::error_code ec) {
  writing_ = false;
  tx_writing_.clear();
  if (tx_writing_.capacity() > 4 * broker_.options().write_buffer_bytes) std::string().swap(tx_writing_);
  if (ec) {
    close("write failed: " + ec.message());
    finish_close();
    return;
  }
  if (more_queued_) {
    flush();
  } else if (!tx_.empty()) {
    start_write();
  }
  if (!writing_) {
    if (close_after_write_ || phase_ == phase::closed) {
      finish_close();
    } else if (tx_writing_.capacity() > 0 && tx_.empty()) {
      std::string().swap(tx_writing_);  // idle: give the memory back
    }
  }
}

void connection::close(std::string_view reason, bool graceful, bool after_write, disconnect_reason why) {
  if (phase_ == phase::closed) return;
  const bool was_connected = phase_ == phase::connected;
  const auto remote = transport_->remote_address();
  // A copy: client_id() may view the session's string, and session_.reset() below can free it while
  // the scope still shows it to every log line.
  const std::string id(client_id());
  const core::log_scope scope{
      {"realm", broker_.owner().name()}, {"client_id", id}, {"remote_address", remote}};
  phase_ = phase::closed;
  home_.unwatch(this);
  if (graceful) {
    spdlog::debug("[{}] {} ({}): {}", broker_.owner().name(), id, remote, reason);
  } else {
    spdlog::info("[{}] closing {} ({}): {}", broker_.owner().name(), id.empty() ? "-" : id, remote, reason);
    if (reason.starts_with("protocol error")) {
      broker_.stats().protocol_errors.fetch_add(1, std::memory_order_relaxed);
      if (why == disconnect_reason::connection_lost) why = disconnect_reason::protocol_error;
    }
  }
  if (graceful) why = disconnect_reason::client_disconnect;
  if (was_connected && v5_ && !graceful && why != disconnect_reason::connection_lost) {
    send_disconnect(disconnect_code(why), reason);  // the server says why [MQTT-4.13.2-1]
    after_write = true;
  }
  if (was_connected) {
    if (!graceful) publish_will();
    broker_.close_session(session_, this, v5_ && v5_->session_expiry == 0);
    disconnect_info info{.reason = why, .detail = reason};
    if (traffic_) {
      info.bytes_read = traffic_->bytes_read;
      info.messages_read = traffic_->messages_read;
      info.bytes_written = traffic_->bytes_written;
      info.messages_written = traffic_->messages_written;
    }
    broker_.owner().on_closed(*principal_, info);
  }
  session_.reset();
  if (after_write && (writing_ || !tx_.empty())) {
    close_after_write_ = true;
    if (!writing_) start_write();
    return;
  }
  finish_close();
}

void connection::finish_close() {
  if (socket_closed_) return;
  socket_closed_ = true;
  transport_->close();
}

}  // namespace tether::mqtt
