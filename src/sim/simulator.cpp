#include "sim/simulator.hpp"

#include "core/base64.hpp"
#include "gateway/ttsv3/codec.hpp"
#include "lorawan/frame/parse.hpp"
#include "network/rx_windows.hpp"
#include "sim/application_event.hpp"

#include <fmt/format.h>
#include <boost/asio/ip/tcp.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace tether::sim {
namespace {

using namespace std::chrono_literals;
using boost::system::error_code;

constexpr auto connect_retry_interval = 200ms;
// The server loads new keys and devices within its registry poll (200 ms); a few seconds is plenty.
constexpr auto connect_deadline = 10s;
constexpr auto uplink_interval = 1ms;
constexpr auto join_interval = 5ms;
constexpr auto drain_interval = 10ms;
constexpr std::uint64_t max_uplinks_per_tick = 2000;  // keeps the loop reading between bursts
constexpr std::size_t max_gateway_backlog = 1 << 20;  // bytes unwritten per gateway before pausing
// Frames older than the longest receive window (RX1 delay 15 s, then RX2) cannot be answered any more.
constexpr auto recent_frame_horizon = 20s;
// Class A with downlinks: after an uplink a device waits until its up event shows the network is done
// with it (any answer left on the gateways' connections before that), plus this much for the answer
// still on its way...
constexpr auto answer_grace = 50ms;
// ... or, should the up event never come, this long.
constexpr auto answer_timeout = 3s;
constexpr std::size_t max_downlink_payload = 51;  // fits EU868 RX2 at DR0

mqtt::tcp::endpoint resolve(boost::asio::io_context& io, const std::string& address) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument("address " + address + " is not HOST:PORT");
  auto host = address.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  mqtt::tcp::resolver resolver(io);
  error_code ec;
  auto results = resolver.resolve(host, address.substr(colon + 1), ec);
  if (ec || results.empty()) throw std::invalid_argument("address " + address + ": " + ec.message());
  return *results.begin();
}

double seconds(sim_clock::duration d) { return std::chrono::duration<double>(d).count(); }

bool is_join_accept(const lorawan::bytes& phy) { return !phy.empty() && (phy[0] >> 5) == 1; }

}  // namespace

simulator::simulator(sim_options o, provisioning p, lorawan::band::frequency_plan plan, std::uint64_t seed)
    : o_(std::move(o)),
      p_(std::move(p)),
      radio_(p_.gateways.size(), o_.gateways_per_device, std::move(plan)),
      rng_(seed),
      tick_(io_),
      watchdog_(io_),
      join_pacer_(o_.join_rate, std::nullopt),
      uplink_pacer_(o_.rate, o_.count),
      ledger_(p_.devices.size()),
      downlinks_on_(o_.downlink_rate > 0),
      radios_(p_.devices.size()),
      downlink_pacer_(o_.downlink_rate > 0 ? o_.downlink_rate : 1, std::nullopt),
      downlink_ledger_(p_.devices.size()) {
  gateway_server_ = resolve(io_, o_.gateway_address);
  application_server_ = resolve(io_, o_.application_address);
  for (std::size_t g = 0; g < p_.gateways.size(); ++g) {
    gateway_link link;
    link.cred = p_.gateways[g];
    const auto& id = link.cred.id;
    link.up_topic = "v3/" + id + "/up";
    link.down_topic = "v3/" + id + "/down";
    link.ack_topic = "v3/" + id + "/down/ack";
    link.status_topic = "v3/" + id + "/status";
    link.clock_offset = static_cast<std::uint32_t>(rng_());
    gateways_.push_back(std::move(link));
  }
  for (std::size_t i = 0; i < p_.devices.size(); ++i) device_index_.emplace(p_.devices[i].device_id(), i);
  joins_.resize(p_.devices.size());
  payload_.resize(o_.payload_size);
  report_.activation = o_.activation == activation::otaa ? "otaa" : "abp";
  report_.gateways = p_.gateways.size();
  report_.devices = p_.devices.size();
  report_.gateways_per_device = radio_.gateways_per_device();
}

