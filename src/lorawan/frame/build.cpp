#include "lorawan/frame/build.hpp"

#include "lorawan/frame/fctrl.hpp"
#include "lorawan/frame/mhdr.hpp"
#include "lorawan/frame/wire.hpp"

namespace tether::lorawan {
namespace {

void append(bytes& out, byte_view v) { out.insert(out.end(), v.begin(), v.end()); }

result<void> check_data_frame(const data_frame& f) {
  if (!is_data(f.type)) return lorawan_error::wrong_mtype;
  if (f.header.f_opts.size() > 15) return lorawan_error::fopts_too_long;
  if (!f.f_port && !f.frm_payload.empty()) return lorawan_error::missing_fport;
  if (f.f_port && *f.f_port == 0 && !f.header.f_opts.empty()) return lorawan_error::mac_commands_twice;
  const std::size_t size = 12 + f.header.f_opts.size() + (f.f_port ? 1 : 0) + f.frm_payload.size();
  if (size > max_phy_payload_size) return lorawan_error::too_long;
  return {};
}

}  // namespace

result<bytes> build_data_frame(const data_frame& f) {
  if (auto ok = check_data_frame(f); !ok) return ok.error();
  bytes out;
  out.reserve(13 + f.header.f_opts.size() + f.frm_payload.size());
  out.push_back(build_mhdr(f.type));
  wire::append_le(out, f.header.dev_addr, 4);
  out.push_back(
      build_fctrl(f.header.f_ctrl, direction_of(f.type), static_cast<std::uint8_t>(f.header.f_opts.size())));
  wire::append_le(out, f.header.f_cnt, 2);
  append(out, f.header.f_opts);
  if (f.f_port) out.push_back(*f.f_port);
  append(out, f.frm_payload);
  append(out, f.mic);
  return out;
}

bytes build_join_request(const join_request& r) {
  bytes out;
  out.reserve(23);
  out.push_back(build_mhdr(mtype::join_request));
  wire::append_le(out, r.join_eui, 8);
  wire::append_le(out, r.dev_eui, 8);
  wire::append_le(out, r.dev_nonce, 2);
  append(out, r.mic);
  return out;
}

bytes build_join_accept(const join_accept& a) {
  bytes out;
  out.reserve(33);
  out.push_back(build_mhdr(mtype::join_accept));
  wire::append_le(out, a.join_nonce, 3);
  wire::append_le(out, a.net_id, 3);
  wire::append_le(out, a.dev_addr, 4);
  const auto& s = a.dl_settings;
  out.push_back(static_cast<std::uint8_t>((s.opt_neg ? 0x80 : 0) | ((s.rx1_dr_offset & 0x07) << 4) |
                                          (s.rx2_data_rate & 0x0f)));
  out.push_back(a.rx_delay);
  if (a.cf_list) append(out, *a.cf_list);
  append(out, a.mic);
  return out;
}

bytes build_encrypted_join_accept(const encrypted_join_accept& a) {
  bytes out;
  out.reserve(1 + a.body.size());
  out.push_back(build_mhdr(mtype::join_accept));
  append(out, a.body);
  return out;
}

result<bytes> build_phy_payload(const phy_payload& p) {
  struct visitor {
    result<bytes> operator()(const join_request& r) const { return build_join_request(r); }
    result<bytes> operator()(const encrypted_join_accept& a) const {
      if (a.body.size() != 16 && a.body.size() != 32) return lorawan_error::invalid_join_accept;
      return build_encrypted_join_accept(a);
    }
    result<bytes> operator()(const data_frame& f) const { return build_data_frame(f); }
    result<bytes> operator()(const proprietary_frame& f) const {
      if (f.payload.size() + 1 > max_phy_payload_size) return lorawan_error::too_long;
      bytes out{build_mhdr(mtype::proprietary)};
      append(out, f.payload);
      return out;
    }
  };
  return std::visit(visitor{}, p);
}

}  // namespace tether::lorawan
