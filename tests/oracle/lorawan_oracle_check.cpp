// The C++ side of the lora-packet oracle (see lorawan_oracle.js and tests/system/test_lorawan_oracle.py).
//   lorawan_oracle_check decode < lines        frames built by lora-packet: parse, verify, decrypt, compare
//   every
//                                              field, and rebuild them byte-exactly from the fields
//   lorawan_oracle_check generate COUNT SEED   random frames built by Tether, as JSON lines for lora-packet
// Prints {"checked":N,"by_kind":{...},"failures":[...]} for decode.

#include "core/hex.hpp"
#include "lorawan/frame/build.hpp"
#include "lorawan/frame/parse.hpp"
#include "lorawan/secure_frame.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <random>
#include <string>

namespace {

using namespace tether::lorawan;
using json = nlohmann::json;

bytes from_hex(const std::string& s) {
  auto raw = tether::core::from_hex(s);
  if (!raw) throw std::invalid_argument("bad hex: " + s);
  return bytes(raw->begin(), raw->end());
}

std::string to_hex(byte_view b) {
  return tether::core::to_hex(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
}

std::uint64_t from_be_hex(const std::string& s) {
  std::uint64_t v = 0;
  for (std::uint8_t b : from_hex(s)) v = (v << 8) | b;
  return v;
}

std::string to_be_hex(std::uint64_t v, std::size_t size) {
  bytes b(size);
  for (std::size_t i = size; i > 0; --i, v >>= 8) b[i - 1] = static_cast<std::uint8_t>(v);
  return to_hex(b);
}

aes_key key_of(const std::string& s) {
  const bytes b = from_hex(s);
  aes_key k{};
  if (b.size() != k.size()) throw std::invalid_argument("bad key");
  std::copy(b.begin(), b.end(), k.begin());
  return k;
}

// The fields a case describes, as our structs (FRMPayload in clear).
data_frame expected_data(const json& c) {
  data_frame f;
  f.type = static_cast<mtype>(c["mtype"].get<int>());
  const bool uplink = direction_of(f.type) == direction::uplink;
  f.header.dev_addr = static_cast<std::uint32_t>(from_be_hex(c["dev_addr"]));
  f.header.f_ctrl = {c["adr"], c["adr_ack_req"], c["ack"], uplink && c["bit4"].get<bool>(),
                     !uplink && c["bit4"].get<bool>()};
  f.header.f_cnt = static_cast<std::uint16_t>(c["fcnt"].get<std::uint32_t>());
  f.header.f_opts = from_hex(c["f_opts"]);
  if (!c["f_port"].is_null()) f.f_port = c["f_port"].get<std::uint8_t>();
  f.frm_payload = from_hex(c["payload"]);
  return f;
}

std::vector<std::string> check_data(crypto_context& crypto, const json& c) {
  std::vector<std::string> failed;
  const bytes wire = from_hex(c["wire"]);
  const auto fcnt = c["fcnt"].get<std::uint32_t>();
  const auto nwk = key_of(c["nwk_s_key"]), app = key_of(c["app_s_key"]);
  data_frame expected = expected_data(c);
  auto parsed = parse_data_frame(wire);
  if (!parsed) return {"parse: " + parsed.error().message()};
  if (!verify_data_mic(crypto, nwk, wire, fcnt)) failed.push_back("mic");
  bytes clear;
  decrypt_frm_payload(crypto, *parsed, fcnt, nwk, app, clear);
  data_frame decoded = *parsed;
  decoded.frm_payload = clear;
  expected.mic = parsed->mic;
  if (!(decoded == expected)) failed.push_back("fields");
  auto rebuilt = encode_data_frame(crypto, expected, fcnt, nwk, app);
  if (!rebuilt || *rebuilt != wire) failed.push_back("encode");
  return failed;
}

std::vector<std::string> check_join_accept(crypto_context& crypto, const json& c) {
  const bytes wire = from_hex(c["wire"]);
  const auto key = key_of(c["app_key"]);
  auto accept = decode_join_accept(crypto, wire, key);
  if (!accept) return {"decode: " + accept.error().message()};
  std::vector<std::string> failed;
  const auto dl = c["dl_settings"].get<std::uint8_t>();
  join_accept expected{
      static_cast<std::uint32_t>(from_be_hex(c["join_nonce"])),
      static_cast<std::uint32_t>(from_be_hex(c["net_id"])),
      static_cast<std::uint32_t>(from_be_hex(c["dev_addr"])),
      {(dl & 0x80) != 0, static_cast<std::uint8_t>((dl >> 4) & 7), static_cast<std::uint8_t>(dl & 15)},
      c["rx_delay"].get<std::uint8_t>(),
      std::nullopt,
      accept->mic};
  const bytes cf = from_hex(c["cf_list"]);
  if (!cf.empty()) {
    expected.cf_list.emplace();
    std::copy(cf.begin(), cf.end(), expected.cf_list->begin());
  }
  if (!(*accept == expected)) failed.push_back("fields");
  if (encode_join_accept(crypto, expected, key) != wire) failed.push_back("encode");
  return failed;
}

std::vector<std::string> check_join_request(crypto_context& crypto, const json& c) {
  const bytes wire = from_hex(c["wire"]);
  const auto key = key_of(c["app_key"]);
  auto request = parse_join_request(wire);
  if (!request) return {"parse: " + request.error().message()};
  std::vector<std::string> failed;
  if (!verify_join_request_mic(crypto, key, wire)) failed.push_back("mic");
  const join_request expected{from_be_hex(c["join_eui"]), from_be_hex(c["dev_eui"]),
                              static_cast<std::uint16_t>(from_be_hex(c["dev_nonce"])), request->mic};
  if (!(*request == expected)) failed.push_back("fields");
  if (encode_join_request(crypto, expected, key) != wire) failed.push_back("encode");
  return failed;
}

int decode_all() {
  crypto_context crypto;
  json result = {{"checked", 0}, {"by_kind", json::object()}, {"failures", json::array()}};
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    const json c = json::parse(line);
    const std::string kind = c["kind"];
    std::vector<std::string> failed;
    try {
      failed = kind == "data"          ? check_data(crypto, c)
               : kind == "join_accept" ? check_join_accept(crypto, c)
                                       : check_join_request(crypto, c);
    } catch (const std::exception& e) {
      failed = {std::string("exception: ") + e.what()};
    }
    result["checked"] = result["checked"].get<int>() + 1;
    result["by_kind"][kind] = result["by_kind"].value(kind, 0) + 1;
    if (!failed.empty()) result["failures"].push_back({{"wire", c["wire"]}, {"failed", failed}});
  }
  std::printf("%s\n", result.dump().c_str());
  return 0;
}

class random_cases {
 public:
  explicit random_cases(std::uint64_t seed) : rng_(seed) {}

