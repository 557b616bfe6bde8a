#include "network/data_uplink.hpp"

#include "core/log_context.hpp"
#include "lorawan/fcnt.hpp"
#include "lorawan/frame/parse.hpp"
#include "lorawan/mac/mac_codec.hpp"
#include "lorawan/secure_frame.hpp"
#include "network/mac_commands.hpp"
#include "network/rx_windows.hpp"
#include "network/session_key_id.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace tether::network {
namespace {

// How one candidate session relates to the frame.
enum class match { none, accepted, replay, gap };

struct candidate_result {
  match kind = match::none;
  std::uint32_t f_cnt = 0;
  bool retransmission = false;
};

// The 32-bit counter the frame would have if it were at or behind the last accepted one.
std::optional<std::uint32_t> counter_behind(std::uint32_t last, std::uint16_t wire) {
  std::uint64_t c = (static_cast<std::uint64_t>(last) & 0xffff0000u) | wire;
  if (c > last) {
    if (c < 0x10000) return std::nullopt;
    c -= 0x10000;
  }
  return static_cast<std::uint32_t>(c);
}

// The counter just past the last accepted one, ignoring the gap rule.
std::uint32_t counter_ahead(std::uint32_t last, std::uint16_t wire) {
  std::uint64_t c = (static_cast<std::uint64_t>(last) & 0xffff0000u) | wire;
  if (c < last) c += 0x10000;
  return static_cast<std::uint32_t>(c);
}

candidate_result check_candidate(lorawan::crypto_context& crypto, const device_entry& d,
                                 const core::aes_key& nwk, std::optional<std::uint32_t> last,
                                 const lorawan::data_frame& f, lorawan::byte_view wire) {
  const auto& key = nwk.bytes;
  auto fcnt = lorawan::reconstruct_fcnt(last, f.header.f_cnt, max_fcnt_gap(d.device));
  if (fcnt && lorawan::verify_data_mic(crypto, key, wire, fcnt->value)) {
    return {match::accepted, fcnt->value, fcnt->retransmission};
  }
  if (!last) {
    // Fresh session: the only other reading is a counter beyond the gap.
    if (!fcnt && lorawan::verify_data_mic(crypto, key, wire, f.header.f_cnt))
      return {match::gap, f.header.f_cnt};
    return {};
  }
  // The MIC tells which reading the device meant: an older counter is a replay, a far one a gap.
  if (auto behind = counter_behind(*last, f.header.f_cnt);
      behind && *behind < *last && lorawan::verify_data_mic(crypto, key, wire, *behind)) {
    return {match::replay, *behind};
  }
  if (!fcnt) {
    const auto ahead = counter_ahead(*last, f.header.f_cnt);
    if (lorawan::verify_data_mic(crypto, key, wire, ahead)) return {match::gap, ahead};
  }
  return {};
}

}  // namespace

data_uplink::data_uplink(shard_state& shard, downlink_scheduler& scheduler, gateway_uplink merged)
    : shard_(shard), scheduler_(scheduler), up_(std::move(merged)) {}

void data_uplink::run() {
  if (!parse_frame() || !find_session()) return;
  if (retransmission_) {
    // Already delivered: a repetition (NbTrans) or a confirmed retry. The ACK for it is the
    // downlink scheduler's business, so the hook still hears about it.
    drop(counter::retransmission, "counter equals the last accepted one");
    call_hook();
    return;
  }
  decrypt();
  handle_mac_commands();
  // Frames without application data (no FPort, or MAC commands on FPort 0) are the network's own.
  std::optional<uplink_event> event;
  if (frame_.f_port && *frame_.f_port != 0) event = make_event();
  update_session(std::move(event));
  call_hook();
}

bool data_uplink::parse_frame() {
  auto f = lorawan::parse_data_frame(up_.raw_payload);
  if (!f) {
    drop(counter::invalid_frame, f.error().message());
    return false;
  }
  frame_ = std::move(*f);
  return true;
}

