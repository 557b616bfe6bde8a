// LoRaWAN library hot path: what the network server does for each uplink copy (parse, MIC, decrypt).

#include "lorawan/frame/parse.hpp"
#include "lorawan/secure_frame.hpp"

#include <benchmark/benchmark.h>

#include <cstdlib>

namespace {

using namespace tether::lorawan;

constexpr aes_key nwk_s_key{0x44, 0x02, 0x42, 0x41, 0xed, 0x4c, 0xe9, 0xa6,
                            0x8c, 0x6a, 0x8b, 0xc0, 0x55, 0x23, 0x3f, 0xd3};
constexpr aes_key app_s_key{0xec, 0x92, 0x58, 0x02, 0xae, 0x43, 0x0c, 0xa7,
                            0x7f, 0xd3, 0xdd, 0x73, 0xcb, 0x2c, 0xc5, 0x88};
constexpr std::uint32_t fcnt = 0x00010002;

// A 26-byte uplink: FHDR without FOpts, FPort 1, 13 bytes of FRMPayload.
bytes make_uplink(crypto_context& crypto) {
  data_frame f;
  f.type = mtype::unconfirmed_data_up;
  f.header.dev_addr = 0x26011234;
  f.header.f_ctrl.adr = true;
  f.f_port = 1;
  f.frm_payload = {'h', 'e', 'l', 'l', 'o', ',', ' ', 'w', 'o', 'r', 'l', 'd', '!'};
  return encode_data_frame(crypto, f, fcnt, nwk_s_key, app_s_key).value();
}

void check(bool ok) {
  if (!ok) std::abort();
}

void parse_verify_decrypt(benchmark::State& state) {
  crypto_context crypto;
  const bytes wire = make_uplink(crypto);
  bytes clear;
  for (auto _ : state) {
    auto frame = parse_data_frame(wire);
    check(frame.has_value() && verify_data_mic(crypto, nwk_s_key, wire, fcnt));
    decrypt_frm_payload(crypto, *frame, fcnt, nwk_s_key, app_s_key, clear);
    benchmark::DoNotOptimize(clear.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(parse_verify_decrypt);

// Every frame from another device: the cached key schedules never hit.
void parse_verify_decrypt_new_keys(benchmark::State& state) {
  crypto_context crypto;
  const bytes wire = make_uplink(crypto);
  aes_key nwk = nwk_s_key, app = app_s_key;
  bytes clear;
  for (auto _ : state) {
    ++nwk[0];
    ++app[0];
    auto frame = parse_data_frame(wire);
    benchmark::DoNotOptimize(verify_data_mic(crypto, nwk, wire, fcnt));
    decrypt_frm_payload(crypto, *frame, fcnt, nwk, app, clear);
    benchmark::DoNotOptimize(clear.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(parse_verify_decrypt_new_keys);

void parse_only(benchmark::State& state) {
  crypto_context crypto;
  const bytes wire = make_uplink(crypto);
  for (auto _ : state) benchmark::DoNotOptimize(parse_data_frame(wire));
}
BENCHMARK(parse_only);

void verify_mic_only(benchmark::State& state) {
  crypto_context crypto;
  const bytes wire = make_uplink(crypto);
  for (auto _ : state) benchmark::DoNotOptimize(verify_data_mic(crypto, nwk_s_key, wire, fcnt));
}
BENCHMARK(verify_mic_only);

void encode_uplink(benchmark::State& state) {
  crypto_context crypto;
  data_frame f = parse_data_frame(make_uplink(crypto)).value();
  for (auto _ : state) benchmark::DoNotOptimize(encode_data_frame(crypto, f, fcnt, nwk_s_key, app_s_key));
}
BENCHMARK(encode_uplink);

}  // namespace

BENCHMARK_MAIN();
