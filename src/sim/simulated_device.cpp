#include "sim/simulated_device.hpp"

#include "lorawan/crypto/session_keys.hpp"
#include "lorawan/fcnt.hpp"
#include "lorawan/frame/frames.hpp"
#include "lorawan/frame/parse.hpp"
#include "lorawan/mac/mac_codec.hpp"
#include "lorawan/secure_frame.hpp"

#include <type_traits>
#include <utility>

namespace tether::sim {
namespace {

constexpr std::size_t max_f_opts = 15;
constexpr std::size_t max_answers = 16;  // older answers are dropped past it

}  // namespace

simulated_device::simulated_device(std::string device_id, otaa_keys keys, std::uint16_t first_dev_nonce,
                                   rx_settings defaults)
    : device_id_(std::move(device_id)),
      otaa_(keys),
      defaults_(defaults),
      rx_(defaults),
      next_dev_nonce_(first_dev_nonce) {}

simulated_device::simulated_device(std::string device_id, sim::session s, rx_settings defaults)
    : device_id_(std::move(device_id)), session_(s), defaults_(defaults), rx_(defaults) {}

lorawan::bytes simulated_device::build_join_request(lorawan::crypto_context& crypto) {
  lorawan::join_request r;
  r.join_eui = otaa_->join_eui;
  r.dev_eui = otaa_->dev_eui;
  r.dev_nonce = next_dev_nonce_;
  dev_nonce_ = next_dev_nonce_++;
  join_pending_ = true;
  return lorawan::encode_join_request(crypto, r, otaa_->app_key);
}

bool simulated_device::accept_join(lorawan::crypto_context& crypto, lorawan::byte_view phy_payload) {
  if (!otaa_ || !join_pending_) return false;
  auto accept = lorawan::decode_join_accept(crypto, phy_payload, otaa_->app_key);
  if (!accept) return false;
  auto keys =
      lorawan::derive_session_keys(crypto, otaa_->app_key, accept->join_nonce, accept->net_id, dev_nonce_);
  session_ = sim::session{accept->dev_addr, keys.nwk_s_key, keys.app_s_key};
  f_cnt_ = 0;  // a new session starts counting again
  f_cnt_down_.reset();
  ack_pending_ = false;
  link_check_.reset();
  answers_.clear();
  rx_ = defaults_;
  rx_.rx1_delay = accept->rx_delay & 0x0f;
  if (rx_.rx1_delay == 0) rx_.rx1_delay = 1;
  rx_.rx1_dr_offset = accept->dl_settings.rx1_dr_offset;
  rx_.rx2_data_rate = accept->dl_settings.rx2_data_rate;
  join_pending_ = false;
  return true;
}

lorawan::result<built_uplink> simulated_device::build_uplink(lorawan::crypto_context& crypto,
                                                             lorawan::byte_view payload,
                                                             std::uint8_t f_port) {
  lorawan::data_frame f;
  f.type = lorawan::mtype::unconfirmed_data_up;
  f.header.dev_addr = session_->dev_addr;
  f.header.f_ctrl.ack = ack_pending_;
  // The oldest answers first, as many as fit in FOpts; the rest wait for the next uplink.
  std::size_t taken = 0;
  for (; taken < answers_.size(); ++taken) {
    lorawan::bytes with = f.header.f_opts;
    if (!lorawan::mac::encode(answers_[taken], with) || with.size() > max_f_opts) break;
    f.header.f_opts = std::move(with);
  }
  f.f_port = f_port;
  f.frm_payload.assign(payload.begin(), payload.end());
  auto wire =
      lorawan::encode_data_frame(crypto, std::move(f), f_cnt_, session_->nwk_s_key, session_->app_s_key);
  if (!wire) return wire.error();
  built_uplink out{std::move(*wire), f_cnt_++, ack_pending_, taken};
  ack_pending_ = false;
  answers_.erase(answers_.begin(), answers_.begin() + static_cast<std::ptrdiff_t>(taken));
  return out;
}

lorawan::result<received_downlink> simulated_device::receive_downlink(lorawan::crypto_context& crypto,
                                                                      lorawan::byte_view phy_payload) {
  auto f = lorawan::parse_data_frame(phy_payload);
  if (!f) return f.error();
  if (lorawan::direction_of(f->type) != lorawan::direction::downlink)
    return lorawan::lorawan_error::wrong_mtype;
  if (!session_ || f->header.dev_addr != session_->dev_addr) return lorawan::lorawan_error::invalid_mic;
  const auto& s = *session_;
  // A counter behind the last one (or too far ahead) is refused; the MIC tells a replay of ours from a
  // frame of another session.
  // The first downlink of a session may carry any counter (an ABP session's may have run before).
  auto counter = lorawan::reconstruct_fcnt(f_cnt_down_, f->header.f_cnt,
                                           f_cnt_down_ ? lorawan::max_fcnt_gap_1_0_2 : 0xffffu);
  if (!counter) {
    return lorawan::verify_data_mic(crypto, s.nwk_s_key, phy_payload, f->header.f_cnt)
               ? lorawan::lorawan_error::fcnt_replay
               : counter.error();
  }
  if (!lorawan::verify_data_mic(crypto, s.nwk_s_key, phy_payload, counter->value))
    return lorawan::lorawan_error::invalid_mic;
  if (counter->retransmission) return lorawan::lorawan_error::fcnt_replay;  // the same FCntDown again
  f_cnt_down_ = counter->value;

  received_downlink out;
  out.f_cnt = counter->value;
  out.confirmed = lorawan::is_confirmed(f->type);
  out.ack = f->header.f_ctrl.ack;
  out.f_pending = f->header.f_ctrl.f_pending;
  out.f_port = f->f_port;
  lorawan::decrypt_frm_payload(crypto, *f, counter->value, s.nwk_s_key, s.app_s_key, out.frm_payload);
  // MAC commands ride in FOpts, or fill the (NwkSKey-encrypted) payload on FPort 0.
  const bool on_port_zero = f->f_port && *f->f_port == 0;
  const lorawan::bytes& raw = on_port_zero ? out.frm_payload : f->header.f_opts;
  if (!raw.empty()) {
    auto decoded = lorawan::mac::decode_downlink(raw);
    out.mac_commands = std::move(decoded.commands);
    out.mac_commands_cut = decoded.stop != lorawan::lorawan_error::ok;
  }
  if (out.confirmed) ack_pending_ = true;
  for (const auto& c : out.mac_commands) handle_mac_command(c);
  return out;
}

// Requests are applied at once and answered with every ACK bit set; LinkCheckAns is recorded, other
// answers from the network are left to the caller.
void simulated_device::handle_mac_command(const lorawan::mac::downlink_command& command) {
  namespace mac = lorawan::mac;
  std::visit(
      [this](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, mac::link_adr_req>) {
          queue_answer(mac::link_adr_ans{true, true, true});
        } else if constexpr (std::is_same_v<T, mac::duty_cycle_req>) {
          queue_answer(mac::duty_cycle_ans{});
        } else if constexpr (std::is_same_v<T, mac::rx_param_setup_req>) {
          rx_.rx1_dr_offset = c.rx1_dr_offset;
          rx_.rx2_data_rate = c.rx2_data_rate;
          rx_.rx2_frequency = c.frequency;
          queue_answer(mac::rx_param_setup_ans{true, true, true});
        } else if constexpr (std::is_same_v<T, mac::dev_status_req>) {
          queue_answer(mac::dev_status_ans{dev_status_battery, dev_status_margin});
        } else if constexpr (std::is_same_v<T, mac::new_channel_req>) {
          queue_answer(mac::new_channel_ans{true, true});
        } else if constexpr (std::is_same_v<T, mac::rx_timing_setup_req>) {
          rx_.rx1_delay = c.delay == 0 ? 1 : c.delay;
          queue_answer(mac::rx_timing_setup_ans{});
        } else if constexpr (std::is_same_v<T, mac::tx_param_setup_req>) {
          queue_answer(mac::tx_param_setup_ans{});
        } else if constexpr (std::is_same_v<T, mac::dl_channel_req>) {
          queue_answer(mac::dl_channel_ans{true, true});
        } else if constexpr (std::is_same_v<T, mac::link_check_ans>) {
          link_check_ = c;
        }
        // DeviceTimeAns and the class B commands need no answer.
      },
      command);
}

void simulated_device::queue_answer(lorawan::mac::uplink_command answer) {
  answers_.push_back(std::move(answer));
  if (answers_.size() > max_answers) answers_.erase(answers_.begin());
}

}  // namespace tether::sim
