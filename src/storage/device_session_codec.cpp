#include "storage/device_session_codec.hpp"

#include "storage/byte_codec.hpp"

namespace tether::storage {
namespace {

constexpr std::uint8_t flag_active = 0x01;
constexpr std::uint8_t flag_has_f_cnt_up = 0x02;

template <class Fixed>
Fixed read_fixed(byte_reader& in) {
  return *Fixed::from_bytes(in.raw(Fixed::size));  // raw() returned exactly Fixed::size bytes
}

}  // namespace

std::string encode_device_session(const device_session& s) {
  byte_writer out;
  out.u8(device_session_format);
  out.u8(static_cast<std::uint8_t>((s.active ? flag_active : 0) | (s.has_f_cnt_up ? flag_has_f_cnt_up : 0)));
  out.u32(s.next_join_nonce);
  const auto& nonces = s.used_dev_nonces;
  const std::size_t first = nonces.size() > max_dev_nonces ? nonces.size() - max_dev_nonces : 0;
  out.u8(static_cast<std::uint8_t>(nonces.size() - first));
  for (std::size_t i = first; i < nonces.size(); ++i) out.u16(nonces[i]);
  out.raw(s.dev_addr.view());
  out.raw(s.nwk_s_key.view());
  out.raw(s.app_s_key.view());
  out.u32(s.f_cnt_up);
  out.u32(s.n_f_cnt_down);
  out.u32(s.a_f_cnt_down);
  out.sized({reinterpret_cast<const char*>(s.mac_state.data()), s.mac_state.size()});
  return out.take();
}

device_session decode_device_session(std::string_view blob, const std::string& what) {
  byte_reader in(blob, what);
  if (blob.empty()) in.fail("empty record");
  const auto version = in.u8();
  if (version != device_session_format) {
    in.fail("unknown format version " + std::to_string(version) + " (this tether reads version " +
            std::to_string(device_session_format) + ")");
  }
  device_session s;
  const auto flags = in.u8();
  if (flags & ~(flag_active | flag_has_f_cnt_up)) in.fail("unknown flags");
  s.active = flags & flag_active;
  s.has_f_cnt_up = flags & flag_has_f_cnt_up;
  s.next_join_nonce = in.u32();
  const auto n = in.u8();
  if (n > max_dev_nonces) in.fail("too many DevNonces");
  s.used_dev_nonces.reserve(n);
  for (int i = 0; i < n; ++i) s.used_dev_nonces.push_back(in.u16());
  s.dev_addr = read_fixed<core::dev_addr>(in);
  s.nwk_s_key = read_fixed<core::aes_key>(in);
  s.app_s_key = read_fixed<core::aes_key>(in);
  s.f_cnt_up = in.u32();
  s.n_f_cnt_down = in.u32();
  s.a_f_cnt_down = in.u32();
  auto mac = in.sized();
  s.mac_state.assign(mac.begin(), mac.end());
  in.finish();
  return s;
}

}  // namespace tether::storage
