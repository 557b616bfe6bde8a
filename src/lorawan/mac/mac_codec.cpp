#include "lorawan/mac/mac_codec.hpp"

#include "lorawan/frame/wire.hpp"

namespace tether::lorawan::mac {
namespace {

using wire::append_le;
using wire::read_le;

bool bit(std::uint8_t b, int n) { return ((b >> n) & 1) != 0; }
std::uint8_t bits(bool b2, bool b1, bool b0) {
  return static_cast<std::uint8_t>((b2 ? 4 : 0) | (b1 ? 2 : 0) | (b0 ? 1 : 0));
}
std::uint8_t u8(unsigned v) { return static_cast<std::uint8_t>(v); }

std::uint32_t read_frequency(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(read_le(p, 3)) * 100;
}
bool append_frequency(bytes& out, std::uint32_t hz) {
  if (hz % 100 != 0 || hz / 100 > 0xffffff) return false;
  append_le(out, hz / 100, 3);
  return true;
}
bool fits(std::uint8_t v, unsigned width) { return v < (1u << width); }

// Each command: its payload size, how to read it and how to write it (false when a field is out of range).
#define TETHER_EMPTY_COMMAND(T, NAME)                   \
  constexpr std::size_t size_of(const T*) { return 0; } \
  void read(const std::uint8_t*, T&) {}                 \
  bool write(const T&, bytes&) { return true; }         \
  const char* name(const T&) { return NAME; }

TETHER_EMPTY_COMMAND(link_check_req, "LinkCheckReq")
TETHER_EMPTY_COMMAND(duty_cycle_ans, "DutyCycleAns")
TETHER_EMPTY_COMMAND(rx_timing_setup_ans, "RXTimingSetupAns")
TETHER_EMPTY_COMMAND(tx_param_setup_ans, "TxParamSetupAns")
TETHER_EMPTY_COMMAND(device_time_req, "DeviceTimeReq")
TETHER_EMPTY_COMMAND(beacon_timing_req, "BeaconTimingReq")
TETHER_EMPTY_COMMAND(dev_status_req, "DevStatusReq")
TETHER_EMPTY_COMMAND(ping_slot_info_ans, "PingSlotInfoAns")
#undef TETHER_EMPTY_COMMAND

constexpr std::size_t size_of(const link_adr_ans*) { return 1; }
void read(const std::uint8_t* p, link_adr_ans& c) { c = {bit(p[0], 2), bit(p[0], 1), bit(p[0], 0)}; }
bool write(const link_adr_ans& c, bytes& out) {
  out.push_back(bits(c.power_ack, c.data_rate_ack, c.channel_mask_ack));
  return true;
}
const char* name(const link_adr_ans&) { return "LinkADRAns"; }

constexpr std::size_t size_of(const rx_param_setup_ans*) { return 1; }
void read(const std::uint8_t* p, rx_param_setup_ans& c) { c = {bit(p[0], 2), bit(p[0], 1), bit(p[0], 0)}; }
bool write(const rx_param_setup_ans& c, bytes& out) {
  out.push_back(bits(c.rx1_dr_offset_ack, c.rx2_data_rate_ack, c.channel_ack));
  return true;
}
const char* name(const rx_param_setup_ans&) { return "RXParamSetupAns"; }

constexpr std::size_t size_of(const dev_status_ans*) { return 2; }
void read(const std::uint8_t* p, dev_status_ans& c) {
  c.battery = p[0];
  const int raw = p[1] & 0x3f;  // 6-bit two's complement
  c.margin = static_cast<std::int8_t>(raw >= 32 ? raw - 64 : raw);
}
bool write(const dev_status_ans& c, bytes& out) {
  if (c.margin < -32 || c.margin > 31) return false;
  out.push_back(c.battery);
  out.push_back(u8(static_cast<unsigned>(c.margin) & 0x3f));
  return true;
}
const char* name(const dev_status_ans&) { return "DevStatusAns"; }

constexpr std::size_t size_of(const new_channel_ans*) { return 1; }
void read(const std::uint8_t* p, new_channel_ans& c) { c = {bit(p[0], 1), bit(p[0], 0)}; }
bool write(const new_channel_ans& c, bytes& out) {
  out.push_back(bits(false, c.data_rate_range_ok, c.channel_frequency_ok));
  return true;
}
const char* name(const new_channel_ans&) { return "NewChannelAns"; }

constexpr std::size_t size_of(const dl_channel_ans*) { return 1; }
void read(const std::uint8_t* p, dl_channel_ans& c) { c = {bit(p[0], 1), bit(p[0], 0)}; }
bool write(const dl_channel_ans& c, bytes& out) {
  out.push_back(bits(false, c.uplink_frequency_exists, c.channel_frequency_ok));
  return true;
}
const char* name(const dl_channel_ans&) { return "DlChannelAns"; }

constexpr std::size_t size_of(const ping_slot_info_req*) { return 1; }
void read(const std::uint8_t* p, ping_slot_info_req& c) { c.periodicity = p[0] & 0x07; }
bool write(const ping_slot_info_req& c, bytes& out) {
  out.push_back(c.periodicity);
  return fits(c.periodicity, 3);
}
const char* name(const ping_slot_info_req&) { return "PingSlotInfoReq"; }

constexpr std::size_t size_of(const ping_slot_channel_ans*) { return 1; }
void read(const std::uint8_t* p, ping_slot_channel_ans& c) { c = {bit(p[0], 1), bit(p[0], 0)}; }
bool write(const ping_slot_channel_ans& c, bytes& out) {
  out.push_back(bits(false, c.data_rate_ok, c.channel_frequency_ok));
  return true;
}
const char* name(const ping_slot_channel_ans&) { return "PingSlotChannelAns"; }

constexpr std::size_t size_of(const beacon_freq_ans*) { return 1; }
void read(const std::uint8_t* p, beacon_freq_ans& c) { c.beacon_frequency_ok = bit(p[0], 0); }
bool write(const beacon_freq_ans& c, bytes& out) {
  out.push_back(c.beacon_frequency_ok ? 1 : 0);
  return true;
}
const char* name(const beacon_freq_ans&) { return "BeaconFreqAns"; }

constexpr std::size_t size_of(const link_check_ans*) { return 2; }
void read(const std::uint8_t* p, link_check_ans& c) { c = {p[0], p[1]}; }
bool write(const link_check_ans& c, bytes& out) {
  out.push_back(c.margin);
  out.push_back(c.gw_cnt);
  return true;
}
const char* name(const link_check_ans&) { return "LinkCheckAns"; }

constexpr std::size_t size_of(const link_adr_req*) { return 4; }
void read(const std::uint8_t* p, link_adr_req& c) {
  c.data_rate = p[0] >> 4;
  c.tx_power = p[0] & 0x0f;
  c.ch_mask = static_cast<std::uint16_t>(read_le(p + 1, 2));
  c.ch_mask_cntl = (p[3] >> 4) & 0x07;
  c.nb_trans = p[3] & 0x0f;
}
bool write(const link_adr_req& c, bytes& out) {
  out.push_back(u8((c.data_rate << 4) | (c.tx_power & 0x0f)));
  append_le(out, c.ch_mask, 2);
  out.push_back(u8(((c.ch_mask_cntl & 0x07) << 4) | (c.nb_trans & 0x0f)));
  return fits(c.data_rate, 4) && fits(c.tx_power, 4) && fits(c.ch_mask_cntl, 3) && fits(c.nb_trans, 4);
}
const char* name(const link_adr_req&) { return "LinkADRReq"; }

constexpr std::size_t size_of(const duty_cycle_req*) { return 1; }
void read(const std::uint8_t* p, duty_cycle_req& c) { c.max_duty_cycle = p[0] & 0x0f; }
bool write(const duty_cycle_req& c, bytes& out) {
  out.push_back(c.max_duty_cycle);
  return fits(c.max_duty_cycle, 4);
}
const char* name(const duty_cycle_req&) { return "DutyCycleReq"; }

constexpr std::size_t size_of(const rx_param_setup_req*) { return 4; }
void read(const std::uint8_t* p, rx_param_setup_req& c) {
  c.rx1_dr_offset = (p[0] >> 4) & 0x07;
  c.rx2_data_rate = p[0] & 0x0f;
  c.frequency = read_frequency(p + 1);
}
bool write(const rx_param_setup_req& c, bytes& out) {
  out.push_back(u8(((c.rx1_dr_offset & 0x07) << 4) | (c.rx2_data_rate & 0x0f)));
  return append_frequency(out, c.frequency) && fits(c.rx1_dr_offset, 3) && fits(c.rx2_data_rate, 4);
}
const char* name(const rx_param_setup_req&) { return "RXParamSetupReq"; }

constexpr std::size_t size_of(const new_channel_req*) { return 5; }
void read(const std::uint8_t* p, new_channel_req& c) {
  c.ch_index = p[0];
  c.frequency = read_frequency(p + 1);
  c.max_dr = p[4] >> 4;
  c.min_dr = p[4] & 0x0f;
}
bool write(const new_channel_req& c, bytes& out) {
  out.push_back(c.ch_index);
  const bool ok = append_frequency(out, c.frequency);
  out.push_back(u8((c.max_dr << 4) | (c.min_dr & 0x0f)));
  return ok && fits(c.max_dr, 4) && fits(c.min_dr, 4);
}
const char* name(const new_channel_req&) { return "NewChannelReq"; }

constexpr std::size_t size_of(const rx_timing_setup_req*) { return 1; }
void read(const std::uint8_t* p, rx_timing_setup_req& c) { c.delay = p[0] & 0x0f; }
bool write(const rx_timing_setup_req& c, bytes& out) {
  out.push_back(c.delay);
  return fits(c.delay, 4);
}
const char* name(const rx_timing_setup_req&) { return "RXTimingSetupReq"; }

constexpr std::size_t size_of(const tx_param_setup_req*) { return 1; }
void read(const std::uint8_t* p, tx_param_setup_req& c) { c = {bit(p[0], 5), bit(p[0], 4), u8(p[0] & 0x0f)}; }
bool write(const tx_param_setup_req& c, bytes& out) {
  out.push_back(
      u8((c.downlink_dwell_time ? 0x20 : 0) | (c.uplink_dwell_time ? 0x10 : 0) | (c.max_eirp & 0x0f)));
  return fits(c.max_eirp, 4);
}
const char* name(const tx_param_setup_req&) { return "TxParamSetupReq"; }

constexpr std::size_t size_of(const dl_channel_req*) { return 4; }
void read(const std::uint8_t* p, dl_channel_req& c) {
  c.ch_index = p[0];
  c.frequency = read_frequency(p + 1);
}
bool write(const dl_channel_req& c, bytes& out) {
  out.push_back(c.ch_index);
  return append_frequency(out, c.frequency);
}
const char* name(const dl_channel_req&) { return "DlChannelReq"; }

constexpr std::size_t size_of(const device_time_ans*) { return 5; }
void read(const std::uint8_t* p, device_time_ans& c) {
  c.gps_seconds = static_cast<std::uint32_t>(read_le(p, 4));
  c.fractional_second = p[4];
}
bool write(const device_time_ans& c, bytes& out) {
  append_le(out, c.gps_seconds, 4);
  out.push_back(c.fractional_second);
  return true;
}
const char* name(const device_time_ans&) { return "DeviceTimeAns"; }

constexpr std::size_t size_of(const ping_slot_channel_req*) { return 4; }
void read(const std::uint8_t* p, ping_slot_channel_req& c) {
  c.frequency = read_frequency(p);
  c.data_rate = p[3] & 0x0f;
}
bool write(const ping_slot_channel_req& c, bytes& out) {
  const bool ok = append_frequency(out, c.frequency);
  out.push_back(c.data_rate);
  return ok && fits(c.data_rate, 4);
}
const char* name(const ping_slot_channel_req&) { return "PingSlotChannelReq"; }

constexpr std::size_t size_of(const beacon_timing_ans*) { return 3; }
void read(const std::uint8_t* p, beacon_timing_ans& c) {
  c.delay = static_cast<std::uint16_t>(read_le(p, 2));
  c.channel = p[2];
}
bool write(const beacon_timing_ans& c, bytes& out) {
  append_le(out, c.delay, 2);
  out.push_back(c.channel);
  return true;
}
const char* name(const beacon_timing_ans&) { return "BeaconTimingAns"; }

constexpr std::size_t size_of(const beacon_freq_req*) { return 3; }
void read(const std::uint8_t* p, beacon_freq_req& c) { c.frequency = read_frequency(p); }
bool write(const beacon_freq_req& c, bytes& out) { return append_frequency(out, c.frequency); }
const char* name(const beacon_freq_req&) { return "BeaconFreqReq"; }

const char* name(const proprietary&) { return "Proprietary"; }

// Tries every alternative of the variant whose CID matches; proprietary is handled by the caller.
template <class Variant, class T>
bool try_read(std::uint8_t cid, byte_view rest, Variant& out, std::size_t& used, lorawan_error& error) {
  if constexpr (std::is_same_v<T, proprietary>) {
    return false;
  } else {
    if (T::cid != cid) return false;
    constexpr std::size_t size = size_of(static_cast<const T*>(nullptr));
    if (rest.size() < size) {
      error = lorawan_error::truncated;
      return true;
    }
    T command;
    read(rest.data(), command);
    out = command;
    used = size;
    return true;
  }
}

template <class Variant, std::size_t... I>
bool read_one(std::uint8_t cid, byte_view rest, Variant& out, std::size_t& used, lorawan_error& error,
              std::index_sequence<I...>) {
  return (try_read<Variant, std::variant_alternative_t<I, Variant>>(cid, rest, out, used, error) || ...);
}

template <class Variant>
decoded_list<Variant> decode_list(byte_view data) {
  decoded_list<Variant> list;
  std::size_t pos = 0;
  while (pos < data.size()) {
    const std::uint8_t cid = data[pos];
    if (cid >= 0x80) {
      list.commands.emplace_back(
          proprietary{cid, bytes(data.begin() + static_cast<std::ptrdiff_t>(pos) + 1, data.end())});
      pos = data.size();
      break;
    }
    Variant command;
    std::size_t used = 0;
    lorawan_error error = lorawan_error::ok;
    const byte_view rest = data.subspan(pos + 1);
    if (!read_one(cid, rest, command, used, error,
                  std::make_index_sequence<std::variant_size_v<Variant>>{})) {
      error = lorawan_error::unknown_mac_command;
    }
    if (error != lorawan_error::ok) {
      list.stop = error;
      break;
    }
    list.commands.push_back(std::move(command));
    pos += 1 + used;
  }
  list.stop_offset = pos;
  return list;
}

template <class Variant>
result<void> encode_command(const Variant& command, bytes& out) {
  return std::visit(
      [&out](const auto& c) -> result<void> {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, proprietary>) {
          if (c.cid < 0x80) return lorawan_error::invalid_field;
          out.push_back(c.cid);
          out.insert(out.end(), c.payload.begin(), c.payload.end());
          return {};
        } else {
          out.push_back(T::cid);
          if (!write(c, out)) return lorawan_error::invalid_field;
          return {};
        }
      },
      command);
}

template <class Variant>
result<bytes> encode_list(std::span<const Variant> commands) {
  bytes out;
  for (const auto& c : commands) {
    if (auto ok = encode_command(c, out); !ok) return ok.error();
  }
  return out;
}

}  // namespace

decoded_list<uplink_command> decode_uplink(byte_view data) { return decode_list<uplink_command>(data); }
decoded_list<downlink_command> decode_downlink(byte_view data) { return decode_list<downlink_command>(data); }
result<void> encode(const uplink_command& command, bytes& out) { return encode_command(command, out); }
result<void> encode(const downlink_command& command, bytes& out) { return encode_command(command, out); }
result<bytes> encode_all(std::span<const uplink_command> commands) { return encode_list(commands); }
result<bytes> encode_all(std::span<const downlink_command> commands) { return encode_list(commands); }
const char* name_of(const uplink_command& command) {
  return std::visit([](const auto& c) { return name(c); }, command);
}
const char* name_of(const downlink_command& command) {
  return std::visit([](const auto& c) { return name(c); }, command);
}

}  // namespace tether::lorawan::mac
