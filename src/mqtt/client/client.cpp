#include "mqtt/client/client.hpp"

#include "mqtt/codec/decoder.hpp"
#include "mqtt/codec/encoder.hpp"
#include "mqtt/codec/topic.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>

#include <netinet/in.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <utility>

namespace tether::mqtt {
using boost::system::error_code;

namespace {

constexpr auto version = codec::protocol_version::v3_1_1;
constexpr std::size_t max_packet_size = 16 * 1024 * 1024;

error_code protocol_error() { return make_error_code(client_errc::protocol_violation); }
error_code malformed() { return make_error_code(codec::codec_error::truncated); }

std::uint16_t read_u16(const std::uint8_t* p) noexcept {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

// Lets many sockets share one source address: the port is picked at connect() from the full
// 4-tuple instead of at bind(), so 127.0.0.x addresses are not limited by the ephemeral port range.
void bind_without_port(tcp::socket& s, const asio::ip::address& source) {
#ifdef IP_BIND_ADDRESS_NO_PORT
  int one = 1;
  ::setsockopt(s.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
#endif
  s.bind(tcp::endpoint(source, 0));
}

}  // namespace

client::client(asio::io_context& io, client_options options, client_events events)
    : socket_(io), keep_alive_timer_(io), options_(std::move(options)), events_(std::move(events)) {}

void client::start(const tcp::endpoint& server, std::optional<asio::ip::address> source,
                   std::function<void(const error_code&)> on_started) {
  on_started_ = std::move(on_started);
  error_code ec;
  socket_.open(server.protocol(), ec);
  if (!ec && source) {
    try {
      bind_without_port(socket_, *source);
    } catch (const boost::system::system_error& e) {
      ec = e.code();
    }
  }
  if (ec) return fail("open", ec);
  open_ = true;
  socket_.async_connect(server, [this](const error_code& ec) {
    if (ec) return fail("connect", ec);
    // The client batches its own writes; Nagle would only delay acknowledgements.
    socket_.set_option(tcp::no_delay(true));
    if (!stream_) return send_connect();
    stream_->handshake([this](const error_code& ec) {
      if (ec) return fail("handshake", ec);
      send_connect();
    });
  });
}

void client::start(const tcp::endpoint& server, const client_transport& transport,
                   std::function<void(const error_code&)> on_started) {
  if (transport.type != client_transport::kind::tcp) {
    try {
      stream_ = make_client_stream(socket_, transport);
    } catch (const boost::system::system_error& e) {
      on_started_ = std::move(on_started);
      return fail("tls context", e.code());
    }
  }
  start(server, std::nullopt, std::move(on_started));
}

void client::send_connect() {
  codec::connect c;
  c.client_id = options_.client_id;
  c.keep_alive = options_.keep_alive;
  c.clean_session = options_.clean_session;
  c.username = options_.username;
  c.password = options_.password;
  codec::encode(c, version, out_);
  flush();
  in_.resize(options_.read_buffer_size);
  read_more();
}

void client::subscribe(std::string_view filter, std::uint8_t qos, std::function<void(std::uint8_t)> on_suback,
                       message_handler on_message) {
  codec::subscribe s;
  s.packet_id = take_packet_id(slot::awaiting_suback);
  s.subscriptions.push_back({std::string(filter), qos});
  pending_subscribes_.push_back({s.packet_id, std::move(on_suback)});
  if (on_message) routes_.push_back({std::string(filter), std::move(on_message)});
  codec::encode(s, version, out_);
  flush();
}

std::uint16_t client::publish(std::string_view topic, std::string_view payload, std::uint8_t qos,
                              bool retain) {
  std::uint16_t id = 0;
  if (qos > 0) {
    id = take_packet_id(qos == 1 ? slot::awaiting_puback : slot::awaiting_pubrec);
    ++inflight_;
  }
  codec::encode_publish(topic, payload, qos, retain, false, id, version, out_);
  return id;
}

std::uint16_t client::take_packet_id(slot state) {
  if (slots_.empty()) slots_.assign(65536, slot::free);
  // Acknowledgements mostly come back in order, so the next id is almost always free at once.
  do {
    ++next_id_;
    if (next_id_ == 0) next_id_ = 1;
  } while (slots_[next_id_] != slot::free);
  slots_[next_id_] = state;
  return next_id_;
}

void client::flush() {
  if (write_in_flight_ || out_.empty() || !open_) return;
  std::swap(out_, writing_);
  out_.clear();
  write_in_flight_ = true;
  auto done = [this](const error_code& ec, std::size_t) { on_written(ec); };
  if (stream_) return stream_->write(asio::buffer(writing_), done);
  asio::async_write(socket_, asio::buffer(writing_), done);
}

void client::on_written(const error_code& ec) {
  write_in_flight_ = false;
  writing_.clear();
  if (ec) return fail("write", ec);
  if (closing_ && out_.empty()) return close();
  flush();
  if (events_.on_ready) events_.on_ready();
}

void client::disconnect() {
  if (!open_ || closing_) return;
  closing_ = true;
  codec::encode(codec::disconnect{}, version, out_);
  flush();
}

void client::close() noexcept {
  if (!open_) return;
  open_ = false;
  connected_ = false;
  keep_alive_timer_.cancel();
  error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

void client::fail(std::string_view what, const error_code& ec) {
  bool expected = closing_ || !open_;
  close();
  if (on_started_) return std::exchange(on_started_, nullptr)(ec);
  if (!expected && events_.on_error) events_.on_error(what, ec);
}

void client::read_more() {
  auto buffer = asio::buffer(in_.data() + in_end_, in_.size() - in_end_);
  auto done = [this](const error_code& ec, std::size_t n) { on_read(ec, n); };
  if (stream_) return stream_->read_some(buffer, done);
  socket_.async_read_some(buffer, done);
}

void client::on_read(const error_code& ec, std::size_t n) {
  if (ec) return fail("read", ec);
  in_end_ += n;
  window_moved_ = false;
  if (!handle_frames()) return;
  make_room();
  flush();  // acknowledgements of the whole batch in one write
  if (window_moved_ && events_.on_ready) events_.on_ready();
  if (open_) read_more();
}

// Moves a partial packet to the front, and grows the buffer when one packet does not fit.
void client::make_room() {
  if (in_begin_ == in_end_) {
    in_begin_ = in_end_ = 0;
    return;
  }
  if (in_begin_ > 0) {
    std::memmove(in_.data(), in_.data() + in_begin_, in_end_ - in_begin_);
    in_end_ -= in_begin_;
    in_begin_ = 0;
  }
  if (in_end_ == in_.size()) in_.resize(in_.size() * 2);
}

bool client::handle_frames() {
  while (in_begin_ < in_end_) {
    std::span<const std::uint8_t> avail(in_.data() + in_begin_, in_end_ - in_begin_);
    auto f = codec::find_frame(avail, max_packet_size);
    if (f.status == codec::frame_status::incomplete) return true;
    if (f.status == codec::frame_status::error) {
      fail("frame", f.error);
      return false;
    }
    auto body = avail.subspan(f.value.header_size, f.value.body_size);
    bool ok = (f.value.first_byte >> 4) == static_cast<int>(codec::packet_type::publish)
                  ? handle_publish(f.value.first_byte, body)
                  : handle_control(f.value.first_byte, body);
    if (!ok) return false;
    in_begin_ += f.value.total_size();
  }
  return true;
}

// The hot path of a subscriber, parsed in place: the codec's decoder would copy topic and payload
// into strings and validate the topic's UTF-8, work a load generator should not spend per message.
bool client::handle_publish(std::uint8_t first_byte, std::span<const std::uint8_t> body) {
  auto qos = static_cast<std::uint8_t>((first_byte >> 1) & 0x03);
  if (body.size() < 2) return fail("publish", malformed()), false;
  std::size_t topic_size = read_u16(body.data());
  std::size_t pos = 2 + topic_size + (qos > 0 ? 2 : 0);
  if (qos == 3 || pos > body.size()) return fail("publish", malformed()), false;
  std::string_view topic(reinterpret_cast<const char*>(body.data() + 2), topic_size);
  if (qos == 1) codec::encode(codec::puback{read_u16(body.data() + 2 + topic_size)}, version, out_);
  if (qos == 2) codec::encode(codec::pubrec{read_u16(body.data() + 2 + topic_size)}, version, out_);
  auto payload = body.subspan(pos);
  for (auto& r : routes_) {
    if (codec::topic_matches(r.filter, topic)) {
      r.on_message(topic, payload, qos);
      return true;
    }
  }
  if (events_.on_message) events_.on_message(topic, payload, qos);
  return true;
}

bool client::handle_control(std::uint8_t first_byte, std::span<const std::uint8_t> body) {
  auto p = codec::decode_server_packet(first_byte, body, version);
  if (!p) return fail("decode", p.error()), false;
  bool ok = std::visit(
      [this](const auto& packet) {
        using T = std::decay_t<decltype(packet)>;
        if constexpr (std::is_same_v<T, codec::pingresp>) {
          return true;
        } else if constexpr (requires { handle(packet); }) {
          return handle(packet);
        } else {
          return false;
        }
      },
      *p);
  if (!ok && open_) fail("unexpected packet", protocol_error());
  return ok;
}

bool client::handle(const codec::connack& p) {
  if (connected_) return false;
  if (p.code != codec::connack_code::accepted) {
    fail("connack", make_error_code(static_cast<client_errc>(p.code)));
    return false;
  }
  connected_ = true;
  arm_keep_alive();
  if (on_started_) std::exchange(on_started_, nullptr)(error_code{});
  return true;
}

bool client::handle(const codec::suback& p) {
  auto it = std::find_if(pending_subscribes_.begin(), pending_subscribes_.end(),
                         [&](const pending_subscribe& s) { return s.packet_id == p.packet_id; });
  if (it == pending_subscribes_.end() || p.return_codes.empty()) return false;
  if (!complete(p.packet_id, slot::awaiting_suback, slot::free)) return false;
  auto on_suback = std::move(it->on_suback);
  pending_subscribes_.erase(it);
  if (on_suback) on_suback(p.return_codes.front());
  return true;
}

// One PINGREQ per keep-alive period, whatever else was sent: simpler than tracking idleness, and a
// few bytes per period cost nothing.
void client::arm_keep_alive() {
  if (options_.keep_alive == 0) return;
  keep_alive_timer_.expires_after(std::chrono::seconds(options_.keep_alive));
  keep_alive_timer_.async_wait([this](const error_code& ec) {
    if (ec || !open_) return;
    codec::encode(codec::pingreq{}, version, out_);
    flush();
    arm_keep_alive();
  });
}

bool client::handle(const codec::puback& p) {
  if (!complete(p.packet_id, slot::awaiting_puback, slot::free)) return false;
  if (events_.on_puback) events_.on_puback(p.packet_id);
  return true;
}

bool client::handle(const codec::pubrec& p) {
  if (!complete(p.packet_id, slot::awaiting_pubrec, slot::awaiting_pubcomp)) return false;
  codec::encode(codec::pubrel{p.packet_id}, version, out_);
  return true;
}

// The receiving half of QoS 2: the message was handed over at PUBLISH; PUBREL only needs PUBCOMP.
bool client::handle(const codec::pubrel& p) {
  codec::encode(codec::pubcomp{p.packet_id}, version, out_);
  return true;
}

bool client::handle(const codec::pubcomp& p) {
  return complete(p.packet_id, slot::awaiting_pubcomp, slot::free);
}

// Moves a packet id from `expected` to `next`; an acknowledgement for an id not in that state is a
// protocol error of the server.
bool client::complete(std::uint16_t id, slot expected, slot next) {
  if (slots_.empty() || slots_[id] != expected) return false;
  slots_[id] = next;
  if (next == slot::free && expected != slot::awaiting_suback) {
    --inflight_;
    window_moved_ = true;
  }
  return true;
}

}  // namespace tether::mqtt