  json next(std::size_t i) {
    return i % 10 < 7 ? data() : i % 10 < 9 ? join_accept_case() : join_request_case();
  }

 private:
  std::uint64_t below(std::uint64_t n) {
    return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(rng_);
  }
  bool coin() { return below(2) == 1; }
  bytes random_bytes(std::size_t n) {
    bytes b(n);
    for (auto& x : b) x = static_cast<std::uint8_t>(below(256));
    return b;
  }
  aes_key random_key() {
    aes_key k{};
    for (auto& x : k) x = static_cast<std::uint8_t>(below(256));
    return k;
  }

  json data() {
    crypto_context& crypto = crypto_;
    data_frame f;
    const bool downlink = coin(), confirmed = coin();
    f.type = static_cast<mtype>(2 + (confirmed ? 2 : 0) + (downlink ? 1 : 0));
    const auto fcnt = static_cast<std::uint32_t>(coin() ? below(0x10000) : below(0x100000000));
    const bool bit4 = coin();
    f.header.dev_addr = static_cast<std::uint32_t>(below(0x100000000));
    f.header.f_ctrl = {coin(), !downlink && coin(), coin(), !downlink && bit4, downlink && bit4};
    const auto r = below(10);
    if (r >= 1) f.f_port = static_cast<std::uint8_t>(r == 1 ? 0 : 1 + below(255));
    if (f.f_port.value_or(1) != 0 && below(10) < 3) f.header.f_opts = random_bytes(below(16));
    if (f.f_port) f.frm_payload = random_bytes(below(243 - f.header.f_opts.size()));
    const aes_key nwk = random_key(), app = random_key();
    const bytes wire = encode_data_frame(crypto, f, fcnt, nwk, app).value();
    json c = {{"kind", "data"},
              {"wire", to_hex(wire)},
              {"nwk_s_key", to_hex(nwk)},
              {"app_s_key", to_hex(app)},
              {"mtype", static_cast<int>(f.type)},
              {"fcnt", fcnt},
              {"dev_addr", to_be_hex(f.header.dev_addr, 4)},
              {"adr", f.header.f_ctrl.adr},
              {"adr_ack_req", f.header.f_ctrl.adr_ack_req},
              {"ack", f.header.f_ctrl.ack},
              {"bit4", bit4},
              {"f_opts", to_hex(f.header.f_opts)},
              {"payload", to_hex(f.frm_payload)}};
    c["f_port"] = f.f_port ? json(*f.f_port) : json(nullptr);
    return c;
  }

