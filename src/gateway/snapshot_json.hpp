#pragma once
// A gateway's connection facts as JSON (stored in gateway_state, printed by `tether gateway show`).
// The connection fields are Tether's own (every one present, timestamps null until they happen); the
// last status and uplink are the radio structs written by gateway/radio_json, exactly as the
// application API writes them (The Things Stack's protojson names, zero values omitted).

#include "gateway/hub.hpp"

#include <string>

namespace tether::gateway {

std::string to_json(const gateway_snapshot& s);

}  // namespace tether::gateway
