#include "application/connector/drop_notice.hpp"

#include "network/counters.hpp"

#include <fmt/format.h>

#include <array>

namespace tether::application::connector {
namespace {

using network::counter;
using network::to_string;
constexpr auto error = message_type::error;
constexpr auto warning = message_type::warning;

// Keyed by the counters themselves, so a renamed reason changes the table with it.
const std::array<drop_text, 14> table{{
    {to_string(counter::invalid_frame), error, "the frame does not parse", false},
    {to_string(counter::unsupported_frame), warning,
     "not an uplink (a join-accept, downlink or proprietary frame)", false},
    {to_string(counter::dedup_full), warning, "the network server is overloaded (deduplication window full)",
     false},
    {to_string(counter::overload_shed), warning, "the network server is overloaded (uplink shed on arrival)",
     false},
    {to_string(counter::unknown_dev_addr), error, "no session with this device address", false},
    {to_string(counter::mic_failed), error, "data MIC failed: no session key of the device verifies it",
     false},
    {to_string(counter::replay), error, "uplink counter not increasing (replay)", false},
    {to_string(counter::fcnt_gap), error,
     "counters unrecoverable: the uplink counter jumped beyond the allowed gap", false},
    {to_string(counter::retransmission), warning, "repeated uplink counter (already delivered)", false},
    {to_string(counter::unknown_dev_eui), error, "join for an unknown DevEUI or the wrong AppEUI (JoinEUI)",
     true},
    {to_string(counter::join_mic_failed), error, "join MIC failed (the AppKey does not verify it)", true},
    {to_string(counter::dev_nonce_reused), error, "DEV_NONCE reused (replay)", true},
    {to_string(counter::no_dev_addr), error, "network server error on join: no free device address", true},
    {to_string(counter::join_not_scheduled), error,
     "network server error on join: no gateway could send the join-accept", true},
}};

std::string with_detail(std::string message, std::string_view detail) {
  if (!detail.empty()) fmt::format_to(std::back_inserter(message), ": {}", detail);
  return message;
}

}  // namespace

std::span<const drop_text> drop_texts() { return table; }

drop_notice describe_drop(std::string_view reason, std::string_view detail, std::uint32_t f_cnt) {
  for (const auto& row : table) {
    if (row.reason != reason) continue;
    auto head = row.join ? fmt::format("join-request dropped: {}", row.text)
                         : fmt::format("uplink {} dropped: {}", f_cnt, row.text);
    return {row.type, with_detail(std::move(head), detail)};
  }
  const auto name = reason.empty() ? std::string_view("no reason given") : reason;
  return {error,
          with_detail(fmt::format("frame {} dropped by the network server ({})", f_cnt, name), detail)};
}

}  // namespace tether::application::connector