simulator::~simulator() = default;

sim_report simulator::run() {
  run_start_ = sim_clock::now();
  start_application();
  for (std::size_t g = 0; g < gateways_.size(); ++g) start_gateway(g);
  watchdog_.expires_after(connect_deadline + 2s);
  watchdog_.async_wait([this](const error_code& ec) {
    if (ec || started_) return;
    record_error("not every client connected within the connect deadline");
    finish();
  });
  io_.run();
  report_.uplinks = ledger_.counts();
  fill_latency(report_, ledger_.latency());
  report_.application_downlinks = downlink_ledger_.counts();
  fill_downlink_latency(report_, downlink_ledger_.latency());
  if (report_.uplinks.sent > 0) {
    report_.send_seconds = seconds(last_send_ - first_send_);
    if (report_.uplinks.received > 0) report_.receive_seconds = seconds(last_receive_ - first_send_);
  }
  return report_;
}

// Connects with a fresh client per attempt until the deadline: right after provisioning the server may
// not know the new keys yet (CONNACK 4/5), or may still be starting (connection refused).
void simulator::connect(std::unique_ptr<mqtt::client>& slot, const mqtt::client_options& co,
                        const mqtt::tcp::endpoint& server, std::function<void()> on_connected) {
  if (finished_) return;
  ++connect_attempts_;
  if (slot) retired_.push_back(std::move(slot));
  mqtt::client_events events;
  std::string who = co.client_id;
  events.on_error = [this, who](std::string_view what, const error_code& ec) {
    record_error(fmt::format("{}: {}: {}", who, what, ec.message()));
    connection_lost_ = true;
    if (!finished_) start_drain();
  };
  slot = std::make_unique<mqtt::client>(io_, co, std::move(events));
  auto* client = slot.get();
  client->start(
      server, std::nullopt,
      [this, &slot, co, server, on_connected = std::move(on_connected), who](const error_code& ec) mutable {
        if (!ec) return on_connected();
        if (sim_clock::now() - run_start_ > connect_deadline) {
          return record_error(fmt::format("{}: connect: {}", who, ec.message()));
        }
        auto timer = std::make_shared<boost::asio::steady_timer>(io_, connect_retry_interval);
        timer->async_wait([this, timer, &slot, co, server, on_connected](const error_code& e) mutable {
          if (!e) connect(slot, co, server, std::move(on_connected));
        });
      });
}

void simulator::start_application() {
  mqtt::client_options co;
  co.client_id = fmt::format("tether-sim-{:x}", rng_() & 0xffffffu);
  co.username = p_.application.id;
  co.password = p_.application.api_key;
  co.keep_alive = 60;
  connect(application_, co, application_server_, [this] {
    auto subscribed = std::make_shared<int>(0);
    auto on_suback = [this, subscribed](std::uint8_t granted) {
      if (granted == 0x80) return record_error("application: subscription refused");
      if (++*subscribed == 3) {
        application_ready_ = true;
        on_ready();
      }
    };
    auto on_message = [this](std::string_view topic, std::span<const std::uint8_t> payload, std::uint8_t) {
      on_application_message(topic, payload);
    };
    const std::string base = "v3/" + p_.application.id + "/devices/+/";
    application_->subscribe(base + "up", 0, on_suback, on_message);
    application_->subscribe(base + "join", 0, on_suback, on_message);
    application_->subscribe(base + "down/#", 0, on_suback, on_message);
  });
}

