#pragma once
// A small MQTT 3.1.1 client on one single-threaded io_context and callbacks, shared by the load
// generator (bench/load), `tether sim` and outbound connectors. It pipelines: publishes and
// acknowledgements are appended to an output buffer that is written in one system call per batch,
// and QoS 1/2 publishes are limited by a window of unacknowledged ones. Framing and the decoding of
// control packets reuse the broker's sans-I/O codec.
//
// Lifetime: handlers capture the client, so it must outlive the io_context's run (or the context is
// stopped before the client is destroyed).

#include "mqtt/client/client_error.hpp"
#include "mqtt/client/client_stream.hpp"
#include "mqtt/codec/packet.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tether::mqtt {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct client_options {
  std::string client_id;
  std::uint16_t keep_alive = 0;  // seconds; 0: no PINGREQ (short benchmark runs)
  std::size_t read_buffer_size = 64 * 1024;
  std::size_t window = 100;  // QoS 1/2 publishes awaiting PUBACK/PUBCOMP
  std::optional<std::string> username;
  std::optional<std::string> password;
  bool clean_session = true;
};

using message_handler =
    std::function<void(std::string_view topic, std::span<const std::uint8_t> payload, std::uint8_t qos)>;

struct client_events {
  // A PUBLISH arrived that no subscription's own handler took; its acknowledgement is already queued.
  message_handler on_message;
  // The window opened or a write completed: a publisher may queue more.
  std::function<void()> on_ready;
  // The connection broke or the server broke the protocol; `what` names the step.
  std::function<void(std::string_view what, const boost::system::error_code& ec)> on_error;
  // A QoS 1 publish was acknowledged: the packet id publish() returned for it.
  std::function<void(std::uint16_t packet_id)> on_puback;
};

class client {
 public:
  client(asio::io_context& io, client_options options, client_events events);
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  // TCP connect (bound to `source` when given) and CONNECT; `on_started` gets no error once CONNACK
  // accepts, or the reason the connection failed before that (on_error is then not called). A
  // refused CONNACK is a client_errc with the return code's value.
  void start(const tcp::endpoint& server, std::optional<asio::ip::address> source,
             std::function<void(const boost::system::error_code&)> on_started);
  // The same over TLS, WebSocket or WebSocket over TLS (client_stream.hpp) when `transport` asks for
  // one; a failed handshake (an untrusted certificate, a wrong name, a refused upgrade) reaches
  // `on_started` as its error.
  void start(const tcp::endpoint& server, const client_transport& transport,
             std::function<void(const boost::system::error_code&)> on_started);
  // Sends SUBSCRIBE; `on_suback` gets the granted QoS (0x80: refused). Several may be outstanding.
  // With `on_message`, PUBLISHes whose topic matches `filter` go there instead of events.on_message
  // (the first matching subscription wins).
  void subscribe(std::string_view filter, std::uint8_t qos, std::function<void(std::uint8_t)> on_suback,
                 message_handler on_message = {});
  // Queues a PUBLISH (written by the next flush) and returns its packet id (0 for QoS 0). For QoS 1/2
  // the caller checks window_open() first.
  std::uint16_t publish(std::string_view topic, std::string_view payload, std::uint8_t qos,
                        bool retain = false);
  void flush();
  // Sends DISCONNECT, then closes once it is written.
  void disconnect();
  void close() noexcept;

  bool window_open() const noexcept { return inflight_ < options_.window; }
  std::size_t inflight() const noexcept { return inflight_; }
  std::size_t buffered() const noexcept { return out_.size(); }
  bool is_open() const noexcept { return open_; }
  bool is_connected() const noexcept { return open_ && connected_; }

 private:
  enum class slot : std::uint8_t {
    free,
    awaiting_puback,
    awaiting_pubrec,
    awaiting_pubcomp,
    awaiting_suback
  };

  struct pending_subscribe {
    std::uint16_t packet_id = 0;
    std::function<void(std::uint8_t)> on_suback;
  };
  struct routed_filter {
    std::string filter;
    message_handler on_message;
  };

  void send_connect();
  void read_more();
  void on_read(const boost::system::error_code& ec, std::size_t n);
  bool handle_frames();
  bool handle_publish(std::uint8_t first_byte, std::span<const std::uint8_t> body);
  bool handle_control(std::uint8_t first_byte, std::span<const std::uint8_t> body);
  bool handle(const codec::connack& p);
  bool handle(const codec::suback& p);
  bool handle(const codec::puback& p);
  bool handle(const codec::pubrec& p);
  bool handle(const codec::pubrel& p);
  bool handle(const codec::pubcomp& p);
  void on_written(const boost::system::error_code& ec);
  void make_room();
  void arm_keep_alive();
  std::uint16_t take_packet_id(slot state);
  bool complete(std::uint16_t id, slot expected, slot next);
  void fail(std::string_view what, const boost::system::error_code& ec);

  tcp::socket socket_;
  std::unique_ptr<client_stream> stream_;  // TLS/WebSocket; null on plain TCP (the socket is used as is)
  asio::steady_timer keep_alive_timer_;
  client_options options_;
  client_events events_;
  std::function<void(const boost::system::error_code&)> on_started_;
  std::vector<pending_subscribe> pending_subscribes_;
  std::vector<routed_filter> routes_;  // few per client: a linear scan per PUBLISH is cheap

  std::vector<std::uint8_t> in_;
  std::size_t in_begin_ = 0;
  std::size_t in_end_ = 0;
  std::string out_;      // queued since the last write started
  std::string writing_;  // owned by the write in flight
  bool write_in_flight_ = false;

  // Packet ids of QoS 1/2 publishes and SUBSCRIBEs in flight; allocated on first use so idle clients
  // stay small.
  std::vector<slot> slots_;
  std::uint16_t next_id_ = 0;
  std::size_t inflight_ = 0;  // publishes only: the window does not count SUBSCRIBEs
  bool window_moved_ = false;

  bool open_ = false;
  bool connected_ = false;
  bool closing_ = false;
};

}  // namespace tether::mqtt
