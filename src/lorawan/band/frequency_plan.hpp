#pragma once
// Frequency plans as The Things Stack names them (lorawan-frequency-plans): a band plus the channels a
// network actually uses, e.g. US_902_928_FSB_2 = channels 8-15 and 65.

#include "lorawan/band/band.hpp"

#include <string>
#include <vector>

namespace tether::lorawan::band {

struct frequency_plan {
  std::string id;
  const lorawan::band::band* band = nullptr;
  std::vector<channel> uplink_channels;
  std::uint32_t rx2_frequency = 0;
  std::uint8_t rx2_data_rate = 0;
  std::optional<channel> lora_standard_channel;  // gateway-side single-SF channel (EU868 DR6)
  std::optional<channel> fsk_channel;
};

result<frequency_plan> find_frequency_plan(std::string_view id);
std::vector<std::string> frequency_plan_ids();

// The CFList a join-accept carries for this plan: the non-default channels (type 0) or the channel
// mask (type 1).
result<aes_block> cf_list(const frequency_plan& plan);

}  // namespace tether::lorawan::band
