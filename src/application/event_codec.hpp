#pragma once
// The stored form of an application event (the event log's payload): a compact binary encoding of
// the network core's neutral structs, so every frontend (the TTS JSON realm, the coming outbound
// connector with its own JSON) renders from the same structs after a replay. No frontend format is
// stored. Format version 2 (version 1 records, without the uplink's trailer, are still read), little-endian,
// built on storage/byte_codec.hpp:
//   u8 version (1 or 2) · u8 kind (1 join, 2 uplink, 3 downlink, 4 drop, 5 gateway; 4 and 5 came later,
//   within version 1: older records read unchanged) · the event:
//   ids       = str application_id · str device_id · u8 flags (bit 0 dev_eui, bit 1 join_eui) ·
//               [8 B dev_eui] · [8 B join_eui] · 4 B dev_addr
//   join      = ids · bytes session_key_id · u32 net_id · time received_at · strs correlation_ids
//   uplink    = ids · bytes session_key_id · u8 f_port · u32 f_cnt · bytes frm_payload · u8 flags (bit 0
//               confirmed) · u16 n × rx_metadata · settings · u8 data_rate_index · str band_id ·
//               u32 net_id · time received_at · i64 consumed_airtime (ns) · strs correlation_ids ·
//               since version 2: bytes encrypted_frm_payload · u8 flags (bit 0 windows) · [time rx1 ·
//               u8 rx1 data rate · time rx2 · u8 rx2 data rate · u32 f_cnt_down]
//   downlink  = ids · u8 outcome · u8 f_port · bytes frm_payload · u8 priority · u8 flags (bit 0
//               confirmed, bit 1 error) · strs correlation_ids · u32 f_cnt · bytes session_key_id ·
//               [str error name · str error message] · time at
//   drop      = ids · str reason · str detail · u32 f_cnt · u16 n × rx_metadata · time at · strs
//               correlation_ids
//   gateway   = u8 kind (1 connect, 2 disconnect, 3 status, 4 drop) · str gateway_id · str protocol ·
//               str remote_address · str reason · u8 flags (bit 0 status) · [status] · time at
//   status    = str gateway_id · u8 flags (bit 0 time, 1 boot_time) · [time] · [time] · u16 n × (str ·
//               str) versions · u16 n × location · strs ips · u16 n × (str · f32) metrics · time received_at
//   rx_metadata = str gateway_id · u8 flags (bit 0 gateway_eui, 1 time, 2 signal_rssi, 3 location,
//               4 gps_time) · [8 B eui] · u32 antenna_index · [time] · u32 timestamp · u64 fine_timestamp ·
//               f32 rssi · [f32 signal_rssi] · f32 channel_rssi · f32 rssi_standard_deviation · f32 snr ·
//               i64 frequency_offset · [location] · u32 channel_index · [time gps_time] · time received_at ·
//               bytes uplink_token
//   location  = f64 latitude · f64 longitude · i32 altitude · i32 accuracy · u8 source
//   settings  = u8 modulation (0 LoRa: u32 bandwidth · u32 spreading_factor · str coding_rate;
//               1 FSK: u32 bit_rate; 2 LR-FHSS: u32 modulation_type · u32 channel width · str coding_rate) ·
//               u64 frequency · u8 flags (bit 0 enable_crc, 1 time, 2 invert_polarization) · u32 timestamp ·
//               [time] · u32 antenna_index · f32 tx_power
//   str, bytes = u32 length + bytes · strs = u16 n × str · time = i64 Unix ns · f32/f64 = IEEE bits.
// Unknown flag bits, kinds and enum values are refused. A new layout gets a new version byte; decoding
// keeps reading every older version.

#include "network/downlinks.hpp"
#include "network/events.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace tether::application {

// What the durable event stream holds. The device events live in their application's stream; the
// gateway events in the gateway's (gateway_stream: "gateway:" + ID, which no registry ID can be, as
// IDs have no ':'). Only joins, uplinks and downlinks are delivered to application frontends.
using application_event = std::variant<network::join_event, network::uplink_event, network::downlink_event,
                                       network::drop_event, network::gateway_event>;

inline constexpr std::uint8_t event_format = 2;

std::string encode_event(const application_event& event);
// Throws storage::storage_error on an unknown version or a damaged record; `what` names it.
application_event decode_event(std::string_view blob, const std::string& what);

// The device the event concerns; nullptr for a gateway event.
const network::device_ids* ids_of(const application_event& event);
// The event log stream the event belongs in.
std::string stream_of(const application_event& event);
std::string gateway_stream(std::string_view gateway_id);

}  // namespace tether::application
