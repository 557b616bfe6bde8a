#pragma once
// One end device as the radio side sees it: it builds join-requests (DevNonce counting up), takes its
// join-accept (decrypts it with the AppKey and derives the session keys, as a real device does) and
// builds encrypted, signed data uplinks with an increasing FCnt. Pure: no I/O, no clock.

#include "lorawan/crypto/crypto_context.hpp"
#include "lorawan/error.hpp"
#include "lorawan/types.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace tether::sim {

struct otaa_keys {
  std::uint64_t dev_eui = 0;
  std::uint64_t join_eui = 0;
  lorawan::aes_key app_key{};
};

struct session {
  std::uint32_t dev_addr = 0;
  lorawan::aes_key nwk_s_key{};
  lorawan::aes_key app_s_key{};
};

struct built_uplink {
  lorawan::bytes phy_payload;
  std::uint32_t f_cnt = 0;
};

class simulated_device {
 public:
  // OTAA: not joined until accept_join() succeeds.
  simulated_device(std::string device_id, otaa_keys keys, std::uint16_t first_dev_nonce);
  // ABP: joined from the start with the registry's session.
  simulated_device(std::string device_id, sim::session s);

  const std::string& device_id() const noexcept { return device_id_; }
  bool is_otaa() const noexcept { return otaa_.has_value(); }
  bool joined() const noexcept { return session_.has_value(); }
  const std::optional<sim::session>& current_session() const noexcept { return session_; }
  std::uint32_t next_f_cnt() const noexcept { return f_cnt_; }
  std::uint16_t last_dev_nonce() const noexcept { return dev_nonce_; }

  // A join-request with the next DevNonce (OTAA only).
  lorawan::bytes build_join_request(lorawan::crypto_context& crypto);
  // True when `phy_payload` is a join-accept for this device's last join-request (its MIC checks out
  // with our AppKey): the device is then joined with fresh keys and FCnt 0. False for anything else.
  bool accept_join(lorawan::crypto_context& crypto, lorawan::byte_view phy_payload);
  // An unconfirmed data uplink carrying `payload` on `f_port`; FCnt counts up. Needs a session.
  lorawan::result<built_uplink> build_uplink(lorawan::crypto_context& crypto, lorawan::byte_view payload,
                                             std::uint8_t f_port = 1);

 private:
  std::string device_id_;
  std::optional<otaa_keys> otaa_;
  std::optional<sim::session> session_;
  std::uint16_t dev_nonce_ = 0;  // the last one sent
  std::uint16_t next_dev_nonce_ = 0;
  bool join_pending_ = false;
  std::uint32_t f_cnt_ = 0;  // the next uplink's
};

}  // namespace tether::sim
