#include "lorawan/frame/parse.hpp"

#include "lorawan/frame/fctrl.hpp"
#include "lorawan/frame/mhdr.hpp"
#include "lorawan/frame/wire.hpp"

#include <algorithm>

namespace tether::lorawan {
namespace {

constexpr std::size_t mic_size = 4;
constexpr std::size_t join_request_size = 23;
constexpr std::size_t min_data_frame_size = 12;  // MHDR + FHDR(7) + MIC

result<mtype> expect_mtype(byte_view wire, bool (*accepts)(mtype)) {
  if (wire.empty()) return lorawan_error::truncated;
  if (wire.size() > max_phy_payload_size) return lorawan_error::too_long;
  auto type = parse_mhdr(wire[0]);
  if (!type) return type.error();
  if (!accepts(*type)) return lorawan_error::wrong_mtype;
  return *type;
}

lorawan::mic read_mic(byte_view wire) {
  lorawan::mic m{};
  std::copy(wire.end() - mic_size, wire.end(), m.begin());
  return m;
}

bytes copy_bytes(byte_view v) { return bytes(v.begin(), v.end()); }

}  // namespace

result<data_frame> parse_data_frame(byte_view wire) {
  auto type = expect_mtype(wire, [](mtype t) { return is_data(t); });
  if (!type) return type.error();
  if (wire.size() < min_data_frame_size) return lorawan_error::truncated;

  data_frame f;
  f.type = *type;
  const std::uint8_t* p = wire.data();
  f.header.dev_addr = static_cast<std::uint32_t>(wire::read_le(p + 1, 4));
  f.header.f_ctrl = parse_fctrl(p[5], direction_of(f.type));
  f.header.f_cnt = static_cast<std::uint16_t>(wire::read_le(p + 6, 2));

  const std::size_t fopts_len = fopts_len_of(p[5]);
  const std::size_t mac_end = wire.size() - mic_size;
  std::size_t pos = 8;
  if (pos + fopts_len > mac_end) return lorawan_error::truncated;
  f.header.f_opts = copy_bytes(wire.subspan(pos, fopts_len));
  pos += fopts_len;
  if (pos < mac_end) {
    f.f_port = p[pos++];
    if (*f.f_port == 0 && fopts_len != 0) return lorawan_error::mac_commands_twice;
    f.frm_payload = copy_bytes(wire.subspan(pos, mac_end - pos));
  }
  f.mic = read_mic(wire);
  return f;
}

result<join_request> parse_join_request(byte_view wire) {
  auto type = expect_mtype(wire, [](mtype t) { return t == mtype::join_request; });
  if (!type) return type.error();
  if (wire.size() < join_request_size) return lorawan_error::truncated;
  if (wire.size() > join_request_size) return lorawan_error::too_long;
  join_request r;
  r.join_eui = wire::read_le(wire.data() + 1, 8);
  r.dev_eui = wire::read_le(wire.data() + 9, 8);
  r.dev_nonce = static_cast<std::uint16_t>(wire::read_le(wire.data() + 17, 2));
  r.mic = read_mic(wire);
  return r;
}

result<encrypted_join_accept> parse_encrypted_join_accept(byte_view wire) {
  auto type = expect_mtype(wire, [](mtype t) { return t == mtype::join_accept; });
  if (!type) return type.error();
  if (wire.size() != 17 && wire.size() != 33) return lorawan_error::invalid_join_accept;
  return encrypted_join_accept{copy_bytes(wire.subspan(1))};
}

result<join_accept> parse_join_accept(byte_view clear) {
  auto type = expect_mtype(clear, [](mtype t) { return t == mtype::join_accept; });
  if (!type) return type.error();
  if (clear.size() != 17 && clear.size() != 33) return lorawan_error::invalid_join_accept;
  const std::uint8_t* p = clear.data();
  join_accept a;
  a.join_nonce = static_cast<std::uint32_t>(wire::read_le(p + 1, 3));
  a.net_id = static_cast<std::uint32_t>(wire::read_le(p + 4, 3));
  a.dev_addr = static_cast<std::uint32_t>(wire::read_le(p + 7, 4));
  a.dl_settings.opt_neg = (p[11] & 0x80) != 0;
  a.dl_settings.rx1_dr_offset = (p[11] >> 4) & 0x07;
  a.dl_settings.rx2_data_rate = p[11] & 0x0f;
  a.rx_delay = p[12];
  if (clear.size() == 33) {
    aes_block cf{};
    std::copy(p + 13, p + 29, cf.begin());
    a.cf_list = cf;
  }
  a.mic = read_mic(clear);
  return a;
}

result<phy_payload> parse_phy_payload(byte_view wire) {
  if (wire.empty()) return lorawan_error::truncated;
  auto type = parse_mhdr(wire[0]);
  if (!type) return type.error();
  switch (*type) {
    case mtype::join_request: {
      auto r = parse_join_request(wire);
      if (!r) return r.error();
      return phy_payload{*r};
    }
    case mtype::join_accept: {
      auto a = parse_encrypted_join_accept(wire);
      if (!a) return a.error();
      return phy_payload{std::move(*a)};
    }
    case mtype::proprietary:
      if (wire.size() > max_phy_payload_size) return lorawan_error::too_long;
      return phy_payload{proprietary_frame{copy_bytes(wire.subspan(1))}};
    default: {
      auto d = parse_data_frame(wire);
      if (!d) return d.error();
      return phy_payload{std::move(*d)};
    }
  }
}

}  // namespace tether::lorawan