  json join_accept_case() {
    join_accept a;
    a.join_nonce = static_cast<std::uint32_t>(below(1 << 24));
    a.net_id = static_cast<std::uint32_t>(below(1 << 24));
    a.dev_addr = static_cast<std::uint32_t>(below(0x100000000));
    const auto dl = static_cast<std::uint8_t>(below(128));
    a.dl_settings = {false, static_cast<std::uint8_t>(dl >> 4), static_cast<std::uint8_t>(dl & 15)};
    a.rx_delay = static_cast<std::uint8_t>(below(256));
    bytes cf;
    if (coin()) {
      cf = random_bytes(16);
      a.cf_list.emplace();
      std::copy(cf.begin(), cf.end(), a.cf_list->begin());
    }
    const aes_key key = random_key();
    return {{"kind", "join_accept"},
            {"wire", to_hex(encode_join_accept(crypto_, a, key))},
            {"app_key", to_hex(key)},
            {"join_nonce", to_be_hex(a.join_nonce, 3)},
            {"net_id", to_be_hex(a.net_id, 3)},
            {"dev_addr", to_be_hex(a.dev_addr, 4)},
            {"dl_settings", dl},
            {"rx_delay", a.rx_delay},
            {"cf_list", to_hex(cf)}};
  }

  json join_request_case() {
    join_request r{below(UINT64_MAX), below(UINT64_MAX), static_cast<std::uint16_t>(below(0x10000)), {}};
    const aes_key key = random_key();
    return {{"kind", "join_request"},
            {"wire", to_hex(encode_join_request(crypto_, r, key))},
            {"app_key", to_hex(key)},
            {"join_eui", to_be_hex(r.join_eui, 8)},
            {"dev_eui", to_be_hex(r.dev_eui, 8)},
            {"dev_nonce", to_be_hex(r.dev_nonce, 2)}};
  }

  std::mt19937_64 rng_;
  crypto_context crypto_;
};

int generate_all(std::size_t count, std::uint64_t seed) {
  random_cases cases(seed);
  for (std::size_t i = 0; i < count; ++i) std::printf("%s\n", cases.next(i).dump().c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "decode" && argc == 2) return decode_all();
  if (mode == "generate" && argc == 4) return generate_all(std::stoul(argv[2]), std::stoull(argv[3]));
  std::fprintf(stderr, "usage: lorawan_oracle_check decode | generate COUNT SEED\n");
  return 2;
}
