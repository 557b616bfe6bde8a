// {id}/status: gateway.Status <-> network::gateway_status (spec/ttn-v2.md §1.5), so that `tether gateway
// show` displays a v2 gateway's counters and OS metrics like a v3 gateway's (names in codec.hpp).
// Static strings set to "-" ("clear it") or left empty are not kept; `messages` and the fields a bridge or
// router fills in (bridge, router, gateway_trusted) are ignored.

#include "gateway/ttnv2/codec.hpp"
#include "gateway/ttnv2/codec_pb.hpp"
#include "registry/ids.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <utility>

namespace tether::gateway::ttnv2 {
namespace {

using namespace detail;

constexpr std::size_t max_ips = 10;
constexpr std::size_t max_string_length = 128;

using status_counter = std::pair<const char*, std::uint32_t (v2::gateway::Status::*)() const>;
constexpr std::array<status_counter, 4> always_counters{{
    {"rxin", &v2::gateway::Status::rx_in},
    {"rxok", &v2::gateway::Status::rx_ok},
    {"txin", &v2::gateway::Status::tx_in},
    {"txok", &v2::gateway::Status::tx_ok},
}};
constexpr std::array<status_counter, 5> nonzero_counters{{
    {"lmok", &v2::gateway::Status::lm_ok},
    {"lmst", &v2::gateway::Status::lm_st},
    {"lmnw", &v2::gateway::Status::lm_nw},
    {"lpps", &v2::gateway::Status::l_pps},
    {"rtt_ms", &v2::gateway::Status::rtt},
}};
using os_metric = std::pair<const char*, float (v2::gateway::Status::OSMetrics::*)() const>;
constexpr std::array<os_metric, 6> os_metrics{{
    {"load_1", &v2::gateway::Status::OSMetrics::load_1},
    {"load_5", &v2::gateway::Status::OSMetrics::load_5},
    {"load_15", &v2::gateway::Status::OSMetrics::load_15},
    {"cpu_percentage", &v2::gateway::Status::OSMetrics::cpu_percentage},
    {"memory_percentage", &v2::gateway::Status::OSMetrics::memory_percentage},
    {"temp", &v2::gateway::Status::OSMetrics::temperature},
}};

bool valid_ip(const std::string& ip) {
  unsigned char buf[16];
  if (ip.find('\0') != std::string::npos) return false;
  return inet_pton(AF_INET, ip.c_str(), buf) == 1 || inet_pton(AF_INET6, ip.c_str(), buf) == 1;
}

bool within_limits(const v2::gateway::Status& s) {
  if (static_cast<std::size_t>(s.ip_size()) > max_ips) return false;
  for (const auto& ip : s.ip()) {
    if (!valid_ip(ip)) return false;
  }
  for (const auto* str :
       {&s.platform(), &s.contact_email(), &s.description(), &s.frequency_plan(), &s.hal()}) {
    if (str->size() > max_string_length) return false;
  }
  return true;
}

void keep(std::map<std::string, std::string>& versions, const char* key, const std::string& value) {
  if (!value.empty() && value != "-") versions.emplace(key, value);
}

void add_versions(const v2::gateway::Status& s, network::gateway_status& out) {
  keep(out.versions, "platform", s.platform());
  keep(out.versions, "hal", s.hal());
  keep(out.versions, "frequency_plan", s.frequency_plan());
  keep(out.versions, "description", s.description());
  keep(out.versions, "contact_email", s.contact_email());
  if (s.fpga() != 0) out.versions.emplace("fpga", std::to_string(s.fpga()));
  if (s.dsp() != 0) out.versions.emplace("dsp", std::to_string(s.dsp()));
}

void add_metrics(const v2::gateway::Status& s, network::gateway_status& out) {
  for (const auto& [name, get] : always_counters) out.metrics.emplace(name, static_cast<float>((s.*get)()));
  for (const auto& [name, get] : nonzero_counters) {
    if ((s.*get)() != 0) out.metrics.emplace(name, static_cast<float>((s.*get)()));
  }
  if (s.has_os()) {
    for (const auto& [name, get] : os_metrics) out.metrics.emplace(name, (s.os().*get)());
  }
}

std::uint32_t counter(const network::gateway_status& s, const char* name) {
  auto it = s.metrics.find(name);
  if (it == s.metrics.end() || !(it->second > 0)) return 0;
  return static_cast<std::uint32_t>(std::min<double>(it->second, 4294967295.0));
}

std::string version(const network::gateway_status& s, const char* name) {
  auto it = s.versions.find(name);
  return it == s.versions.end() ? std::string() : it->second;
}

}  // namespace

result<network::gateway_status> decode_status(std::span<const std::uint8_t> payload,
                                              std::string_view gateway_id, network::time_point received_at) {
  if (!registry::is_valid_id(gateway_id)) return codec_error::invalid_gateway_id;
  const auto* msg = parse<v2::gateway::Status>(payload);
  if (msg == nullptr) return codec_error::not_protobuf;
  if (!within_limits(*msg)) return codec_error::invalid_status;
  auto time = from_unix_ns(msg->time());
  if (!time) return time.error();
  auto boot_time = from_unix_ns(msg->boot_time());
  if (!boot_time) return boot_time.error();

  network::gateway_status out;
  out.gateway_id = gateway_id;
  out.time = *time;
  out.boot_time = *boot_time;
  add_versions(*msg, out);
  if (msg->has_location()) {
    if (auto l = from_pb(msg->location())) out.antenna_locations.push_back(*l);
  }
  out.ips.assign(msg->ip().begin(), msg->ip().end());
  add_metrics(*msg, out);
  out.received_at = received_at;
  return out;
}

std::string encode_status(const network::gateway_status& s) {
  auto* msg = make<v2::gateway::Status>();
  msg->set_time(to_unix_ns(s.time));
  msg->set_boot_time(to_unix_ns(s.boot_time));
  for (const auto& ip : s.ips) msg->add_ip(ip);
  msg->set_platform(version(s, "platform"));
  msg->set_hal(version(s, "hal"));
  msg->set_frequency_plan(version(s, "frequency_plan"));
  msg->set_description(version(s, "description"));
  msg->set_contact_email(version(s, "contact_email"));
  msg->set_fpga(static_cast<std::uint32_t>(std::strtoul(version(s, "fpga").c_str(), nullptr, 10)));
  msg->set_dsp(static_cast<std::uint32_t>(std::strtoul(version(s, "dsp").c_str(), nullptr, 10)));
  if (!s.antenna_locations.empty()) to_pb(s.antenna_locations.front(), msg->mutable_location());
  msg->set_rx_in(counter(s, "rxin"));
  msg->set_rx_ok(counter(s, "rxok"));
  msg->set_tx_in(counter(s, "txin"));
  msg->set_tx_ok(counter(s, "txok"));
  msg->set_lm_ok(counter(s, "lmok"));
  msg->set_lm_st(counter(s, "lmst"));
  msg->set_lm_nw(counter(s, "lmnw"));
  msg->set_l_pps(counter(s, "lpps"));
  msg->set_rtt(counter(s, "rtt_ms"));
  bool any_os = false;
  for (const auto& [name, get] : os_metrics) any_os = any_os || s.metrics.contains(name);
  if (any_os) {
    auto* os = msg->mutable_os();
    auto value = [&s](const char* name) {
      auto it = s.metrics.find(name);
      return it == s.metrics.end() ? 0.0f : it->second;
    };
    os->set_load_1(value("load_1"));
    os->set_load_5(value("load_5"));
    os->set_load_15(value("load_15"));
    os->set_cpu_percentage(value("cpu_percentage"));
    os->set_memory_percentage(value("memory_percentage"));
    os->set_temperature(value("temp"));
  }
  return serialize(*msg);
}

}  // namespace tether::gateway::ttnv2