bool data_uplink::find_session() {
  const auto candidates = shard_.devices.by_dev_addr(frame_.header.dev_addr);
  if (candidates.empty()) {
    drop(counter::unknown_dev_addr, "no session");
    return false;
  }
  device_entry* replayed = nullptr;
  device_entry* gapped = nullptr;
  const auto addr = to_dev_addr(frame_.header.dev_addr);
  const auto try_session = [&](device_entry* d, const core::aes_key& nwk, std::optional<std::uint32_t> last,
                               bool previous) {
    const auto r = check_candidate(shard_.crypto, *d, nwk, last, frame_, up_.raw_payload);
    if (r.kind == match::replay) replayed = d;
    if (r.kind == match::gap) gapped = d;
    if (r.kind != match::accepted) return false;
    device_ = d;
    previous_ = previous;
    f_cnt_ = r.f_cnt;
    retransmission_ = r.retransmission;
    return true;
  };
  for (auto* d : candidates) {
    const auto& s = d->session;
    if (s.active && s.dev_addr == addr &&
        try_session(d, s.nwk_s_key, s.has_f_cnt_up ? std::optional(s.f_cnt_up) : std::nullopt, false)) {
      return true;
    }
    const auto& p = d->previous;
    if (p && p->dev_addr == addr &&
        try_session(d, p->nwk_s_key, p->has_f_cnt_up ? std::optional(p->f_cnt_up) : std::nullopt, true)) {
      return true;
    }
  }
  if (replayed) {
    device_ = replayed;
    drop(counter::replay, "counter behind the last accepted one");
  } else if (gapped) {
    device_ = gapped;
    drop(counter::fcnt_gap, "counter jumped beyond the allowed gap");
  } else {
    drop(counter::mic_failed, fmt::format("no MIC match among {} session(s)", candidates.size()));
  }
  return false;
}

void data_uplink::decrypt() {
  const auto& nwk = previous_ ? device_->previous->nwk_s_key : device_->session.nwk_s_key;
  const auto& app = previous_ ? device_->previous->app_s_key : device_->session.app_s_key;
  lorawan::decrypt_frm_payload(shard_.crypto, frame_, f_cnt_, nwk.bytes, app.bytes, payload_);
}

void data_uplink::handle_mac_commands() {
  // FPort 0 carries MAC commands in the (decrypted) payload; otherwise they ride in FOpts.
  const bool on_port_zero = frame_.f_port && *frame_.f_port == 0;
  const bytes& raw = on_port_zero ? payload_ : frame_.header.f_opts;
  if (raw.empty()) return;
  auto decoded = lorawan::mac::decode_uplink(raw);
  if (decoded.stop != lorawan::lorawan_error::ok) {
    spdlog::info("network: {}/{}: MAC commands cut at byte {}: {}", device_->device.application_id,
                 device_->device.device_id, decoded.stop_offset, make_error_code(decoded.stop).message());
  }
  const auto answered = network::handle_mac_commands(decoded.commands, up_, device_->mac);
  if (answered > 0) shard_.out.counters.add(counter::mac_answers_queued, answered);
}

void data_uplink::update_session(std::optional<uplink_event> event) {
  auto& out = shard_.out;
  const auto emit = [&out](const uplink_event& e) {
    out.counters.add(counter::uplinks_delivered);
    out.events.on_uplink(e);
  };
  if (previous_) {
    // The device missed its join-accept and still talks in the old session (in memory only).
    device_->previous->f_cnt_up = f_cnt_;
    device_->previous->has_f_cnt_up = true;
    if (event) emit(*event);
    return;
  }
  auto& s = device_->session;
  s.f_cnt_up = f_cnt_;
  s.has_f_cnt_up = true;
  if (device_->previous) {
    // The new session is confirmed: the old one may go.
    const auto old_addr = to_number(device_->previous->dev_addr);
    device_->previous.reset();
    shard_.devices.reindex(*device_, old_addr);
  }
  if (!event) {
    shard_.persist(*device_);
    return;
  }
  shard_.persist(*device_, [emit, e = std::move(*event)] { emit(e); });
}

uplink_event data_uplink::make_event() {
  sort_best_first(up_.rx_metadata);
  const auto& d = device_->device;
  uplink_event e;
  const auto& addr = previous_ ? device_->previous->dev_addr : device_->session.dev_addr;
  e.ids = {d.application_id, d.device_id, d.dev_eui, d.join_eui, addr};
  e.session_key_id = session_key_id(
      shard_.crypto, previous_ ? device_->previous->nwk_s_key : device_->session.nwk_s_key, addr);
  e.f_port = *frame_.f_port;
  e.f_cnt = f_cnt_;
  e.frm_payload = payload_;
  e.confirmed = lorawan::is_confirmed(frame_.type);
  e.rx_metadata = up_.rx_metadata;
  e.settings = up_.settings;
  if (device_->plan.band) {
    e.band_id = std::string(device_->plan.band->id);
    e.data_rate_index = uplink_data_rate_index(*device_->plan.band, up_.settings.data_rate).value_or(0);
  }
  e.net_id = shard_.out.options.net_id;
  e.received_at = std::chrono::system_clock::now();
  e.consumed_airtime = uplink_airtime(up_);
  e.correlation_ids = up_.correlation_ids;
  e.encrypted_frm_payload = frame_.frm_payload;  // decrypt() wrote the clear text to payload_
  e.windows = answer_windows_of(e.data_rate_index);
  return e;
}

