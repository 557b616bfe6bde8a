#pragma once
// The network core's radio structs (network/radio.hpp) as The Things Stack's protojson writes the
// messages they stand for: RxMetadata, TxSettings, DataRate, Location, UplinkMessage and GatewayStatus,
// with proto names, fields in proto declaration order and zero values omitted (spec/tts-v3.md §1, §3.3).
// One writer serves every place these structs appear as JSON — the application events
// (application/ttsv3, `uplink_message.rx_metadata` and `settings`) and `tether gateway show --json`
// (gateway/snapshot_json) — so the two agree field by field and byte by byte.
//
// Why here: the structs belong to network/, which knows no JSON; gateway/ and application/ both sit
// above it, and application/ may depend on gateway/ (never the reverse). This is not a gateway *format*
// (those are topic layout + codec, in gateway/<format>/): it is the JSON form of the neutral radio
// vocabulary, and no gateway wire type crosses through it.
//
// Streaming (core::json_writer): the application renders one uplink event per uplink, so no tree is built.

#include "core/json_writer.hpp"
#include "network/radio.hpp"

#include <string_view>

namespace tether::gateway {

// Each writes one JSON object as the next value in `w`.
void write_data_rate(core::json_writer& w, const network::data_rate& rate);
void write_tx_settings(core::json_writer& w, const network::tx_settings& s);
void write_location(core::json_writer& w, const network::location& l);
void write_rx_metadata(core::json_writer& w, const network::rx_metadata& md);
// UplinkMessage as the gateway sent it (after the frontend's stamping): raw_payload, settings,
// rx_metadata, received_at, correlation_ids.
void write_gateway_uplink(core::json_writer& w, const network::gateway_uplink& up);
// GatewayStatus: time, boot_time, versions, antenna_locations, ip, metrics, then the server's
// received_at (Tether's addition; the status message itself has no such field).
void write_gateway_status(core::json_writer& w, const network::gateway_status& s);

// LocationSource by its enum name ("SOURCE_GPS"), as protojson writes enums.
std::string_view location_source_name(network::location_source s);

}  // namespace tether::gateway
