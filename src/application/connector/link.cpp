#include "application/connector/link.hpp"

#include "mqtt/client/client.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <utility>

namespace tether::application::connector {
namespace asio = boost::asio;
using boost::system::error_code;
using tcp = asio::ip::tcp;

namespace {

mqtt::client_transport transport_of(const connector_config& c) {
  mqtt::client_transport t;
  switch (c.broker.scheme) {
    case uri_scheme::mqtt:
      t.type = mqtt::client_transport::kind::tcp;
      break;
    case uri_scheme::mqtts:
      t.type = mqtt::client_transport::kind::tls;
      break;
    case uri_scheme::ws:
      t.type = mqtt::client_transport::kind::websocket;
      break;
    case uri_scheme::wss:
      t.type = mqtt::client_transport::kind::websocket_tls;
      break;
  }
  t.host = c.broker.host;
  t.path = c.broker.path;
  t.ca_file = c.ca_file;
  return t;
}

std::string label(const connector_config& c) { return c.application_id + "/" + c.name; }

}  // namespace

link::link(asio::io_context& io, event_stream& stream, connector_config config, connector_codec codec,
           link_options options)
    : io_(io),
      stream_(stream),
      config_(std::move(config)),
      codec_(std::move(codec)),
      options_(options),
      reader_(reader_name(config_)),
      resolver_(io),
      retry_timer_(io),
      connect_timer_(io),
      tick_timer_(io),
      backoff_(options.backoff_min) {}

link::~link() = default;

std::string link::reader_name(const connector_config& config) { return "connector/" + config.name; }

void link::start() {
  auto saved = stream_.find_cursor(reader_, config_.application_id);
  if (!saved) {
    // New connector: from now on, and remembered at once so a restart does not replay history.
    saved = stream_.last_seq(config_.application_id);
    stream_.save_cursor(reader_, config_.application_id, *saved);
  }
  acked_seq_ = saved_seq_ = read_after_ = *saved;
  counters_.cursor = saved_seq_;
  spdlog::info("connector {}: to {}:{} from event #{}", label(config_), config_.broker.host,
               config_.broker.port, saved_seq_);
  arm_tick();
  attempt();
}

void link::stop_async() {
  asio::post(io_, [self = shared_from_this()] {
    if (self->state_ == state::stopped) return;
    self->state_ = state::stopped;
    self->save_cursor();
    if (self->client_ && self->client_->is_connected()) self->client_->disconnect();
    self->retire_client();
    self->resolver_.cancel();
    self->retry_timer_.cancel();
    self->connect_timer_.cancel();
    self->tick_timer_.cancel();
    spdlog::info("connector {}: stopped at event #{}", label(self->config_), self->saved_seq_);
  });
}

void link::wake() {
  if (wake_pending_.exchange(true)) return;
  asio::post(io_, [self = shared_from_this()] {
    self->wake_pending_ = false;
    self->fill();
  });
}

bool link::post(rendered_message message) {
  {
    std::lock_guard lock(outbox_mutex_);
    if (outbox_.size() >= options_.outbox_capacity) {
      ++counters_.outbox_dropped;
      if (auto n = outbox_log_.due())
        spdlog::warn("connector {}: outbox full, dropped a {} message (outbox_full){}", label(config_),
                     message.topic, core::repeat_note(*n));
      return false;
    }
    outbox_.push_back(std::move(message));
  }
  wake();
  return true;
}

// --- connecting ----------------------------------------------------------------------------------

void link::attempt() {
  if (state_ == state::stopped) return;
  state_ = state::connecting;
  auto id = ++attempt_id_;
  connect_timer_.expires_after(options_.connect_timeout);
  connect_timer_.async_wait([self = shared_from_this(), id](const error_code& ec) {
    if (ec || id != self->attempt_id_ || self->state_ != state::connecting) return;
    self->attempt_failed("connect", make_error_code(boost::system::errc::timed_out));
  });
  resolver_.async_resolve(
      config_.broker.host, std::to_string(config_.broker.port),
      [self = shared_from_this(), id](const error_code& ec, tcp::resolver::results_type r) {
        if (id != self->attempt_id_ || self->state_ != state::connecting) return;
        if (ec || r.empty()) return self->attempt_failed("resolve", ec);
        self->endpoints_.clear();
        for (const auto& e : r) self->endpoints_.push_back(e.endpoint());
        self->next_endpoint_ = 0;
        self->connect_next();
      });
}

// Connects to the next address of the host (localhost may be ::1 before 127.0.0.1); the attempt
// fails once every address failed.
void link::connect_next() {
  const auto endpoint = endpoints_.at(next_endpoint_++);
  mqtt::client_options o;
  o.client_id =
      config_.client_id.empty() ? "tether-" + config_.application_id + "-" + config_.name : config_.client_id;
  o.keep_alive = options_.keep_alive;
  o.window = options_.window;
  o.username = config_.broker.username;
  o.password = config_.broker.password;
  auto* self = this;
  mqtt::client_events events;
  events.on_ready = [self] { self->fill(); };
  events.on_puback = [self](std::uint16_t id) { self->on_puback(id); };
  events.on_error = [self](std::string_view what, const error_code& ec) { self->broken(what, ec); };
  events.on_message = [self](std::string_view topic, std::span<const std::uint8_t> payload, std::uint8_t) {
    self->on_downstream(topic, payload);
  };
  client_ = std::make_unique<mqtt::client>(io_, std::move(o), std::move(events));
  auto id = attempt_id_;
  client_->start(endpoint, transport_of(config_), [self = shared_from_this(), id](const error_code& ec) {
    if (id != self->attempt_id_ || self->state_ != state::connecting) return;
    if (ec && self->next_endpoint_ < self->endpoints_.size()) {
      self->retire_client();
      return self->connect_next();
    }
    if (ec) return self->attempt_failed("connect", ec);
    self->on_connected();
  });
}

void link::on_connected() {
  connect_timer_.cancel();
  state_ = state::connected;
  ++counters_.connects;
  backoff_ = options_.backoff_min;
  // What the stream holds now was produced before this connection: history.
  history_until_ = stream_.last_seq(config_.application_id);
  spdlog::info("connector {}: connected to {}:{}, replaying events #{}..#{}", label(config_),
               config_.broker.host, config_.broker.port, acked_seq_ + 1, history_until_);
  if (!config_.topic_down.empty()) {
    client_->subscribe(config_.topic_down, 1, [self = shared_from_this()](std::uint8_t granted) {
      if (granted == 0x80)
        spdlog::warn("connector {}: subscription to {} refused", label(self->config_),
                     self->config_.topic_down);
    });
  }
  fill();
}

void link::attempt_failed(std::string_view what, const error_code& ec) {
  ++counters_.connect_failures;
  if (auto n = connect_log_.due())
    spdlog::warn("connector {}: {} to {}:{} failed: {}; next attempt in {} ms{}", label(config_), what,
                 config_.broker.host, config_.broker.port, ec.message(), backoff_.count(),
                 core::repeat_note(*n));
  retire_client();
  requeue();
  schedule_attempt();
  backoff_ = std::min(backoff_ * 2, options_.backoff_max);
}

void link::broken(std::string_view what, const error_code& ec) {
  if (state_ == state::connecting) return attempt_failed(what, ec);
  if (state_ != state::connected) return;
  ++counters_.link_errors;
  spdlog::warn("connector {}: link lost ({}: {}), {} unacknowledged; reconnecting in {} ms", label(config_),
               what, ec.message(), awaiting_, backoff_.count());
  save_cursor();
  retire_client();
  requeue();
  schedule_attempt();
  // The backoff doubles only for attempts that fail; the first retry after a CONNACK waits the minimum.
}

void link::schedule_attempt() {
  state_ = state::waiting;
  ++attempt_id_;
  retry_timer_.expires_after(backoff_);
  retry_timer_.async_wait([self = shared_from_this()](const error_code& ec) {
    if (!ec && self->state_ == state::waiting) self->attempt();
  });
}

void link::retire_client() {
  if (!client_) return;
  client_->close();
  retired_.emplace_back(clock::now(), std::move(client_));
}

// After a lost link: what was not acknowledged is sent again. Stream messages are re-read from the
// cursor (rendered as history then); outbox messages are kept as they were.
void link::requeue() {
  std::deque<entry> keep;
  for (auto& e : inflight_)
    if (e.seq == 0 && !e.acked) keep.push_back(std::move(e));
  for (auto& e : ready_)
    if (e.seq == 0) keep.push_back(std::move(e));
  for (auto& e : resend_) keep.push_back(std::move(e));
  resend_ = std::move(keep);
  inflight_.clear();
  ready_.clear();
  by_packet_id_.clear();
  front_serial_ = 0;
  awaiting_ = 0;
  read_after_ = acked_seq_;
}

void link::on_downstream(std::string_view topic, std::span<const std::uint8_t> payload) {
  ++counters_.downstream;
  if (codec_.downstream) return codec_.downstream->on_message(topic, payload, *this);
  ++counters_.downstream_dropped;
  if (auto n = downstream_log_.due())
    spdlog::warn("connector {}: dropped a message on {} (no downstream handler){}", label(config_), topic,
                 core::repeat_note(*n));
}

}  // namespace tether::application::connector
