#pragma once
// A minimal MQTT 3.1.1 client for load generation, on one single-threaded io_context and callbacks.
// It pipelines: publishes and acknowledgements are appended to an output buffer that is written in
// one system call per batch, and QoS 1/2 publishes are limited by a window of unacknowledged ones.
// Framing and the decoding of control packets reuse the broker's sans-I/O codec.

#include "mqtt/codec/packet.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tether::bench {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct client_options {
  std::string client_id;
  std::uint16_t keep_alive = 0;  // benchmark runs are short; no PINGREQ needed
  std::size_t read_buffer_size = 64 * 1024;
  std::size_t window = 100;  // QoS 1/2 publishes awaiting PUBACK/PUBCOMP
};

struct client_events {
  // A PUBLISH arrived; its acknowledgement is already queued.
  std::function<void(std::string_view topic, std::span<const std::uint8_t> payload, std::uint8_t qos)>
      on_message;
  // The window opened or a write completed: a publisher may queue more.
  std::function<void()> on_ready;
  // The connection broke or the server broke the protocol; `what` names the step.
  std::function<void(std::string_view what, const boost::system::error_code& ec)> on_error;
};

class mqtt_client {
 public:
  mqtt_client(asio::io_context& io, client_options options, client_events events);
  mqtt_client(const mqtt_client&) = delete;
  mqtt_client& operator=(const mqtt_client&) = delete;

  // TCP connect (bound to `source` when given) and CONNECT; `on_started` gets no error once CONNACK
  // accepts, or the reason the connection failed before that (on_error is then not called).
  void start(const tcp::endpoint& server, std::optional<asio::ip::address> source,
             std::function<void(const boost::system::error_code&)> on_started);
  // One SUBSCRIBE at a time; `on_suback` gets the granted QoS (0x80: refused).
  void subscribe(std::string_view filter, std::uint8_t qos, std::function<void(std::uint8_t)> on_suback);
  // Queues a PUBLISH (written by the next flush). For QoS 1/2 the caller checks window_open() first.
  void publish(std::string_view topic, std::string_view payload, std::uint8_t qos);
  void flush();
  // Sends DISCONNECT, then closes once it is written.
  void disconnect();
  void close() noexcept;

  bool window_open() const noexcept { return inflight_ < options_.window; }
  std::size_t inflight() const noexcept { return inflight_; }
  std::size_t buffered() const noexcept { return out_.size(); }
  bool is_open() const noexcept { return open_; }

 private:
  enum class slot : std::uint8_t { free, awaiting_puback, awaiting_pubrec, awaiting_pubcomp };

  void read_more();
  void on_read(const boost::system::error_code& ec, std::size_t n);
  bool handle_frames();
  bool handle_publish(std::uint8_t first_byte, std::span<const std::uint8_t> body);
  bool handle_control(std::uint8_t first_byte, std::span<const std::uint8_t> body);
  bool handle(const mqtt::codec::connack& p);
  bool handle(const mqtt::codec::suback& p);
  bool handle(const mqtt::codec::puback& p);
  bool handle(const mqtt::codec::pubrec& p);
  bool handle(const mqtt::codec::pubrel& p);
  bool handle(const mqtt::codec::pubcomp& p);
  void on_written(const boost::system::error_code& ec);
  void make_room();
  std::uint16_t take_packet_id(slot state);
  bool complete(std::uint16_t id, slot expected, slot next);
  void fail(std::string_view what, const boost::system::error_code& ec);

  tcp::socket socket_;
  client_options options_;
  client_events events_;
  std::function<void(const boost::system::error_code&)> on_started_;
  std::function<void(std::uint8_t)> on_suback_;

  std::vector<std::uint8_t> in_;
  std::size_t in_begin_ = 0;
  std::size_t in_end_ = 0;
  std::string out_;      // queued since the last write started
  std::string writing_;  // owned by the write in flight
  bool write_in_flight_ = false;

  // Packet ids of QoS 1/2 publishes in flight; allocated on first use so idle clients stay small.
  std::vector<slot> slots_;
  std::uint16_t next_id_ = 0;
  std::size_t inflight_ = 0;
  bool window_moved_ = false;

  bool open_ = false;
  bool closing_ = false;
};

}  // namespace tether::bench
