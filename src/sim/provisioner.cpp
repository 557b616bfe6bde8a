#include "sim/provisioner.hpp"

#include "lorawan/band/frequency_plan.hpp"
#include "network/device_table.hpp"
#include "registry/application_store.hpp"
#include "registry/device_store.hpp"
#include "registry/gateway_store.hpp"
#include "registry/key_store.hpp"
#include "storage/migrations.hpp"
#include "storage/paths.hpp"
#include "storage/sqlite.hpp"

#include <filesystem>
#include <stdexcept>

namespace tether::sim {
namespace {

[[noreturn]] void refuse(const std::string& what, const boost::system::error_code& ec) {
  throw std::runtime_error(what + ": " + ec.message());
}

template <class Key>
Key random_bytes(std::mt19937_64& rng) {
  Key k;
  for (auto& b : k.bytes) b = static_cast<std::uint8_t>(rng());
  return k;
}

lorawan::aes_key to_lorawan(const core::aes_key& k) { return k.bytes; }

// Replaces the sim's key of `owner` with a new one.
std::string fresh_key(registry::key_store& keys, const registry::entity_ref& owner,
                      const registry::rights& granted) {
  const std::string subject = std::string(registry::to_string(owner.kind)) + " " + owner.id;
  auto existing = keys.list(owner);
  if (!existing) refuse(subject, existing.error());
  for (const auto& k : *existing) {
    if (k.name == key_name) (void)keys.remove(k.key_id);  // a concurrent removal is as good
  }
  auto created = keys.create(owner, granted, key_name);
  if (!created) refuse("API key of " + subject, created.error());
  return created->full_key;
}

void ensure_gateway(registry::gateway_store& store, const std::string& id, const std::string& plan) {
  if (store.get(id)) return;
  registry::gateway g;
  g.gateway_id = id;
  g.frequency_plan_id = plan;
  g.name = "tether sim";
  if (auto r = store.create(g); !r && r.error() != registry::registry_error::already_exists)
    refuse("gateway " + id, r.error());
}

void ensure_application(registry::application_store& store) {
  if (store.get(application_id)) return;
  registry::application a;
  a.application_id = application_id;
  a.name = "tether sim";
  if (auto r = store.create(a); !r && r.error() != registry::registry_error::already_exists)
    refuse(std::string("application ") + application_id, r.error());
}

registry::end_device random_device(const sim_options& o, const std::string& id, std::mt19937_64& rng) {
  registry::end_device d;
  d.application_id = application_id;
  d.device_id = id;
  d.frequency_plan_id = o.frequency_plan;
  d.lorawan_version = "1.0.3";
  d.name = "tether sim";
  d.dev_eui = random_bytes<core::eui64>(rng);
  if (o.activation == activation::otaa) {
    d.activation = registry::activation_mode::otaa;
    d.join_eui = random_bytes<core::eui64>(rng);
    d.app_key = random_bytes<core::aes_key>(rng);
  } else {
    d.activation = registry::activation_mode::abp;
    // NetID 0x000013 (type 0): DevAddr prefix 0x26/7, as the network core allocates for OTAA.
    auto addr = (0x13u << 25) | (static_cast<std::uint32_t>(rng()) & 0x01ffffffu);
    core::dev_addr a;
    for (int i = 0; i < 4; ++i)
      a.bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(addr >> (24 - 8 * i));
    d.dev_addr = a;
    d.nwk_s_key = random_bytes<core::aes_key>(rng);
    d.app_s_key = random_bytes<core::aes_key>(rng);
  }
  return d;
}

// The receive windows a device of the plan starts with (LoRaWAN defaults, the plan's RX2).
rx_settings default_windows(const lorawan::band::frequency_plan& plan) {
  rx_settings rx;
  rx.rx1_delay = plan.band->receive_delay_1;
  rx.rx1_dr_offset = 0;
  rx.rx2_frequency = plan.rx2_frequency;
  rx.rx2_data_rate = plan.rx2_data_rate;
  return rx;
}

simulated_device to_simulated(const registry::end_device& d, const rx_settings& windows,
                              std::mt19937_64& rng) {
  if (d.activation == registry::activation_mode::otaa) {
    otaa_keys keys{network::to_number(*d.dev_eui), network::to_number(*d.join_eui), to_lorawan(*d.app_key)};
    // A random first DevNonce: the device keeps no memory between runs.
    return simulated_device(d.device_id, keys, static_cast<std::uint16_t>(rng()), windows);
  }
  return simulated_device(
      d.device_id,
      session{network::to_number(*d.dev_addr), to_lorawan(*d.nwk_s_key), to_lorawan(*d.app_s_key)}, windows);
}

}  // namespace

std::string gateway_id(std::size_t index) { return "sim-gw-" + std::to_string(index + 1); }
std::string device_id(std::size_t index) { return "sim-dev-" + std::to_string(index + 1); }

provisioning provision(const sim_options& o, std::mt19937_64& rng) {
  std::filesystem::create_directories(o.data_dir);
  storage::database db(storage::database_path(o.data_dir).string());
  storage::migrate(db);
  registry::gateway_store gateways(db);
  registry::application_store applications(db);
  registry::device_store devices(db);
  registry::key_store keys(db);

  provisioning p;
  for (std::size_t i = 0; i < o.gateways; ++i) {
    auto id = gateway_id(i);
    ensure_gateway(gateways, id, o.frequency_plan);
    p.gateways.push_back(
        {id, fresh_key(keys, {registry::entity_kind::gateway, id}, {registry::right::gateway_link})});
  }
  ensure_application(applications);
  p.application = {application_id, fresh_key(keys, {registry::entity_kind::application, application_id},
                                             {registry::right::application_traffic_read,
                                              registry::right::application_traffic_down_write})};
  auto plan = lorawan::band::find_frequency_plan(o.frequency_plan);
  if (!plan)
    throw std::invalid_argument("frequency plan " + o.frequency_plan + ": " + plan.error().message());
  const auto windows = default_windows(*plan);
  for (std::size_t i = 0; i < o.devices; ++i) {
    auto id = device_id(i);
    (void)devices.remove(application_id, id);  // not_found on a first run
    auto created = devices.create(random_device(o, id, rng));
    if (!created) refuse("device " + id, created.error());
    p.devices.push_back(to_simulated(*created, windows, rng));
  }
  return p;
}

}  // namespace tether::sim