void simulator::start_gateway(std::size_t g) {
  auto& link = gateways_[g];
  mqtt::client_options co;
  co.client_id = link.cred.id;
  co.username = link.cred.id;
  co.password = link.cred.api_key;
  co.keep_alive = 60;
  connect(link.client, co, gateway_server_, [this, g] {
    auto& link = gateways_[g];
    link.client->subscribe(
        link.down_topic, 0,
        [this, g](std::uint8_t granted) {
          auto& link = gateways_[g];
          if (granted == 0x80) return record_error(link.cred.id + ": subscription to its down topic refused");
          network::gateway_status status;
          status.gateway_id = link.cred.id;
          status.time = std::chrono::system_clock::now();
          status.versions["simulator"] = "tether sim";
          link.client->publish(link.status_topic, gateway::ttsv3::encode_status(status), 0);
          link.client->flush();
          link.ready = true;
          on_ready();
        },
        [this, g](std::string_view, std::span<const std::uint8_t> payload, std::uint8_t) {
          on_downlink(g, payload);
        });
  });
}

void simulator::on_ready() {
  if (started_ || finished_ || !application_ready_) return;
  if (!std::all_of(gateways_.begin(), gateways_.end(), [](const gateway_link& l) { return l.ready; })) return;
  started_ = true;
  watchdog_.cancel();
  if (o_.activation == activation::otaa) return start_joins();
  // ABP sessions come from the registry: give the server's device reload one poll to land.
  tick_.expires_after(300ms);
  tick_.async_wait([this](const error_code& ec) {
    if (!ec) start_uplinks();
  });
}

void simulator::on_application_message(std::string_view topic, std::span<const std::uint8_t> payload) {
  auto now = sim_clock::now();
  auto event =
      parse_application_event(topic, {reinterpret_cast<const char*>(payload.data()), payload.size()});
  if (!event) return record_error(fmt::format("application: unreadable event on {}", topic));
  auto it = device_index_.find(event->device_id);
  if (event->kind == event_kind::join) {
    ++report_.join_events;
    return;
  }
  if (event->kind != event_kind::uplink) return on_downlink_event(*event);
  auto device = it == device_index_.end() ? p_.devices.size() : it->second;
  if (device < radios_.size() && radios_[device].awaiting_f_cnt == event->f_cnt) {
    // The network is done with this uplink: an answer to it is already on its way, if any.
    auto& r = radios_[device];
    r.awaiting_f_cnt.reset();
    r.quiet_until = std::min(r.quiet_until, now + answer_grace);
  }
  if (event->f_port != 1) event->frm_payload.push_back(0);  // a wrong FPort counts as a wrong payload
  ledger_.received(device, event->f_cnt, event->frm_payload, now);
  last_receive_ = now;
}

void simulator::on_downlink(std::size_t g, std::span<const std::uint8_t> payload) {
  auto& link = gateways_[g];
  ++report_.downlinks;
  auto tx = gateway::ttsv3::decode_gateway_down(payload);
  if (!tx)
    return record_error(fmt::format("{}: unreadable GatewayDown: {}", link.cred.id, tx.error().message()));
  // The packet forwarder reports every transmission; the server needs the TxAck for down/sent.
  network::tx_ack ack;
  ack.gateway_id = link.cred.id;
  ack.correlation_ids = tx->correlation_ids;
  ack.result = network::tx_result::success;
  link.client->publish(link.ack_topic, gateway::ttsv3::encode_tx_ack(ack), 0);
  link.client->flush();
  ++report_.tx_acks;
  if (is_join_accept(tx->raw_payload)) return on_join_accept(g, *tx);
  on_data_downlink(g, *tx);
}

void simulator::on_join_accept(std::size_t g, const network::downlink_tx& tx) {
  // RX1 or RX2 of a join-request this gateway heard: its timestamp names the device.
  for (std::uint32_t delay : {5'000'000u, 6'000'000u}) {
    auto key = (std::uint64_t{g} << 32) | (tx.scheduled.timestamp - delay);
    if (auto it = join_heard_.find(key); it != join_heard_.end() && try_join(it->second, tx.raw_payload)) {
      return check_window(it->second, g, tx.scheduled);
    }
  }
  // Otherwise the device whose AppKey opens it (the window check then tells what went wrong).
  for (std::size_t d = 0; d < joins_.size(); ++d) {
    if (joins_[d].pending && try_join(d, tx.raw_payload)) return check_window(d, g, tx.scheduled);
  }
}

