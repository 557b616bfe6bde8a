#include "application/event_codec.hpp"

#include "storage/byte_codec.hpp"

#include <bit>
#include <limits>

namespace tether::application {
namespace {

using storage::byte_reader;
using storage::byte_writer;

enum class kind : std::uint8_t { join = 1, uplink = 2, downlink = 3, drop = 4, gateway = 5 };

std::string_view view(const network::bytes& b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

// The writing half: the primitives the format names.
struct writer {
  byte_writer out;
  void str(std::string_view s) { out.sized(s); }
  void bytes(const network::bytes& b) { out.sized(view(b)); }
  void i64(std::int64_t v) { out.u64(static_cast<std::uint64_t>(v)); }
  void i32(std::int32_t v) { out.u32(static_cast<std::uint32_t>(v)); }
  void f32(float v) { out.u32(std::bit_cast<std::uint32_t>(v)); }
  void f64(double v) { out.u64(std::bit_cast<std::uint64_t>(v)); }
  void time(network::time_point t) {
    i64(std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count());
  }
  void strs(const std::vector<std::string>& list) {
    // More than 65,535 is a caller's bug; keep the first ones rather than corrupt the record.
    const auto n = std::min<std::size_t>(list.size(), std::numeric_limits<std::uint16_t>::max());
    out.u16(static_cast<std::uint16_t>(n));
    for (std::size_t i = 0; i < n; ++i) str(list[i]);
  }
};

// The reading half.
struct reader {
  byte_reader in;
  std::string str() { return std::string(in.sized()); }
  network::bytes bytes() {
    auto v = in.sized();
    return network::bytes(v.begin(), v.end());
  }
  std::int64_t i64() { return static_cast<std::int64_t>(in.u64()); }
  std::int32_t i32() { return static_cast<std::int32_t>(in.u32()); }
  float f32() { return std::bit_cast<float>(in.u32()); }
  double f64() { return std::bit_cast<double>(in.u64()); }
  network::time_point time() {
    return network::time_point(
        std::chrono::duration_cast<network::time_point::duration>(std::chrono::nanoseconds(i64())));
  }
  std::vector<std::string> strs() {
    std::vector<std::string> list(in.u16());
    for (auto& s : list) s = str();
    return list;
  }
  template <class Fixed>
  Fixed fixed() {
    return *Fixed::from_bytes(in.raw(Fixed::size));  // raw() returned exactly Fixed::size bytes
  }
  std::uint8_t flags(std::uint8_t known) {
    const auto f = in.u8();
    if (f & ~known) in.fail("unknown flags");
    return f;
  }
};

void write_ids(writer& w, const network::device_ids& ids) {
  w.str(ids.application_id);
  w.str(ids.device_id);
  w.out.u8(static_cast<std::uint8_t>((ids.dev_eui ? 1 : 0) | (ids.join_eui ? 2 : 0)));
  if (ids.dev_eui) w.out.raw(ids.dev_eui->view());
  if (ids.join_eui) w.out.raw(ids.join_eui->view());
  w.out.raw(ids.dev_addr.view());
}

network::device_ids read_ids(reader& r) {
  network::device_ids ids;
  ids.application_id = r.str();
  ids.device_id = r.str();
  const auto f = r.flags(0x03);
  if (f & 1) ids.dev_eui = r.fixed<core::eui64>();
  if (f & 2) ids.join_eui = r.fixed<core::eui64>();
  ids.dev_addr = r.fixed<core::dev_addr>();
  return ids;
}

void write_location(writer& w, const network::location& l) {
  w.f64(l.latitude);
  w.f64(l.longitude);
  w.i32(l.altitude);
  w.i32(l.accuracy);
  w.out.u8(static_cast<std::uint8_t>(l.source));
}

network::location read_location(reader& r) {
  network::location l;
  l.latitude = r.f64();
  l.longitude = r.f64();
  l.altitude = r.i32();
  l.accuracy = r.i32();
  const auto source = r.in.u8();
  if (source == 2 || source > 9) r.in.fail("unknown location source " + std::to_string(source));
  l.source = static_cast<network::location_source>(source);
  return l;
}

void write_data_rate(writer& w, const network::data_rate& dr) {
  w.out.u8(static_cast<std::uint8_t>(dr.index()));
  if (const auto* lora = std::get_if<network::lora_data_rate>(&dr)) {
    w.out.u32(lora->bandwidth);
    w.out.u32(lora->spreading_factor);
    w.str(lora->coding_rate);
  } else if (const auto* fsk = std::get_if<network::fsk_data_rate>(&dr)) {
    w.out.u32(fsk->bit_rate);
  } else {
    const auto& lr = std::get<network::lrfhss_data_rate>(dr);
    w.out.u32(lr.modulation_type);
    w.out.u32(lr.operating_channel_width);
    w.str(lr.coding_rate);
  }
}

network::data_rate read_data_rate(reader& r) {
  switch (r.in.u8()) {
    case 0: {
      network::lora_data_rate lora;
      lora.bandwidth = r.in.u32();
      lora.spreading_factor = r.in.u32();
      lora.coding_rate = r.str();
      return lora;
    }
    case 1:
      return network::fsk_data_rate{r.in.u32()};
    case 2: {
      network::lrfhss_data_rate lr;
      lr.modulation_type = r.in.u32();
      lr.operating_channel_width = r.in.u32();
      lr.coding_rate = r.str();
      return lr;
    }
    default:
      r.in.fail("unknown modulation");
  }
}

void write_settings(writer& w, const network::tx_settings& s) {
  write_data_rate(w, s.data_rate);
  w.out.u64(s.frequency);
  w.out.u8(
      static_cast<std::uint8_t>((s.enable_crc ? 1 : 0) | (s.time ? 2 : 0) | (s.invert_polarization ? 4 : 0)));
  w.out.u32(s.timestamp);
  if (s.time) w.time(*s.time);
  w.out.u32(s.antenna_index);
  w.f32(s.tx_power);
}

network::tx_settings read_settings(reader& r) {
  network::tx_settings s;
  s.data_rate = read_data_rate(r);
  s.frequency = r.in.u64();
  const auto f = r.flags(0x07);
  s.enable_crc = f & 1;
  s.invert_polarization = f & 4;
  s.timestamp = r.in.u32();
  if (f & 2) s.time = r.time();
  s.antenna_index = r.in.u32();
  s.tx_power = r.f32();
  return s;
}

void write_rx_metadata(writer& w, const network::rx_metadata& m) {
  w.str(m.gateway_id);
  w.out.u8(static_cast<std::uint8_t>((m.gateway_eui ? 1 : 0) | (m.time ? 2 : 0) | (m.signal_rssi ? 4 : 0) |
                                     (m.location ? 8 : 0) | (m.gps_time ? 16 : 0)));
  if (m.gateway_eui) w.out.raw(m.gateway_eui->view());
  w.out.u32(m.antenna_index);
  if (m.time) w.time(*m.time);
  w.out.u32(m.timestamp);
  w.out.u64(m.fine_timestamp);
  w.f32(m.rssi);
  if (m.signal_rssi) w.f32(*m.signal_rssi);
  w.f32(m.channel_rssi);
  w.f32(m.rssi_standard_deviation);
  w.f32(m.snr);
  w.i64(m.frequency_offset);
  if (m.location) write_location(w, *m.location);
  w.out.u32(m.channel_index);
  if (m.gps_time) w.time(*m.gps_time);
  w.time(m.received_at);
  w.bytes(m.uplink_token);
}

network::rx_metadata read_rx_metadata(reader& r) {
  network::rx_metadata m;
  m.gateway_id = r.str();
  const auto f = r.flags(0x1f);
  if (f & 1) m.gateway_eui = r.fixed<core::eui64>();
  m.antenna_index = r.in.u32();
  if (f & 2) m.time = r.time();
  m.timestamp = r.in.u32();
  m.fine_timestamp = r.in.u64();
  m.rssi = r.f32();
  if (f & 4) m.signal_rssi = r.f32();
  m.channel_rssi = r.f32();
  m.rssi_standard_deviation = r.f32();
  m.snr = r.f32();
  m.frequency_offset = r.i64();
  if (f & 8) m.location = read_location(r);
  m.channel_index = r.in.u32();
  if (f & 16) m.gps_time = r.time();
  m.received_at = r.time();
  m.uplink_token = r.bytes();
  return m;
}

void write_join(writer& w, const network::join_event& e) {
  write_ids(w, e.ids);
  w.bytes(e.session_key_id);
  w.out.u32(e.net_id);
  w.time(e.received_at);
  w.strs(e.correlation_ids);
}

network::join_event read_join(reader& r) {
  network::join_event e;
  e.ids = read_ids(r);
  e.session_key_id = r.bytes();
  e.net_id = r.in.u32();
  e.received_at = r.time();
  e.correlation_ids = r.strs();
  return e;
}

void write_uplink(writer& w, const network::uplink_event& e) {
  write_ids(w, e.ids);
  w.bytes(e.session_key_id);
  w.out.u8(e.f_port);
  w.out.u32(e.f_cnt);
  w.bytes(e.frm_payload);
  w.out.u8(e.confirmed ? 1 : 0);
  const auto n = std::min<std::size_t>(e.rx_metadata.size(), std::numeric_limits<std::uint16_t>::max());
  w.out.u16(static_cast<std::uint16_t>(n));
  for (std::size_t i = 0; i < n; ++i) write_rx_metadata(w, e.rx_metadata[i]);
  write_settings(w, e.settings);
  w.out.u8(e.data_rate_index);
  w.str(e.band_id);
  w.out.u32(e.net_id);
  w.time(e.received_at);
  w.i64(e.consumed_airtime.count());
  w.strs(e.correlation_ids);
  // Version 2.
  w.bytes(e.encrypted_frm_payload);
  w.out.u8(e.windows ? 1 : 0);
  if (e.windows) {
    w.time(e.windows->rx1);
    w.out.u8(e.windows->rx1_data_rate_index);
    w.time(e.windows->rx2);
    w.out.u8(e.windows->rx2_data_rate_index);
    w.out.u32(e.windows->f_cnt_down);
  }
}

network::uplink_event read_uplink(reader& r, std::uint8_t version) {
  network::uplink_event e;
  e.ids = read_ids(r);
  e.session_key_id = r.bytes();
  e.f_port = r.in.u8();
  e.f_cnt = r.in.u32();
  e.frm_payload = r.bytes();
  e.confirmed = r.flags(0x01) & 1;
  e.rx_metadata.resize(r.in.u16());
  for (auto& m : e.rx_metadata) m = read_rx_metadata(r);
  e.settings = read_settings(r);
  e.data_rate_index = r.in.u8();
  e.band_id = r.str();
  e.net_id = r.in.u32();
  e.received_at = r.time();
  e.consumed_airtime = std::chrono::nanoseconds(r.i64());
  e.correlation_ids = r.strs();
  if (version < 2) return e;
  e.encrypted_frm_payload = r.bytes();
  if (r.flags(0x01) & 1) {
    network::answer_windows w;
    w.rx1 = r.time();
    w.rx1_data_rate_index = r.in.u8();
    w.rx2 = r.time();
    w.rx2_data_rate_index = r.in.u8();
    w.f_cnt_down = r.in.u32();
    e.windows = w;
  }
  return e;
}

void write_downlink(writer& w, const network::downlink_event& e) {
  write_ids(w, e.ids);
  w.out.u8(static_cast<std::uint8_t>(e.outcome));
  const auto& d = e.downlink;
  w.out.u8(d.f_port);
  w.bytes(d.frm_payload);
  w.out.u8(static_cast<std::uint8_t>(d.priority));
  w.out.u8(static_cast<std::uint8_t>((d.confirmed ? 1 : 0) | (e.error ? 2 : 0)));
  w.strs(d.correlation_ids);
  w.out.u32(d.f_cnt);
  w.bytes(d.session_key_id);
  if (e.error) {
    w.str(e.error->name);
    w.str(e.error->message);
  }
  w.time(e.at);
}

network::downlink_event read_downlink(reader& r) {
  network::downlink_event e;
  e.ids = read_ids(r);
  const auto outcome = r.in.u8();
  if (outcome > static_cast<std::uint8_t>(network::downlink_outcome::failed)) r.in.fail("unknown outcome");
  e.outcome = static_cast<network::downlink_outcome>(outcome);
  auto& d = e.downlink;
  d.f_port = r.in.u8();
  d.frm_payload = r.bytes();
  const auto priority = r.in.u8();
  if (priority > static_cast<std::uint8_t>(network::downlink_priority::highest))
    r.in.fail("unknown priority");
  d.priority = static_cast<network::downlink_priority>(priority);
  const auto f = r.flags(0x03);
  d.confirmed = f & 1;
  d.correlation_ids = r.strs();
  d.f_cnt = r.in.u32();
  d.session_key_id = r.bytes();
  if (f & 2) {
    network::downlink_error error;
    error.name = r.str();
    error.message = r.str();
    e.error = std::move(error);
  }
  e.at = r.time();
  return e;
}

void write_drop(writer& w, const network::drop_event& e) {
  write_ids(w, e.ids);
  w.str(e.reason);
  w.str(e.detail);
  w.out.u32(e.f_cnt);
  const auto n = std::min<std::size_t>(e.rx_metadata.size(), std::numeric_limits<std::uint16_t>::max());
  w.out.u16(static_cast<std::uint16_t>(n));
  for (std::size_t i = 0; i < n; ++i) write_rx_metadata(w, e.rx_metadata[i]);
  w.time(e.at);
  w.strs(e.correlation_ids);
}

network::drop_event read_drop(reader& r) {
  network::drop_event e;
  e.ids = read_ids(r);
  e.reason = r.str();
  e.detail = r.str();
  e.f_cnt = r.in.u32();
  e.rx_metadata.resize(r.in.u16());
  for (auto& m : e.rx_metadata) m = read_rx_metadata(r);
  e.at = r.time();
  e.correlation_ids = r.strs();
  return e;
}

void write_status(writer& w, const network::gateway_status& s) {
  w.str(s.gateway_id);
  w.out.u8(static_cast<std::uint8_t>((s.time ? 1 : 0) | (s.boot_time ? 2 : 0)));
  if (s.time) w.time(*s.time);
  if (s.boot_time) w.time(*s.boot_time);
  w.out.u16(static_cast<std::uint16_t>(std::min<std::size_t>(s.versions.size(), 0xffff)));
  std::size_t i = 0;
  for (auto it = s.versions.begin(); it != s.versions.end() && i < 0xffff; ++it, ++i) {
    w.str(it->first);
    w.str(it->second);
  }
  w.out.u16(static_cast<std::uint16_t>(std::min<std::size_t>(s.antenna_locations.size(), 0xffff)));
  for (i = 0; i < s.antenna_locations.size() && i < 0xffff; ++i) write_location(w, s.antenna_locations[i]);
  w.strs(s.ips);
  w.out.u16(static_cast<std::uint16_t>(std::min<std::size_t>(s.metrics.size(), 0xffff)));
  i = 0;
  for (auto it = s.metrics.begin(); it != s.metrics.end() && i < 0xffff; ++it, ++i) {
    w.str(it->first);
    w.f32(it->second);
  }
  w.time(s.received_at);
}

network::gateway_status read_status(reader& r) {
  network::gateway_status s;
  s.gateway_id = r.str();
  const auto f = r.flags(0x03);
  if (f & 1) s.time = r.time();
  if (f & 2) s.boot_time = r.time();
  for (auto n = r.in.u16(); n > 0; --n) {
    auto key = r.str();
    s.versions[std::move(key)] = r.str();
  }
  s.antenna_locations.resize(r.in.u16());
  for (auto& l : s.antenna_locations) l = read_location(r);
  s.ips = r.strs();
  for (auto n = r.in.u16(); n > 0; --n) {
    auto key = r.str();
    s.metrics[std::move(key)] = r.f32();
  }
  s.received_at = r.time();
  return s;
}

void write_gateway(writer& w, const network::gateway_event& e) {
  w.out.u8(static_cast<std::uint8_t>(e.kind));
  w.str(e.gateway_id);
  w.str(e.protocol);
  w.str(e.remote_address);
  w.str(e.reason);
  w.out.u8(e.status ? 1 : 0);
  if (e.status) write_status(w, *e.status);
  w.time(e.at);
}

network::gateway_event read_gateway(reader& r) {
  network::gateway_event e;
  const auto k = r.in.u8();
  if (k < 1 || k > static_cast<std::uint8_t>(network::gateway_event_kind::drop)) {
    r.in.fail("unknown gateway event");
  }
  e.kind = static_cast<network::gateway_event_kind>(k);
  e.gateway_id = r.str();
  e.protocol = r.str();
  e.remote_address = r.str();
  e.reason = r.str();
  if (r.flags(0x01) & 1) e.status = read_status(r);
  e.at = r.time();
  return e;
}

}  // namespace

std::string encode_event(const application_event& event) {
  writer w;
  w.out.u8(event_format);
  std::visit(
      [&w](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, network::join_event>) {
          w.out.u8(static_cast<std::uint8_t>(kind::join));
          write_join(w, e);
        } else if constexpr (std::is_same_v<T, network::uplink_event>) {
          w.out.u8(static_cast<std::uint8_t>(kind::uplink));
          write_uplink(w, e);
        } else if constexpr (std::is_same_v<T, network::downlink_event>) {
          w.out.u8(static_cast<std::uint8_t>(kind::downlink));
          write_downlink(w, e);
        } else if constexpr (std::is_same_v<T, network::drop_event>) {
          w.out.u8(static_cast<std::uint8_t>(kind::drop));
          write_drop(w, e);
        } else {
          w.out.u8(static_cast<std::uint8_t>(kind::gateway));
          write_gateway(w, e);
        }
      },
      event);
  return w.out.take();
}

application_event decode_event(std::string_view blob, const std::string& what) {
  reader r{byte_reader(blob, what)};
  if (blob.empty()) r.in.fail("empty record");
  const auto version = r.in.u8();
  if (version < 1 || version > event_format) {
    r.in.fail("unknown format version " + std::to_string(version) + " (this tether reads versions 1 to " +
              std::to_string(event_format) + ")");
  }
  application_event out;
  switch (static_cast<kind>(r.in.u8())) {
    case kind::join:
      out = read_join(r);
      break;
    case kind::uplink:
      out = read_uplink(r, version);
      break;
    case kind::downlink:
      out = read_downlink(r);
      break;
    case kind::drop:
      out = read_drop(r);
      break;
    case kind::gateway:
      out = read_gateway(r);
      break;
    default:
      r.in.fail("unknown event kind");
  }
  r.in.finish();
  return out;
}

const network::device_ids* ids_of(const application_event& event) {
  return std::visit(
      [](const auto& e) -> const network::device_ids* {
        if constexpr (std::is_same_v<std::decay_t<decltype(e)>, network::gateway_event>) {
          return nullptr;
        } else {
          return &e.ids;
        }
      },
      event);
}

std::string stream_of(const application_event& event) {
  if (const auto* ids = ids_of(event)) return ids->application_id;
  return gateway_stream(std::get<network::gateway_event>(event).gateway_id);
}

std::string gateway_stream(std::string_view gateway_id) { return "gateway:" + std::string(gateway_id); }

}  // namespace tether::application
