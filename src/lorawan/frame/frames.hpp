#pragma once
// PHYPayload of LoRaWAN 1.0.x as plain structs. Identifiers are numbers in display (big-endian) form;
// the codec in parse.hpp/build.hpp maps them to little-endian wire bytes.

#include "lorawan/types.hpp"

#include <cstdint>
#include <optional>
#include <variant>

namespace tether::lorawan {

enum class mtype : std::uint8_t {
  join_request = 0,
  join_accept = 1,
  unconfirmed_data_up = 2,
  unconfirmed_data_down = 3,
  confirmed_data_up = 4,
  confirmed_data_down = 5,
  rfu = 6,
  proprietary = 7,
};

constexpr bool is_data(mtype t) { return t >= mtype::unconfirmed_data_up && t <= mtype::confirmed_data_down; }
constexpr bool is_confirmed(mtype t) {
  return t == mtype::confirmed_data_up || t == mtype::confirmed_data_down;
}
constexpr direction direction_of(mtype t) {
  return (t == mtype::join_request || t == mtype::unconfirmed_data_up || t == mtype::confirmed_data_up)
             ? direction::uplink
             : direction::downlink;
}
const char* to_string(mtype t);

// FCtrl: bit 6 is ADRACKReq uplink and RFU downlink; bit 4 is ClassB uplink (1.0.3+) and FPending downlink.
struct fctrl {
  bool adr = false;
  bool adr_ack_req =
      false;  // uplink only; in a downlink this is the RFU bit, kept for a byte-exact round trip
  bool ack = false;
  bool class_b = false;    // uplink only
  bool f_pending = false;  // downlink only
  bool operator==(const fctrl&) const = default;
};

struct fhdr {
  std::uint32_t dev_addr = 0;
  fctrl f_ctrl;
  std::uint16_t f_cnt = 0;  // the 16 LSBs of the 32-bit counter
  bytes f_opts;             // MAC commands in clear, at most 15 bytes
  bool operator==(const fhdr&) const = default;
};

struct data_frame {
  mtype type = mtype::unconfirmed_data_up;
  fhdr header;
  std::optional<std::uint8_t> f_port;
  bytes frm_payload;  // as on the wire (encrypted) after parsing
  lorawan::mic mic{};
  bool operator==(const data_frame&) const = default;
};

struct join_request {
  std::uint64_t join_eui = 0;  // AppEUI in 1.0.x
  std::uint64_t dev_eui = 0;
  std::uint16_t dev_nonce = 0;
  lorawan::mic mic{};
  bool operator==(const join_request&) const = default;
};

struct dl_settings {
  bool opt_neg = false;  // bit 7: RFU in 1.0.x (LoRaWAN 1.1 OptNeg), kept for a byte-exact round trip
  std::uint8_t rx1_dr_offset = 0;  // 3 bits
  std::uint8_t rx2_data_rate = 0;  // 4 bits
  bool operator==(const dl_settings&) const = default;
};

// Join-accept in clear, as the device sees it after decryption.
struct join_accept {
  std::uint32_t join_nonce = 0;  // AppNonce in 1.0.0-1.0.3, 24 bits
  std::uint32_t net_id = 0;      // 24 bits
  std::uint32_t dev_addr = 0;
  lorawan::dl_settings dl_settings;
  std::uint8_t rx_delay = 0;  // bits 3:0 seconds (0 means 1), bits 7:4 RFU
  std::optional<aes_block> cf_list;
  lorawan::mic mic{};
  bool operator==(const join_accept&) const = default;
};

// Join-accept as it travels: everything after MHDR is encrypted, so fields need the AppKey.
struct encrypted_join_accept {
  bytes body;  // 16 or 32 bytes
  bool operator==(const encrypted_join_accept&) const = default;
};

// Proprietary frames have no format defined by LoRaWAN: everything after MHDR is kept as is.
struct proprietary_frame {
  bytes payload;
  bool operator==(const proprietary_frame&) const = default;
};

using phy_payload = std::variant<join_request, encrypted_join_accept, data_frame, proprietary_frame>;

}  // namespace tether::lorawan