void simulator::on_data_downlink(std::size_t g, const network::downlink_tx& tx) {
  const auto& gateway = gateways_[g].cred.id;
  auto frame = lorawan::parse_data_frame(tx.raw_payload);
  if (!frame) {
    ++report_.device_downlinks.refused;
    return record_error(fmt::format("{}: downlink is no data frame: {}", gateway, frame.error().message()));
  }
  // Every device with this DevAddr tries it; the one whose session verifies the MIC takes it.
  const auto addr = frame->header.dev_addr;
  auto [first, last] = by_dev_addr_.equal_range(addr);
  std::optional<lorawan::result<received_downlink>> refusal;
  for (auto it = first; it != last; ++it) {
    const auto device = it->second;
    auto r = p_.devices[device].receive_downlink(crypto_, tx.raw_payload);
    if (!r) {
      if (!refusal || r.error() != lorawan::lorawan_error::invalid_mic) refusal = std::move(r);
      continue;
    }
    auto& dd = report_.device_downlinks;
    ++dd.accepted;
    dd.mac_commands += r->mac_commands.size();
    check_window(device, g, tx.scheduled);
    if (r->mac_commands_cut) {
      record_error(fmt::format("{}: MAC commands of downlink FCnt {} cut short",
                               p_.devices[device].device_id(), r->f_cnt));
    }
    if (r->f_port && *r->f_port > 0) {
      const auto n = downlink_number(tx.correlation_ids);
      auto receipt = downlink_ledger_.received(n, device, *r->f_port, r->frm_payload, sim_clock::now());
      if (receipt != receipt::ok) {
        record_error(
            fmt::format("{}: downlink {} (FCnt {}, FPort {}) {}", p_.devices[device].device_id(),
                        n ? downlink_correlation_id(*n) : std::string("without sim ID"), r->f_cnt, *r->f_port,
                        receipt == receipt::duplicate       ? "received twice"
                        : receipt == receipt::wrong_payload ? "not as pushed (bytes, FPort or device)"
                                                            : "matches no push"));
      }
    }
    // The device's windows for its last uplink are over: it may send again.
    radios_[device].quiet_until = sim_clock::now();
    radios_[device].awaiting_f_cnt.reset();
    return;
  }
  ++report_.device_downlinks.refused;
  record_error(fmt::format("{}: downlink for DevAddr {:08X} (FCnt {}) refused by every device: {}", gateway,
                           addr, frame->header.f_cnt,
                           refusal ? refusal->error().message() : std::string("no device has that DevAddr")));
}

// The downlink must fall in a window of a recent frame of the device that gateway `g` heard.
void simulator::check_window(std::size_t device, std::size_t g, const network::tx_settings& scheduled) {
  const auto& band = *radio_.plan().band;
  auto hit = window_hit::wrong_timing;
  if (radio_.hears(device, g)) {
    const auto& recent = radios_[device].recent;
    for (auto it = recent.rbegin(); it != recent.rend() && hit == window_hit::wrong_timing; ++it) {
      hit = sim::check_window(band, it->frame, it->us + gateways_[g].clock_offset, scheduled);
    }
  }
  report_.windows.add(hit);
  if (hit != window_hit::rx1 && hit != window_hit::rx2) {
    record_error(fmt::format("{}: downlink via {} at {} Hz, concentrator time {}: {}",
                             p_.devices[device].device_id(), gateways_[g].cred.id, scheduled.frequency,
                             scheduled.timestamp, to_string(hit)));
  }
}

