#pragma once
// One end device as the radio side sees it: it builds join-requests (DevNonce counting up), takes its
// join-accept (decrypts it with the AppKey and derives the session keys, as a real device does), builds
// encrypted, signed data uplinks with an increasing FCnt, and takes data downlinks: it checks their MIC
// and FCntDown, decrypts them, answers the MAC commands they carry in its next uplink's FOpts and sets
// that uplink's ACK bit after a confirmed downlink. Pure: no I/O, no clock.

#include "lorawan/crypto/crypto_context.hpp"
#include "lorawan/error.hpp"
#include "lorawan/mac/mac_command.hpp"
#include "lorawan/types.hpp"
#include "sim/receive_windows.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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
  bool ack = false;             // acknowledges the last confirmed downlink
  std::size_t mac_answers = 0;  // MAC answers in FOpts
};

// A data downlink the device accepted.
struct received_downlink {
  std::uint32_t f_cnt = 0;  // FCntDown, 32 bits
  bool confirmed = false;
  bool ack = false;  // the network acknowledges a confirmed uplink
  bool f_pending = false;
  std::optional<std::uint8_t> f_port;
  lorawan::bytes frm_payload;  // decrypted; application data when f_port > 0
  std::vector<lorawan::mac::downlink_command> mac_commands;
  bool mac_commands_cut = false;  // an unknown or truncated command stopped the parse
};

// Battery and margin a simulated device reports in DevStatusAns.
inline constexpr std::uint8_t dev_status_battery = 255;  // "could not measure"
inline constexpr std::int8_t dev_status_margin = 10;     // dB

class simulated_device {
 public:
  // OTAA: not joined until accept_join() succeeds. `defaults` are the windows of its frequency plan.
  simulated_device(std::string device_id, otaa_keys keys, std::uint16_t first_dev_nonce,
                   rx_settings defaults = {});
  // ABP: joined from the start with the registry's session.
  simulated_device(std::string device_id, sim::session s, rx_settings defaults = {});

  const std::string& device_id() const noexcept { return device_id_; }
  bool is_otaa() const noexcept { return otaa_.has_value(); }
  bool joined() const noexcept { return session_.has_value(); }
  const std::optional<sim::session>& current_session() const noexcept { return session_; }
  std::uint32_t next_f_cnt() const noexcept { return f_cnt_; }
  std::uint16_t last_dev_nonce() const noexcept { return dev_nonce_; }
  // Where the device listens after its next frame.
  const rx_settings& windows() const noexcept { return rx_; }
  const rx_settings& default_windows() const noexcept { return defaults_; }
  // The next uplink will carry the ACK bit.
  bool ack_pending() const noexcept { return ack_pending_; }
  const std::vector<lorawan::mac::uplink_command>& pending_answers() const noexcept { return answers_; }
  // The network's last answer to a LinkCheckReq (recorded; the sim sends none of its own).
  const std::optional<lorawan::mac::link_check_ans>& last_link_check() const noexcept { return link_check_; }
  // The highest FCntDown accepted in this session.
  std::optional<std::uint32_t> last_f_cnt_down() const noexcept { return f_cnt_down_; }

  // A join-request with the next DevNonce (OTAA only).
  lorawan::bytes build_join_request(lorawan::crypto_context& crypto);
  // True when `phy_payload` is a join-accept for this device's last join-request (its MIC checks out
  // with our AppKey): the device is then joined with fresh keys, FCnt 0 and the accept's RX settings.
  // False for anything else.
  bool accept_join(lorawan::crypto_context& crypto, lorawan::byte_view phy_payload);
  // A data uplink carrying `payload` on `f_port`, with the ACK bit and the MAC answers owed (as many as
  // fit in FOpts); FCnt counts up. Needs a session.
  lorawan::result<built_uplink> build_uplink(lorawan::crypto_context& crypto, lorawan::byte_view payload,
                                             std::uint8_t f_port = 1);
  // Takes a data downlink: wrong_mtype for anything else, invalid_mic when it is not for this session
  // (or not joined), fcnt_replay when FCntDown does not increase. Accepted downlinks update the device:
  // ACK owed when confirmed, MAC requests applied and their answers queued.
  lorawan::result<received_downlink> receive_downlink(lorawan::crypto_context& crypto,
                                                      lorawan::byte_view phy_payload);

 private:
  void handle_mac_command(const lorawan::mac::downlink_command& command);
  void queue_answer(lorawan::mac::uplink_command answer);

  std::string device_id_;
  std::optional<otaa_keys> otaa_;
  std::optional<sim::session> session_;
  rx_settings defaults_;
  rx_settings rx_;
  std::uint16_t dev_nonce_ = 0;  // the last one sent
  std::uint16_t next_dev_nonce_ = 0;
  bool join_pending_ = false;
  std::uint32_t f_cnt_ = 0;  // the next uplink's
  std::optional<std::uint32_t> f_cnt_down_;
  bool ack_pending_ = false;
  std::vector<lorawan::mac::uplink_command> answers_;  // oldest first
  std::optional<lorawan::mac::link_check_ans> link_check_;
};

}  // namespace tether::sim
