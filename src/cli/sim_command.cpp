// `tether sim`: registers simulated gateways, an application and devices in --data-dir's registry, then
// drives a running server over MQTT as the gateways (TTS v3 protobuf) and as the application (JSON),
// checking that every uplink arrives exactly once and decrypted right, that every downlink falls in a
// receive window of its device and, with --downlink-rate, that every pushed downlink reaches its device
// once, decrypted right, and is reported sent (and acknowledged). Exit code 1 when not.

#include "cli/commands.hpp"
#include "core/duration.hpp"
#include "lorawan/band/frequency_plan.hpp"
#include "sim/provisioner.hpp"
#include "sim/report.hpp"
#include "sim/simulator.hpp"

#include <iostream>
#include <memory>
#include <random>
#include <stdexcept>

namespace tether::cli {
namespace {

struct sim_args {
  sim::sim_options options;
  std::string activation = "otaa";
  std::string duration = "10s";
  std::string drain_timeout = "5s";
  std::uint64_t count = 0;
  bool json = false;
};

int usage(std::string_view text) {
  std::cerr << "tether sim: " << text << '\n';
  return 2;
}

int run(sim_args& a) {
  auto& o = a.options;
  if (a.activation == "otaa") {
    o.activation = sim::activation::otaa;
  } else if (a.activation == "abp") {
    o.activation = sim::activation::abp;
  } else {
    return usage("--activation must be otaa or abp");
  }
  const auto duration = core::parse_duration(a.duration);
  if (!duration) return usage("--duration: " + duration.error);
  o.duration = *duration.value;
  const auto drain = core::parse_duration(a.drain_timeout);
  if (!drain) return usage("--drain-timeout: " + drain.error);
  o.drain_timeout = *drain.value;
  if (a.count > 0) o.count = a.count;
  if (o.gateways == 0 || o.devices == 0) return usage("--gateways and --devices must be at least 1");
  if (!(o.rate > 0)) return usage("--rate must be above 0");
  if (o.payload_size == 0 || o.payload_size > 222) return usage("--payload-size must be 1 to 222 bytes");
  if (!(o.downlink_rate >= 0)) return usage("--downlink-rate must be 0 or more");
  if (!(o.confirmed_downlinks >= 0 && o.confirmed_downlinks <= 1))
    return usage("--confirmed-downlinks must be a share from 0 to 1");
  auto plan = lorawan::band::find_frequency_plan(o.frequency_plan);
  if (!plan) return usage("--frequency-plan '" + o.frequency_plan + "': unknown frequency plan");

  std::uint64_t seed = o.seed != 0 ? o.seed : std::random_device{}();
  std::mt19937_64 rng(seed);
  try {
    auto provisioned = sim::provision(o, rng);
    sim::simulator simulator(o, std::move(provisioned), std::move(*plan), rng());
    auto report = simulator.run();
    std::cout << (a.json ? sim::render_json(report) : sim::render_text(report)) << std::flush;
    return report.passed() ? 0 : 1;
  } catch (const std::invalid_argument& e) {
    return usage(e.what());
  } catch (const std::exception& e) {
    std::cerr << "tether sim: " << e.what() << '\n';
    return 1;
  }
}

}  // namespace

void add_sim_command(CLI::App& app, command_context& ctx) {
  auto a = std::make_shared<sim_args>();
  auto& o = a->options;
  auto* cmd = app.add_subcommand(
      "sim", "Simulate gateways and devices against a running server and check every uplink and downlink");
  cmd->add_option("--data-dir", o.data_dir,
                  "Data directory of the server (its registry gets the sim's entities)")
      ->envname("TETHER_DATA_DIR")
      ->capture_default_str();
  cmd->add_option("--gateway-address", o.gateway_address, "TTS v3 gateway listener, HOST:PORT")
      ->capture_default_str();
  cmd->add_option("--application-address", o.application_address, "Application listener, HOST:PORT")
      ->capture_default_str();
  cmd->add_option("--gateways", o.gateways, "Simulated gateways sim-gw-1..G")->capture_default_str();
  cmd->add_option("--devices", o.devices, "Simulated devices sim-dev-1..D")->capture_default_str();
  cmd->add_option("--gateways-per-device", o.gateways_per_device, "Gateways hearing each uplink (at most G)")
      ->capture_default_str();
  cmd->add_option("--activation", a->activation, "otaa or abp")->capture_default_str();
  cmd->add_option("--rate", o.rate, "Uplinks per second, all devices together")->capture_default_str();
  cmd->add_option("--count", a->count, "Uplinks in total (instead of --duration)");
  cmd->add_option("--duration", a->duration, "How long to send uplinks, e.g. 10s")->capture_default_str();
  cmd->add_option("--payload-size", o.payload_size, "FRMPayload bytes per uplink")->capture_default_str();
  cmd->add_option("--frequency-plan", o.frequency_plan, "Frequency plan ID")->capture_default_str();
  cmd->add_option("--drain-timeout", a->drain_timeout, "How long to wait for the last uplinks")
      ->capture_default_str();
  cmd->add_option("--join-rate", o.join_rate, "Join-requests per second (OTAA)")->capture_default_str();
  cmd->add_option("--downlink-rate", o.downlink_rate,
                  "Application downlinks pushed per second while uplinks run (0: none); devices then wait "
                  "for their receive windows between uplinks (Class A)")
      ->capture_default_str();
  // A bare --confirmed-downlinks means all of them.
  cmd->add_option("--confirmed-downlinks", o.confirmed_downlinks,
                  "Share of the pushed downlinks that are confirmed, 0 (default) to 1; without a value: all")
      ->expected(0, 1)
      ->default_str("1")
      ->option_text("[SHARE]");
  cmd->add_option("--seed", o.seed, "Random seed (0: random)");
  cmd->add_flag("--json", a->json, "Print the report as JSON");
  cmd->callback([a, &ctx] { ctx.exit_code = run(*a); });
}

}  // namespace tether::cli