void simulator::on_downlink_event(const application_event& event) {
  downlink_state_event kind = downlink_state_event::queued;
  switch (event.kind) {
    case event_kind::down_sent:
      kind = downlink_state_event::sent;
      break;
    case event_kind::down_ack:
      kind = downlink_state_event::ack;
      break;
    case event_kind::down_nack:
      kind = downlink_state_event::nack;
      break;
    case event_kind::down_failed:
      kind = downlink_state_event::failed;
      break;
    default:
      break;
  }
  auto n = downlink_number(event.correlation_ids);
  if (kind == downlink_state_event::failed || kind == downlink_state_event::nack) {
    record_error(fmt::format("{}: downlink {} {}{}", event.device_id,
                             n ? downlink_correlation_id(*n) : std::string("without sim ID"),
                             kind == downlink_state_event::failed ? "failed" : "not acknowledged",
                             event.error.empty() ? "" : ": " + event.error));
  }
  downlink_ledger_.event(n.value_or(0), kind);
}

bool simulator::try_join(std::size_t device, const lorawan::bytes& phy) {
  if (!joins_[device].pending || !p_.devices[device].accept_join(crypto_, phy)) return false;
  joins_[device].pending = false;
  ++report_.joined;
  by_dev_addr_.emplace(p_.devices[device].current_session()->dev_addr, device);
  active_devices_.push_back(device);
  return true;
}

void simulator::start_joins() {
  for (std::size_t d = 0; d < p_.devices.size(); ++d) join_queue_.push_back(d);
  phase_start_ = sim_clock::now();
  join_tick();
}

void simulator::join_tick() {
  if (finished_) return;
  auto now = sim_clock::now();
  // Expired attempts go back in the queue until they run out.
  for (std::size_t d = 0; d < joins_.size(); ++d) {
    auto& j = joins_[d];
    if (!j.pending || now < j.deadline) continue;
    j.pending = false;
    if (j.attempts < o_.join_attempts) join_queue_.push_back(d);
  }
  auto due = join_pacer_.due(now - phase_start_);
  std::uint64_t sent = 0;
  while (sent < due && join_cursor_ < join_queue_.size()) {
    send_join(join_queue_[join_cursor_++]);
    ++sent;
  }
  join_pacer_.take(sent);
  if (join_cursor_ == join_queue_.size()) {
    join_queue_.clear();
    join_cursor_ = 0;
    if (due > sent) join_pacer_.take(due - sent);  // an idle queue builds no credit
  }
  for (auto& link : gateways_) link.client->flush();
  const bool waiting =
      std::any_of(joins_.begin(), joins_.end(), [](const join_state& j) { return j.pending; });
  if (!waiting && join_queue_.empty()) {
    join_heard_.clear();
    if (report_.joined < p_.devices.size()) {
      record_error(fmt::format("{} of {} devices did not join", p_.devices.size() - report_.joined,
                               p_.devices.size()));
    }
    if (active_devices_.empty()) return finish();
    std::sort(active_devices_.begin(), active_devices_.end());
    return start_uplinks();
  }
  tick_.expires_after(join_interval);
  tick_.async_wait([this](const error_code& ec) {
    if (!ec) join_tick();
  });
}

void simulator::send_join(std::size_t device) {
  auto& j = joins_[device];
  ++j.attempts;
  j.pending = true;
  j.deadline = sim_clock::now() + o_.join_timeout;
  std::vector<std::uint64_t> heard_at;
  transmit(device, p_.devices[device].build_join_request(crypto_), &heard_at, true);
  for (auto key : heard_at) join_heard_[key] = device;
  ++report_.join_requests;
}

