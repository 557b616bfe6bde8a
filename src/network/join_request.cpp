#include "network/join_request.hpp"

#include "core/log_context.hpp"
#include "lorawan/frame/parse.hpp"
#include "lorawan/secure_frame.hpp"
#include "network/rx_windows.hpp"
#include "network/session_key_id.hpp"
#include "network/sharding.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace tether::network {

join_request::join_request(shard_state& shard, gateway_uplink merged)
    : shard_(shard), up_(std::move(merged)) {}

void join_request::run() {
  if (!parse_frame() || !find_device() || !check_mic() || !check_dev_nonce() || !allocate_dev_addr()) return;
  derive_keys();
  auto accept = build_join_accept();
  if (!accept) {
    // The device did spend this DevNonce; remember it even though no answer went out.
    record_dev_nonce();
    shard_.persist(*device_);
    return;
  }
  switch_session();
  send_when_durable(std::move(*accept));
}

bool join_request::parse_frame() {
  auto r = lorawan::parse_join_request(up_.raw_payload);
  if (!r) {
    drop(counter::invalid_frame, r.error().message());
    return false;
  }
  frame_ = *r;
  return true;
}

bool join_request::find_device() {
  auto* d = shard_.devices.by_dev_eui(frame_.dev_eui);
  if (!d || !d->device.app_key || !d->device.join_eui || to_number(*d->device.join_eui) != frame_.join_eui) {
    drop(counter::unknown_dev_eui, "no OTAA device with this DevEUI and JoinEUI");
    return false;
  }
  device_ = d;
  return true;
}

bool join_request::check_mic() {
  if (!lorawan::verify_join_request_mic(shard_.crypto, device_->device.app_key->bytes, up_.raw_payload)) {
    drop(counter::join_mic_failed, "MIC does not verify with the AppKey");
    return false;
  }
  return true;
}

bool join_request::check_dev_nonce() {
  const auto& used = device_->session.used_dev_nonces;
  if (uses_1_0_4_rules(device_->device)) {
    // 1.0.4: a persistent counter; anything not above the last one is a replay.
    if (!used.empty() && frame_.dev_nonce <= used.back()) {
      drop(counter::dev_nonce_reused, fmt::format("DevNonce {} not above {}", frame_.dev_nonce, used.back()));
      return false;
    }
  } else if (std::find(used.begin(), used.end(), frame_.dev_nonce) != used.end()) {
    drop(counter::dev_nonce_reused, fmt::format("DevNonce {} used before", frame_.dev_nonce));
    return false;
  }
  return true;
}

bool join_request::allocate_dev_addr() {
  auto addr = shard_.allocator.allocate([this](std::uint32_t a) {
    return shard_of_dev_addr(a, shard_.out.shard_count) == shard_.index &&
           shard_.devices.by_dev_addr(a).empty();
  });
  if (!addr) {
    drop(counter::no_dev_addr, "no free DevAddr for this shard");
    return false;
  }
  dev_addr_ = *addr;
  return true;
}

void join_request::derive_keys() {
  join_nonce_ = device_->session.next_join_nonce & 0xffffff;
  keys_ = lorawan::derive_session_keys(shard_.crypto, device_->device.app_key->bytes, join_nonce_,
                                       shard_.out.options.net_id, frame_.dev_nonce);
}

std::optional<join_request::pending_accept> join_request::build_join_accept() {
  const auto& options = shard_.out.options;
  const auto& plan = device_->plan;
  const auto& band = *plan.band;
  rx2_data_rate_ = options.rx2_data_rate.value_or(plan.rx2_data_rate);

  lorawan::join_accept accept;
  accept.join_nonce = join_nonce_;
  accept.net_id = options.net_id;
  accept.dev_addr = dev_addr_;
  accept.dl_settings.rx1_dr_offset = options.rx1_dr_offset;
  accept.dl_settings.rx2_data_rate = rx2_data_rate_;
  accept.rx_delay = options.rx1_delay;
  if (auto cf = lorawan::band::cf_list(plan)) accept.cf_list = *cf;

  sort_best_first(up_.rx_metadata);
  const auto paths = downlink_paths(up_.rx_metadata);
  if (paths.empty()) {
    drop(counter::join_not_scheduled, "no gateway copy carries an uplink token");
    return std::nullopt;
  }
  pending_accept p;
  p.frame.wire = lorawan::encode_join_accept(shard_.crypto, accept, device_->device.app_key->bytes);
  p.frame.correlation_ids = up_.correlation_ids;
  const std::chrono::seconds delay1{band.join_accept_delay_1};
  const std::chrono::seconds delay2{band.join_accept_delay_2};
  p.band = &band;
  // RX1 through each gateway that heard the request (best first), then RX2 through each.
  for (const auto* path : paths) {
    auto w = rx1_window(band, up_.settings, *path, delay1, 0);
    auto dr = w ? downlink_data_rate_index(band, w->data_rate) : std::nullopt;
    if (dr)
      p.windows.push_back({"RX1", path->gateway_id, path->uplink_token, *w, *dr, up_.received_at + delay1});
  }
  for (const auto* path : paths) {
    if (auto w = rx2_window(band, plan.rx2_frequency, rx2_data_rate_, *path, delay2)) {
      p.windows.push_back(
          {"RX2", path->gateway_id, path->uplink_token, *w, rx2_data_rate_, up_.received_at + delay2});
    }
  }
  if (p.windows.empty()) {
    drop(counter::join_not_scheduled, "the band has no window for this uplink");
    return std::nullopt;
  }
  return p;
}

