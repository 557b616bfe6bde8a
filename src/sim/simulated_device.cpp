#include "sim/simulated_device.hpp"

#include "lorawan/crypto/session_keys.hpp"
#include "lorawan/frame/frames.hpp"
#include "lorawan/secure_frame.hpp"

#include <utility>

namespace tether::sim {

simulated_device::simulated_device(std::string device_id, otaa_keys keys, std::uint16_t first_dev_nonce)
    : device_id_(std::move(device_id)), otaa_(keys), next_dev_nonce_(first_dev_nonce) {}

simulated_device::simulated_device(std::string device_id, sim::session s)
    : device_id_(std::move(device_id)), session_(s) {}

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
  join_pending_ = false;
  return true;
}

lorawan::result<built_uplink> simulated_device::build_uplink(lorawan::crypto_context& crypto,
                                                             lorawan::byte_view payload,
                                                             std::uint8_t f_port) {
  lorawan::data_frame f;
  f.type = lorawan::mtype::unconfirmed_data_up;
  f.header.dev_addr = session_->dev_addr;
  f.f_port = f_port;
  f.frm_payload.assign(payload.begin(), payload.end());
  auto wire =
      lorawan::encode_data_frame(crypto, std::move(f), f_cnt_, session_->nwk_s_key, session_->app_s_key);
  if (!wire) return wire.error();
  return built_uplink{std::move(*wire), f_cnt_++};
}

}  // namespace tether::sim