// Every gateway that hears the device publishes its own copy, with its own RSSI, SNR and timestamp
// (one instant, each concentrator counting from its own origin).
void simulator::transmit(std::size_t device, const lorawan::bytes& phy, std::vector<std::uint64_t>* heard_at,
                         bool join_request) {
  auto settings = radio_.settings(frames_++);
  auto now = std::chrono::system_clock::now();
  const auto us = sim_us();
  for (const auto& r : radio_.receptions(device, rng_)) {
    auto& link = gateways_[r.gateway];
    auto ts = us + link.clock_offset;
    auto up = make_gateway_uplink(link.cred.id, r, settings, phy, ts, now);
    link.client->publish(link.up_topic, gateway::ttsv3::encode_uplink(up), 0);
    ++report_.gateway_publishes;
    if (heard_at) heard_at->push_back((std::uint64_t{r.gateway} << 32) | ts);
  }
  // Remember where the device listens afterwards.
  const auto& dev = p_.devices[device];
  recent_frame f;
  f.us = us;
  f.frame.frequency = static_cast<std::uint32_t>(settings.frequency);
  f.frame.data_rate = network::uplink_data_rate_index(*radio_.plan().band, settings.data_rate).value_or(0);
  f.frame.rx = join_request ? dev.default_windows() : dev.windows();
  f.frame.join_request = join_request;
  f.at = sim_clock::now();
  auto& recent = radios_[device].recent;
  while (!recent.empty() && f.at - recent.front().at > recent_frame_horizon) recent.pop_front();
  recent.push_back(f);
}

std::uint32_t simulator::sim_us() const {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(sim_clock::now() - run_start_).count();
  return static_cast<std::uint32_t>(us);
}

void simulator::start_uplinks() {
  if (o_.activation == activation::abp) {
    for (std::size_t d = 0; d < p_.devices.size(); ++d) {
      active_devices_.push_back(d);
      by_dev_addr_.emplace(p_.devices[d].current_session()->dev_addr, d);
    }
  }
  phase_start_ = sim_clock::now();
  uplink_tick();
}

void simulator::uplink_tick() {
  if (finished_) return;
  auto now = sim_clock::now();
  auto elapsed = now - phase_start_;
  const bool out_of_time = !o_.count && elapsed >= o_.duration;
  if (uplink_pacer_.finished() || out_of_time) return start_drain();
  if (downlinks_on_) push_downlinks(elapsed);
  auto due = std::min(uplink_pacer_.due(elapsed), max_uplinks_per_tick);
  std::uint64_t sent = 0;
  while (sent < due && send_uplink()) ++sent;
  uplink_pacer_.take(sent);
  for (auto& link : gateways_) link.client->flush();
  tick_.expires_after(uplink_interval);
  tick_.async_wait([this](const error_code& ec) {
    if (!ec) uplink_tick();
  });
}

// False when a gateway's connection cannot keep up, or every device still waits for its windows: the
// uplink waits for the next tick.
bool simulator::send_uplink() {
  const auto now = sim_clock::now();
  for (std::size_t tried = 0; tried < active_devices_.size(); ++tried) {
    auto device = active_devices_[next_device_++ % active_devices_.size()];
    if (may_send(device, now)) return send_uplink_from(device);
  }
  return false;
}

bool simulator::send_uplink_from(std::size_t device) {
  for (const auto& link : gateways_) {
    if (link.client->buffered() > max_gateway_backlog) return false;
  }
  for (auto& b : payload_) b = static_cast<std::uint8_t>(rng_());
  auto up = p_.devices[device].build_uplink(crypto_, payload_);
  if (!up) {
    record_error(
        fmt::format("{}: cannot build an uplink: {}", p_.devices[device].device_id(), up.error().message()));
    start_drain();
    return false;
  }
  auto now = sim_clock::now();
  if (ledger_.counts().sent == 0) first_send_ = now;
  last_send_ = now;
  ledger_.sent(device, up->f_cnt, payload_, now);
  if (up->ack) ++report_.device_downlinks.acks;
  report_.device_downlinks.mac_answers += up->mac_answers;
  transmit(device, up->phy_payload, nullptr, false);
  if (downlinks_on_) {
    auto& r = radios_[device];
    r.awaiting_f_cnt = up->f_cnt;
    r.quiet_until = now + answer_timeout;
  }
  return true;
}

bool simulator::may_send(std::size_t device, sim_clock::time_point now) const {
  return !downlinks_on_ || now >= radios_[device].quiet_until;
}

