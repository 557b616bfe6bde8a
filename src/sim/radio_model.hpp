#pragma once
// Who hears what: each device is heard by up to `per_device` gateways, the nearest strongest, so the
// network core has several copies with different RSSI/SNR to deduplicate and choose from. Channels of
// the frequency plan are used in turn at the fastest LoRa data rate each allows. Pure.

#include "lorawan/band/frequency_plan.hpp"
#include "network/radio.hpp"

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace tether::sim {

struct reception {
  std::size_t gateway = 0;  // index into the simulated gateways
  float rssi = 0;           // dBm
  float snr = 0;            // dB
};

class radio_model {
 public:
  radio_model(std::size_t gateways, std::size_t per_device, lorawan::band::frequency_plan plan);

  // The gateways that hear device `device` this time, strongest first; the jitter varies per frame.
  std::vector<reception> receptions(std::size_t device, std::mt19937_64& rng) const;
  // Frequency and data rate of the `n`-th frame sent.
  network::tx_settings settings(std::uint64_t n) const;

  std::size_t gateways_per_device() const noexcept { return per_device_; }
  // Whether `gateway` is one of those that hear `device`.
  bool hears(std::size_t device, std::size_t gateway) const noexcept;
  const lorawan::band::frequency_plan& plan() const noexcept { return plan_; }

 private:
  std::size_t gateways_;
  std::size_t per_device_;
  lorawan::band::frequency_plan plan_;
  std::vector<network::tx_settings> channels_;  // one per usable uplink channel
};

// One gateway's copy of a frame as its packet forwarder would report it.
network::gateway_uplink make_gateway_uplink(const std::string& gateway_id, const reception& r,
                                            const network::tx_settings& settings,
                                            const lorawan::bytes& phy_payload, std::uint32_t concentrator_us,
                                            network::time_point now);

}  // namespace tether::sim
