// `tether lorawan decode|encode`: a frame debugger on top of the LoRaWAN library. `decode` prints one
// frame as JSON (fields, MIC check, decrypted payload, MAC commands); `encode` builds a data frame, a
// join-request or a join-accept from flags and prints it as hex.

#include "cli/commands.hpp"
#include "core/hex.hpp"
#include "lorawan/frame/build.hpp"
#include "lorawan/frame/parse.hpp"
#include "lorawan/mac/mac_codec.hpp"
#include "lorawan/mac/mac_fields.hpp"
#include "lorawan/secure_frame.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

namespace tether::cli {
namespace {

using namespace tether::lorawan;
using json = nlohmann::json;

// A flag value that does not parse: reported as a usage error (exit code 2).
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string hex_of(byte_view b) {
  return core::to_hex(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
}

std::string upper_hex(std::uint64_t value, int digits) {
  static constexpr char table[] = "0123456789ABCDEF";
  std::string out(static_cast<std::size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i, value >>= 4) out[static_cast<std::size_t>(i)] = table[value & 0xf];
  return out;
}

bytes parse_bytes(const std::string& text, const char* what) {
  auto raw = core::from_hex(text);
  if (!raw) throw usage_error(std::string(what) + ": not hex");
  return bytes(raw->begin(), raw->end());
}

// A big-endian identifier of `size` bytes (DevAddr 4, EUI 8, NetID/JoinNonce 3).
std::uint64_t parse_id(const std::string& text, std::size_t size, const char* what) {
  const bytes b = parse_bytes(text, what);
  if (b.size() != size)
    throw usage_error(std::string(what) + ": expected " + std::to_string(size) + " bytes");
  std::uint64_t v = 0;
  for (std::uint8_t byte : b) v = (v << 8) | byte;
  return v;
}

std::optional<aes_key> parse_key(const std::string& text, const char* what) {
  if (text.empty()) return std::nullopt;
  const bytes b = parse_bytes(text, what);
  if (b.size() != 16) throw usage_error(std::string(what) + ": expected 16 bytes");
  aes_key k{};
  std::copy(b.begin(), b.end(), k.begin());
  return k;
}

template <class Command>
json mac_commands_json(const mac::decoded_list<Command>& list) {
  json out = json::array();
  for (const auto& command : list.commands) {
    json c = {{"name", mac::name_of(command)}};
    for (const auto& f : mac::fields_of(command)) {
      c[std::string(f.name)] = f.is_flag ? json(f.value != 0) : json(f.value);
    }
    out.push_back(std::move(c));
  }
  if (list.stop != lorawan_error::ok) {
    out.push_back({{"error", make_error_code(list.stop).message()}, {"offset", list.stop_offset}});
  }
  return out;
}

json mac_commands_json(direction dir, byte_view data) {
  return dir == direction::uplink ? mac_commands_json(mac::decode_uplink(data))
                                  : mac_commands_json(mac::decode_downlink(data));
}

struct decode_options {
  std::string hex;
  std::string nwk_s_key, app_s_key, app_key;
  std::optional<std::uint32_t> fcnt;
};

json fctrl_json(const fctrl& f, direction dir) {
  json j = {{"adr", f.adr}, {"ack", f.ack}};
  if (dir == direction::uplink) {
    j["adr_ack_req"] = f.adr_ack_req;
    j["class_b"] = f.class_b;
  } else {
    j["f_pending"] = f.f_pending;
    if (f.adr_ack_req) j["rfu"] = true;
  }
  return j;
}

json decode_data(crypto_context& crypto, const data_frame& f, byte_view wire, const decode_options& o) {
  const auto dir = direction_of(f.type);
  std::uint32_t fcnt = f.header.f_cnt;
  if (o.fcnt) {
    if ((*o.fcnt & 0xffff) != f.header.f_cnt)
      throw usage_error("--fcnt: low 16 bits differ from the frame's FCnt");
    fcnt = *o.fcnt;
  }
  json j = {{"dev_addr", upper_hex(f.header.dev_addr, 8)},
            {"f_ctrl", fctrl_json(f.header.f_ctrl, dir)},
            {"f_cnt", fcnt},
            {"f_opts", hex_of(f.header.f_opts)},
            {"frm_payload", hex_of(f.frm_payload)},
            {"mic", hex_of(f.mic)}};
  j["f_port"] = f.f_port ? json(*f.f_port) : json(nullptr);
  if (!f.header.f_opts.empty()) j["mac_commands"] = mac_commands_json(dir, f.header.f_opts);
  const auto nwk = parse_key(o.nwk_s_key, "--nwk-s-key");
  const auto app = parse_key(o.app_s_key, "--app-s-key");
  if (nwk) j["mic_valid"] = verify_data_mic(crypto, *nwk, wire, fcnt);
  const bool port_zero = f.f_port.value_or(0) == 0;
  if (!f.frm_payload.empty() && ((port_zero && nwk) || (!port_zero && app))) {
    bytes clear;
    decrypt_frm_payload(crypto, f, fcnt, nwk.value_or(aes_key{}), app.value_or(aes_key{}), clear);
    j["decrypted_payload"] = hex_of(clear);
    if (port_zero) j["mac_commands"] = mac_commands_json(dir, clear);
  }
  return j;
}

json decode_join_request(crypto_context& crypto, const join_request& r, byte_view wire,
                         const decode_options& o) {
  json j = {{"join_eui", upper_hex(r.join_eui, 16)},
            {"dev_eui", upper_hex(r.dev_eui, 16)},
            {"dev_nonce", upper_hex(r.dev_nonce, 4)},
            {"mic", hex_of(r.mic)}};
  if (auto key = parse_key(o.app_key, "--app-key"))
    j["mic_valid"] = verify_join_request_mic(crypto, *key, wire);
  return j;
}

json decode_join_accept(crypto_context& crypto, const encrypted_join_accept& a, byte_view wire,
                        const decode_options& o) {
  json j = {{"encrypted", hex_of(a.body)}};
  const auto key = parse_key(o.app_key, "--app-key");
  if (!key) return j;
  auto accept = lorawan::decode_join_accept(crypto, wire, *key);
  j["mic_valid"] = accept.has_value();
  if (!accept) return j;
  j.update({{"join_nonce", upper_hex(accept->join_nonce, 6)},
            {"net_id", upper_hex(accept->net_id, 6)},
            {"dev_addr", upper_hex(accept->dev_addr, 8)},
            {"rx1_dr_offset", accept->dl_settings.rx1_dr_offset},
            {"rx2_data_rate", accept->dl_settings.rx2_data_rate},
            {"rx_delay", accept->rx_delay},
            {"mic", hex_of(accept->mic)}});
  j["cf_list"] = accept->cf_list ? json(hex_of(*accept->cf_list)) : json(nullptr);
  return j;
}

int run_decode(const decode_options& o) {
  const bytes wire = parse_bytes(o.hex, "HEX");
  auto parsed = parse_phy_payload(wire);
  if (!parsed) {
    std::fprintf(stderr, "tether lorawan decode: %s\n", parsed.error().message().c_str());
    return 1;
  }
  crypto_context crypto;
  const auto type = static_cast<mtype>(wire[0] >> 5);
  json out = {{"phy_payload", hex_of(wire)}, {"m_type", to_string(type)}, {"major", "LoRaWANR1"}};
  struct visitor {
    crypto_context& crypto;
    byte_view wire;
    const decode_options& o;
    json operator()(const data_frame& f) const { return decode_data(crypto, f, wire, o); }
    json operator()(const join_request& r) const { return decode_join_request(crypto, r, wire, o); }
    json operator()(const encrypted_join_accept& a) const { return decode_join_accept(crypto, a, wire, o); }
    json operator()(const proprietary_frame& p) const { return {{"payload", hex_of(p.payload)}}; }
  };
  out.update(std::visit(visitor{crypto, wire, o}, *parsed));
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}

struct data_options {
  bool downlink = false, confirmed = false, adr = false, ack = false, adr_ack_req = false, f_pending = false,
       class_b = false;
  std::string dev_addr, payload, f_opts, nwk_s_key, app_s_key;
  std::uint32_t fcnt = 0;
  std::optional<int> f_port;
};

int run_encode_data(const data_options& o) {
  data_frame f;
  f.type = o.downlink ? (o.confirmed ? mtype::confirmed_data_down : mtype::unconfirmed_data_down)
                      : (o.confirmed ? mtype::confirmed_data_up : mtype::unconfirmed_data_up);
  f.header.dev_addr = static_cast<std::uint32_t>(parse_id(o.dev_addr, 4, "--dev-addr"));
  f.header.f_ctrl = {o.adr, o.adr_ack_req, o.ack, o.class_b, o.f_pending};
  f.header.f_opts = parse_bytes(o.f_opts, "--f-opts");
  if (o.f_port) f.f_port = static_cast<std::uint8_t>(*o.f_port);
  f.frm_payload = parse_bytes(o.payload, "--payload");
  const auto nwk = parse_key(o.nwk_s_key, "--nwk-s-key").value_or(aes_key{});
  const auto app = parse_key(o.app_s_key, "--app-s-key").value_or(aes_key{});
  crypto_context crypto;
  auto frame = encode_data_frame(crypto, std::move(f), o.fcnt, nwk, app);
  if (!frame) throw usage_error(frame.error().message());
  std::printf("%s\n", hex_of(*frame).c_str());
  return 0;
}

struct join_request_options {
  std::string join_eui, dev_eui, dev_nonce, app_key;
};

int run_encode_join_request(const join_request_options& o) {
  join_request r;
  r.join_eui = parse_id(o.join_eui, 8, "--join-eui");
  r.dev_eui = parse_id(o.dev_eui, 8, "--dev-eui");
  r.dev_nonce = static_cast<std::uint16_t>(parse_id(o.dev_nonce, 2, "--dev-nonce"));
  crypto_context crypto;
  std::printf("%s\n", hex_of(encode_join_request(crypto, r, *parse_key(o.app_key, "--app-key"))).c_str());
  return 0;
}

struct join_accept_options {
  std::string join_nonce, net_id, dev_addr, cf_list, app_key;
  int rx1_dr_offset = 0, rx2_data_rate = 0, rx_delay = 0;
};

int run_encode_join_accept(const join_accept_options& o) {
  join_accept a;
  a.join_nonce = static_cast<std::uint32_t>(parse_id(o.join_nonce, 3, "--join-nonce"));
  a.net_id = static_cast<std::uint32_t>(parse_id(o.net_id, 3, "--net-id"));
  a.dev_addr = static_cast<std::uint32_t>(parse_id(o.dev_addr, 4, "--dev-addr"));
  a.dl_settings.rx1_dr_offset = static_cast<std::uint8_t>(o.rx1_dr_offset);
  a.dl_settings.rx2_data_rate = static_cast<std::uint8_t>(o.rx2_data_rate);
  a.rx_delay = static_cast<std::uint8_t>(o.rx_delay);
  if (!o.cf_list.empty()) {
    const bytes cf = parse_bytes(o.cf_list, "--cf-list");
    if (cf.size() != 16) throw usage_error("--cf-list: expected 16 bytes");
    a.cf_list.emplace();
    std::copy(cf.begin(), cf.end(), a.cf_list->begin());
  }
  crypto_context crypto;
  std::printf("%s\n", hex_of(encode_join_accept(crypto, a, *parse_key(o.app_key, "--app-key"))).c_str());
  return 0;
}

// Runs a command body, turning bad flag values into exit code 2 with one line on stderr.
template <class Body>
void guarded(command_context& ctx, const char* name, Body body) {
  try {
    ctx.exit_code = body();
  } catch (const usage_error& e) {
    std::fprintf(stderr, "tether lorawan %s: %s\n", name, e.what());
    ctx.exit_code = 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tether lorawan %s: %s\n", name, e.what());
    ctx.exit_code = 1;
  }
}

const char* key_check = "32 hex digits";

void add_decode(CLI::App& lorawan, command_context& ctx) {
  auto o = std::make_shared<decode_options>();
  auto* cmd = lorawan.add_subcommand("decode", "Decode a PHYPayload given in hex and print it as JSON");
  cmd->add_option("HEX", o->hex, "PHYPayload in hex")->required();
  cmd->add_option("--nwk-s-key", o->nwk_s_key, "NwkSKey: verifies the MIC, decrypts FPort 0")
      ->type_name(key_check);
  cmd->add_option("--app-s-key", o->app_s_key, "AppSKey: decrypts FPort 1..255")->type_name(key_check);
  cmd->add_option("--app-key", o->app_key, "AppKey: join-request MIC, join-accept decryption")
      ->type_name(key_check);
  cmd->add_option("--fcnt", o->fcnt, "full 32-bit frame counter (default: the 16 bits on the wire)");
  cmd->callback([o, &ctx] { guarded(ctx, "decode", [&] { return run_decode(*o); }); });
}

void add_encode_data(CLI::App& encode, command_context& ctx) {
  auto o = std::make_shared<data_options>();
  auto* cmd = encode.add_subcommand("data", "Build an encrypted, signed data uplink or downlink");
  cmd->add_option("--dev-addr", o->dev_addr, "DevAddr, 8 hex digits (big-endian)")->required();
  cmd->add_option("--fcnt", o->fcnt, "32-bit frame counter")->default_val(0);
  cmd->add_option("--fport", o->f_port, "FPort 0..255 (0: FRMPayload carries MAC commands)")
      ->check(CLI::Range(0, 255));
  cmd->add_option("--payload", o->payload, "FRMPayload in clear, hex");
  cmd->add_option("--f-opts", o->f_opts, "FOpts (MAC commands in clear), hex");
  cmd->add_option("--nwk-s-key", o->nwk_s_key, "NwkSKey")->required()->type_name(key_check);
  cmd->add_option("--app-s-key", o->app_s_key, "AppSKey")->type_name(key_check);
  cmd->add_flag("--downlink", o->downlink, "a downlink (default: uplink)");
  cmd->add_flag("--confirmed", o->confirmed, "confirmed data");
  cmd->add_flag("--adr", o->adr, "FCtrl.ADR");
  cmd->add_flag("--ack", o->ack, "FCtrl.ACK");
  cmd->add_flag("--adr-ack-req", o->adr_ack_req, "FCtrl.ADRACKReq (uplink)");
  cmd->add_flag("--f-pending", o->f_pending, "FCtrl.FPending (downlink)");
  cmd->add_flag("--class-b", o->class_b, "FCtrl.ClassB (uplink, 1.0.3+)");
  cmd->callback([o, &ctx] { guarded(ctx, "encode data", [&] { return run_encode_data(*o); }); });
}

void add_encode_join_request(CLI::App& encode, command_context& ctx) {
  auto o = std::make_shared<join_request_options>();
  auto* cmd = encode.add_subcommand("join-request", "Build a signed join-request");
  cmd->add_option("--join-eui", o->join_eui, "JoinEUI (AppEUI), 16 hex digits")->required();
  cmd->add_option("--dev-eui", o->dev_eui, "DevEUI, 16 hex digits")->required();
  cmd->add_option("--dev-nonce", o->dev_nonce, "DevNonce, 4 hex digits")->required();
  cmd->add_option("--app-key", o->app_key, "AppKey")->required()->type_name(key_check);
  cmd->callback(
      [o, &ctx] { guarded(ctx, "encode join-request", [&] { return run_encode_join_request(*o); }); });
}

void add_encode_join_accept(CLI::App& encode, command_context& ctx) {
  auto o = std::make_shared<join_accept_options>();
  auto* cmd = encode.add_subcommand("join-accept", "Build a signed, encrypted join-accept");
  cmd->add_option("--join-nonce", o->join_nonce, "JoinNonce (AppNonce), 6 hex digits")->required();
  cmd->add_option("--net-id", o->net_id, "NetID, 6 hex digits")->required();
  cmd->add_option("--dev-addr", o->dev_addr, "DevAddr, 8 hex digits")->required();
  cmd->add_option("--rx1-dr-offset", o->rx1_dr_offset, "RX1DROffset 0..7")->check(CLI::Range(0, 7));
  cmd->add_option("--rx2-data-rate", o->rx2_data_rate, "RX2 data rate 0..15")->check(CLI::Range(0, 15));
  cmd->add_option("--rx-delay", o->rx_delay, "RxDelay byte 0..255")->check(CLI::Range(0, 255));
  cmd->add_option("--cf-list", o->cf_list, "CFList, 32 hex digits");
  cmd->add_option("--app-key", o->app_key, "AppKey")->required()->type_name(key_check);
  cmd->callback(
      [o, &ctx] { guarded(ctx, "encode join-accept", [&] { return run_encode_join_accept(*o); }); });
}

}  // namespace

void add_lorawan_command(CLI::App& app, command_context& ctx) {
  auto* lorawan = app.add_subcommand("lorawan", "Decode and encode LoRaWAN frames");
  lorawan->require_subcommand(1);
  add_decode(*lorawan, ctx);
  auto* encode = lorawan->add_subcommand("encode", "Build a LoRaWAN frame and print it in hex");
  encode->require_subcommand(1);
  add_encode_data(*encode, ctx);
  add_encode_join_request(*encode, ctx);
  add_encode_join_accept(*encode, ctx);
}

}  // namespace tether::cli