// Downlinks go to the joined devices in turn, each with fresh random bytes and its own FPort.
void simulator::push_downlinks(sim_clock::duration elapsed) {
  if (active_devices_.empty()) return;
  auto due = std::min(downlink_pacer_.due(elapsed), max_uplinks_per_tick);
  for (std::uint64_t i = 0; i < due; ++i) {
    push_downlink(active_devices_[next_downlink_device_++ % active_devices_.size()]);
  }
  downlink_pacer_.take(due);
  if (due > 0) application_->flush();
}

void simulator::push_downlink(std::size_t device) {
  const auto n = downlink_ledger_.counts().pushed + 1;
  // Confirmed ones spread evenly: the n-th is confirmed when the running share crosses a whole number.
  const auto share = std::clamp(o_.confirmed_downlinks, 0.0, 1.0);
  const bool confirmed = static_cast<std::uint64_t>(static_cast<double>(n) * share) >
                         static_cast<std::uint64_t>(static_cast<double>(n - 1) * share);
  const auto f_port = static_cast<std::uint8_t>(1 + (n - 1) % 223);
  lorawan::bytes payload(std::clamp<std::size_t>(o_.payload_size, 1, max_downlink_payload));
  for (auto& b : payload) b = static_cast<std::uint8_t>(rng_());
  const auto recorded = downlink_ledger_.pushed(device, f_port, payload, confirmed, sim_clock::now());
  nlohmann::json item{
      {"f_port", f_port},
      {"frm_payload", core::to_base64({reinterpret_cast<const char*>(payload.data()), payload.size()})},
      {"priority", "NORMAL"},
      {"confirmed", confirmed},
      {"correlation_ids", {downlink_correlation_id(recorded)}},
  };
  nlohmann::json body{{"downlinks", nlohmann::json::array({item})}};
  const auto topic = "v3/" + p_.application.id + "/devices/" + p_.devices[device].device_id() + "/down/push";
  application_->publish(topic, body.dump(), 0);
}

// A device keeps opening windows while a downlink pushed to it is still queued, or while it owes an ACK.
bool simulator::owes_uplink(std::size_t device) const {
  return downlink_ledger_.outstanding(device) > 0 || p_.devices[device].ack_pending();
}

void simulator::start_drain() {
  if (finished_ || draining_) return;
  draining_ = true;
  tick_.cancel();
  drain_deadline_ = sim_clock::now() + o_.drain_timeout;
  drain_tick();
}

void simulator::drain_tick() {
  if (finished_) return;
  const auto now = sim_clock::now();
  const bool downlinks_done = !downlinks_on_ || downlink_ledger_.settled();
  if ((ledger_.complete() && downlinks_done) || now >= drain_deadline_) return finish();
  if (downlinks_on_ && !connection_lost_) {
    // Class A: a queued downlink only leaves after an uplink of its device.
    for (auto device : active_devices_) {
      if (owes_uplink(device) && may_send(device, now) && send_uplink_from(device)) {
        ++report_.device_downlinks.extra_uplinks;
      }
    }
    for (auto& link : gateways_) link.client->flush();
  }
  tick_.expires_after(drain_interval);
  tick_.async_wait([this](const error_code& ec) {
    if (!ec) drain_tick();
  });
}

void simulator::finish() {
  if (finished_) return;
  finished_ = true;
  tick_.cancel();
  watchdog_.cancel();
  // DISCONNECT everywhere, then stop once the packets had a moment to leave.
  if (application_) application_->disconnect();
  for (auto& link : gateways_) {
    if (link.client) link.client->disconnect();
  }
  watchdog_.expires_after(100ms);
  watchdog_.async_wait([this](const error_code&) { io_.stop(); });
}

void simulator::record_error(std::string error) {
  if (report_.errors.size() < 20) report_.errors.push_back(std::move(error));  // the first few tell the story
}

}  // namespace tether::sim