// The accept leaves only once the new session is on disk: a device must never hold keys a restarted
// server does not know. Group commit takes milliseconds; JOIN_ACCEPT_DELAY1 is seconds.
void join_request::send_when_durable(pending_accept accept) {
  const auto& d = device_->device;
  join_event e;
  e.ids = {d.application_id, d.device_id, d.dev_eui, d.join_eui, device_->session.dev_addr};
  e.session_key_id = session_key_id(shard_.crypto, device_->session);
  e.net_id = shard_.out.options.net_id;
  e.received_at = std::chrono::system_clock::now();
  e.correlation_ids = up_.correlation_ids;
  auto& shard = shard_;
  shard_.persist(*device_, [&shard, accept = std::move(accept), e = std::move(e)]() mutable {
    const auto& frame = accept.frame;
    const auto tried =
        try_windows(shard, {accept.band, accept.windows, [&frame](const candidate_window&) { return &frame; },
                            "ns:transmission:", e.ids.application_id, e.ids.device_id});
    if (tried.sent) {
      shard.out.counters.add(counter::joins_accepted);
      shard.out.events.on_join(e);
      return;
    }
    // The device keeps its previous session (if any) and will try again with a new DevNonce.
    shard.out.counters.add(counter::join_not_scheduled);
    spdlog::info("network: join-accept for {}/{} not sent: its {} window(s) were taken, refused or past{}{}",
                 e.ids.application_id, e.ids.device_id, accept.windows.size(),
                 tried.refused.empty() ? "" : "; refused: ",
                 tried.refused.empty() ? "" : tried.refused.front().why.message);
  });
}

void join_request::record_dev_nonce() {
  auto& used = device_->session.used_dev_nonces;
  used.push_back(frame_.dev_nonce);
  if (used.size() > max_dev_nonces) {
    used.erase(used.begin(), used.begin() + static_cast<std::ptrdiff_t>(used.size() - max_dev_nonces));
  }
}

void join_request::switch_session() {
  auto& s = device_->session;
  const std::optional<std::uint32_t> old_addr =
      s.active ? std::optional(to_number(s.dev_addr)) : std::nullopt;
  // An older session the device still uses wins over a newer one it never used (two lost accepts).
  if (s.active && !device_->previous) {
    device_->previous = previous_session{s.dev_addr, s.nwk_s_key, s.app_s_key, s.f_cnt_up, s.has_f_cnt_up};
  }
  record_dev_nonce();
  s.next_join_nonce = (join_nonce_ + 1) & 0xffffff;
  s.active = true;
  s.dev_addr = to_dev_addr(dev_addr_);
  s.nwk_s_key.bytes = keys_.nwk_s_key;
  s.app_s_key.bytes = keys_.app_s_key;
  s.f_cnt_up = 0;
  s.has_f_cnt_up = false;
  s.n_f_cnt_down = 0;
  s.a_f_cnt_down = 0;
  device_->mac = {};
  device_->mac.rx1_delay = shard_.out.options.rx1_delay;
  device_->mac.rx1_dr_offset = shard_.out.options.rx1_dr_offset;
  device_->mac.rx2_data_rate = rx2_data_rate_;
  device_->mac.rx2_frequency = device_->plan.rx2_frequency;
  shard_.devices.reindex(*device_, old_addr);
}

void join_request::drop(counter reason, std::string_view detail) {
  shard_.out.counters.add(reason);
  if (device_) {
    const auto& d = device_->device;
    sort_best_first(up_.rx_metadata);
    shard_.out.events.on_drop({.ids = {d.application_id, d.device_id, d.dev_eui, d.join_eui, {}},
                               .reason = std::string(to_string(reason)),
                               .detail = std::string(detail),
                               .rx_metadata = up_.rx_metadata,
                               .at = std::chrono::system_clock::now(),
                               .correlation_ids = up_.correlation_ids});
  }
  const auto n = shard_.drop_log[static_cast<std::size_t>(reason)].due();
  if (!n) return;
  const auto dev_eui = fmt::format("{:016X}", frame_.dev_eui);
  const auto join_eui = fmt::format("{:016X}", frame_.join_eui);
  const auto gateway = up_.rx_metadata.empty() ? std::string_view{} : up_.rx_metadata.front().gateway_id;
  const auto correlation_ids = core::join_correlation_ids(up_.correlation_ids);
  const core::log_scope scope{
      {"application_id", device_ ? device_->device.application_id : std::string_view{}},
      {"device_id", device_ ? device_->device.device_id : std::string_view{}},
      {"dev_eui", dev_eui},
      {"join_eui", join_eui},
      {"gateway_id", gateway},
      {core::correlation_ids_field, correlation_ids}};
  spdlog::warn("network: dropped join-request (DevEUI {:016X}, JoinEUI {:016X}, DevNonce {}): {}: {}{}",
               frame_.dev_eui, frame_.join_eui, frame_.dev_nonce, to_string(reason), detail,
               core::repeat_note(*n));
}

}  // namespace tether::network
