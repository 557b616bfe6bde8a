#pragma once
// The `meta` object of a Data API message (spec/everynet.md B2) as the connector fills it: the fields
// the topic_up template expands and the downlink_request/response pair correlates on. Every field
// is optional: a message leaves out what its event does not know (a join has no gateway here, an ABP
// device without a JoinEUI no application). EUIs and addresses are lower-case hex.

#include <optional>
#include <string>

namespace tether::application::connector {

struct data_api_meta {
  std::optional<std::string> network;      // NetID, 6 hex digits
  std::optional<std::string> packet_hash;  // 32 hex: the uplink's, shared by its downlink_request
  std::optional<std::string> application;  // JoinEUI (AppEUI), 16 hex
  std::optional<std::string> device_addr;  // DevAddr, 8 hex
  std::optional<double> time;              // Unix seconds with µs: when the event was produced
  std::optional<std::string> device;       // DevEUI, 16 hex
  std::optional<std::string> packet_id;    // 32 hex, unique per message
  std::optional<std::string> gateway;      // the best gateway's EUI (16 hex), else its Tether ID
  bool history = false;                    // replayed from the event stream
  friend bool operator==(const data_api_meta&, const data_api_meta&) = default;
};

}  // namespace tether::application::connector