// The windows downlink_class_a.cpp will try for this uplink (RX1 and RX2 from the uplink's arrival), for
// applications that answer in them. None for a device still in its previous session: it cannot decode.
std::optional<answer_windows> data_uplink::answer_windows_of(std::uint8_t uplink_dr) const {
  if (previous_ || !device_->plan.band) return std::nullopt;
  const auto& mac = device_->mac;
  const auto& s = device_->session;
  answer_windows w;
  w.rx1 = up_.received_at + std::chrono::seconds(std::max<std::uint8_t>(mac.rx1_delay, 1));
  w.rx2 = w.rx1 + std::chrono::seconds(1);
  const auto rx1_dr = lorawan::band::rx1_data_rate(*device_->plan.band, uplink_dr, mac.rx1_dr_offset);
  w.rx1_data_rate_index = rx1_dr ? *rx1_dr : uplink_dr;
  w.rx2_data_rate_index = mac.rx2_data_rate;
  w.f_cnt_down = std::max(s.n_f_cnt_down, s.a_f_cnt_down);
  return w;
}

void data_uplink::call_hook() {
  if (!device_) return;
  const auto& d = device_->device;
  const device_ids ids{d.application_id, d.device_id, d.dev_eui, d.join_eui,
                       previous_ ? device_->previous->dev_addr : device_->session.dev_addr};
  sort_best_first(up_.rx_metadata);
  const uplink_done done{ids,
                         f_cnt_,
                         lorawan::is_confirmed(frame_.type),
                         frame_.header.f_ctrl.adr_ack_req,
                         frame_.header.f_ctrl.adr,
                         retransmission_,
                         frame_.header.f_ctrl.ack,
                         device_->mac,
                         up_};
  // A device still in its previous session cannot decode downlinks of the new one.
  if (!previous_) scheduler_.after_uplink(*device_, done);
  if (shard_.out.hook) shard_.out.hook->after_uplink(done);
}

void data_uplink::drop(counter reason, std::string_view detail) {
  shard_.out.counters.add(reason);
  if (device_) {
    const auto& d = device_->device;
    sort_best_first(up_.rx_metadata);
    shard_.out.events.on_drop(
        {.ids = {d.application_id, d.device_id, d.dev_eui, d.join_eui, to_dev_addr(frame_.header.dev_addr)},
         .reason = std::string(to_string(reason)),
         .detail = std::string(detail),
         .f_cnt = frame_.header.f_cnt,
         .rx_metadata = up_.rx_metadata,
         .at = std::chrono::system_clock::now(),
         .correlation_ids = up_.correlation_ids});
  }
  // A lost frame is a warning (rate-limited below); a retransmission is no loss: its first copy went up.
  const auto level = reason == counter::retransmission ? spdlog::level::debug : spdlog::level::warn;
  if (!spdlog::should_log(level)) return;
  const auto n = shard_.drop_log[static_cast<std::size_t>(reason)].due();
  if (!n) return;
  const auto dev_addr = fmt::format("{:08X}", frame_.header.dev_addr);
  const auto gateway = up_.rx_metadata.empty() ? std::string_view{} : up_.rx_metadata.front().gateway_id;
  const auto correlation_ids = core::join_correlation_ids(up_.correlation_ids);
  const core::log_scope scope{
      {"application_id", device_ ? device_->device.application_id : std::string_view{}},
      {"device_id", device_ ? device_->device.device_id : std::string_view{}},
      {"dev_addr", dev_addr},
      {"gateway_id", gateway},
      {core::correlation_ids_field, correlation_ids}};
  const auto also = core::repeat_note(*n);
  if (device_) {
    spdlog::log(level, "network: dropped uplink of {}/{} (DevAddr {:08X}, FCnt {}): {}: {}{}",
                device_->device.application_id, device_->device.device_id, frame_.header.dev_addr,
                frame_.header.f_cnt, to_string(reason), detail, also);
  } else {
    spdlog::log(level, "network: dropped uplink (DevAddr {:08X}, FCnt {}): {}: {}{}", frame_.header.dev_addr,
                frame_.header.f_cnt, to_string(reason), detail, also);
  }
}

}  // namespace tether::network
