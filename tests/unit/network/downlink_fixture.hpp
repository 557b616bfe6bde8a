#pragma once
// The downlink path's scenario fixture: one ABP device (dev1, DevAddr 26011234) heard by gw1, uplinks
// with chosen radio settings and age, pushes as an application makes them, TxAcks, and frames decoded
// with the session keys.

#include "lorawan/frame/parse.hpp"
#include "network_fixture.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tether::network::test {

inline constexpr std::uint32_t addr = 0x26011234;
inline const auto nwk = key_of(0x11);
inline const auto app = key_of(0x22);

struct decoded {
  lorawan::data_frame frame;
  bytes payload;  // decrypted
};

class downlinks : public network_test {
 protected:
  void add_device(registry::device_class cls = registry::device_class::a, std::string plan = "EU_863_870") {
    auto d = abp_device("dev1", addr, 0x11, 0x22);
    d.cls = cls;
    d.frequency_plan_id = std::move(plan);
    create(d);
  }
  application_downlink item(std::string_view payload, downlink_priority p = downlink_priority::lowest,
                            bool confirmed = false, std::uint8_t f_port = 2) {
    application_downlink d;
    d.f_port = f_port;
    d.frm_payload = text(payload);
    d.priority = p;
    d.confirmed = confirmed;
    d.correlation_ids = {"as:downlink:" + std::string(payload)};
    return d;
  }
  void push(std::vector<application_downlink> items, bool replace = false) {
    server_->push_downlinks({"app1", "dev1", replace, std::move(items)});
    run();
  }
  struct up_options {
    bool confirmed = false;
    bool ack = false;
    std::uint32_t sf = 7;
    std::uint64_t frequency = 868'100'000;
    std::chrono::milliseconds age{};
    std::uint32_t bandwidth = 125'000;
    std::optional<std::uint32_t> timestamp;  // default: 10 s after the previous uplink's
    bool adr = false;
    float snr = 5;
    bytes f_opts;
    std::vector<std::pair<std::string, float>> also_heard_by;  // more gateways (ID, SNR), same time
  };
  // One uplink heard by gw1 at concentrator time `timestamp`, received by the server `age` ago.
  // Uplinks are 10 s apart on the gateway's clock unless told otherwise, as a device's would be: the
  // downlinks answering them must not overlap on the gateway's transmitter.
  void uplink(std::uint32_t f_cnt, bool confirmed = false, bool ack = false, std::uint32_t sf = 7,
              std::uint64_t frequency = 868'100'000, std::chrono::milliseconds age = {},
              std::uint32_t bandwidth = 125'000, std::optional<std::uint32_t> timestamp = std::nullopt) {
    uplink_with(f_cnt, {confirmed, ack, sf, frequency, age, bandwidth, timestamp});
  }
  void uplink_with(std::uint32_t f_cnt, const up_options& u) {
    lorawan::data_frame f;
    f.type = u.confirmed ? lorawan::mtype::confirmed_data_up : lorawan::mtype::unconfirmed_data_up;
    f.header.dev_addr = addr;
    f.header.f_ctrl.ack = u.ack;
    f.header.f_ctrl.adr = u.adr;
    f.header.f_opts = u.f_opts;
    f.f_port = 1;
    f.frm_payload = text("up");
    auto wire = lorawan::encode_data_frame(crypto_, f, f_cnt, nwk.bytes, app.bytes);
    ASSERT_TRUE(wire);
    gateway_uplink up;
    up.raw_payload = *wire;
    up.settings.data_rate = lora_data_rate{u.bandwidth, u.sf, "4/5"};
    up.settings.frequency = u.frequency;
    const auto timestamp = u.timestamp.value_or(next_timestamp_);
    next_timestamp_ = timestamp + 10'000'000;
    up.settings.timestamp = timestamp;
    rx_metadata m;
    m.gateway_id = "gw1";
    m.timestamp = timestamp;
    m.snr = u.snr;
    m.uplink_token = text("token-gw1");
    up.rx_metadata.push_back(m);
    for (const auto& [gateway, snr] : u.also_heard_by) {
      m.gateway_id = gateway;
      m.snr = snr;
      m.uplink_token = text("token-" + gateway);
      up.rx_metadata.push_back(m);
    }
    up.received_at = std::chrono::system_clock::now() - u.age;
    up.correlation_ids.push_back("gs:uplink:1");
    server_->handle_uplink(std::move(up));
    run();
  }
  std::uint32_t next_timestamp_ = 1'000'000;

  decoded decode(const downlink_tx& tx) {
    auto f = lorawan::parse_data_frame(tx.raw_payload);
    EXPECT_TRUE(f);
    decoded d{*f, {}};
    const auto f_cnt = f->header.f_cnt;  // counters stay below 2^16 here
    lorawan::decrypt_frm_payload(crypto_, *f, f_cnt, nwk.bytes, app.bytes, d.payload);
    return d;
  }
  void ack(const downlink_tx& tx, tx_result result = tx_result::success) {
    tx_ack a;
    a.gateway_id = tx.gateway_id;
    a.downlink_id = tx.id;
    a.result = result;
    server_->handle_tx_ack(a);
    run();
  }
  std::vector<downlink_outcome> outcomes() const {
    std::vector<downlink_outcome> out;
    for (const auto& e : events_.downlinks) out.push_back(e.outcome);
    return out;
  }
};

using o = downlink_outcome;

}  // namespace tether::network::test
