#include "sim/report.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace tether::sim {

double sim_report::sent_per_second() const noexcept {
  return send_seconds > 0 ? static_cast<double>(uplinks.sent) / send_seconds : 0;
}

double sim_report::received_per_second() const noexcept {
  return receive_seconds > 0 ? static_cast<double>(uplinks.received) / receive_seconds : 0;
}

bool sim_report::passed() const noexcept {
  const bool all_joined = activation != "otaa" || joined == devices;
  return errors.empty() && all_joined && uplinks.sent > 0 && uplinks.missing() == 0 &&
         uplinks.duplicates == 0 && uplinks.wrong_payloads == 0 && uplinks.unexpected == 0;
}

void fill_latency(sim_report& r, const latency_histogram& h) {
  r.latency_p50_ms = h.percentile_ms(0.50);
  r.latency_p99_ms = h.percentile_ms(0.99);
  r.latency_p999_ms = h.percentile_ms(0.999);
  r.latency_max_ms = h.max_ms();
}

std::string render_text(const sim_report& r) {
  std::string out;
  auto line = [&out](std::string_view label, const std::string& value) {
    out += fmt::format("{:<14}{}\n", label, value);
  };
  line("setup", fmt::format("{} {} devices, {} gateways, heard by {} each", r.devices, r.activation,
                            r.gateways, r.gateways_per_device));
  if (r.activation == "otaa") {
    line("joins", fmt::format("{} joined of {} ({} join-requests, {} join events)", r.joined, r.devices,
                              r.join_requests, r.join_events));
  }
  const auto& u = r.uplinks;
  line("uplinks",
       fmt::format("{} sent, {} received, {} missing, {} duplicates, {} wrong payloads, {} unexpected",
                   u.sent, u.received, u.missing(), u.duplicates, u.wrong_payloads, u.unexpected));
  line("gateways", fmt::format("{} uplink publishes, {} downlinks", r.gateway_publishes, r.downlinks));
  line("throughput",
       fmt::format("{:.1f} uplinks/s sent over {:.2f} s, {:.1f} uplinks/s received over {:.2f} s",
                   r.sent_per_second(), r.send_seconds, r.received_per_second(), r.receive_seconds));
  line("latency", fmt::format("p50 {:.1f} ms, p99 {:.1f} ms, p99.9 {:.1f} ms, max {:.1f} ms",
                              r.latency_p50_ms, r.latency_p99_ms, r.latency_p999_ms, r.latency_max_ms));
  for (const auto& e : r.errors) line("error", e);
  line("result", r.passed() ? "PASS" : "FAIL");
  return out;
}

std::string render_json(const sim_report& r) {
  const auto& u = r.uplinks;
  nlohmann::json j{
      {"activation", r.activation},
      {"gateways", r.gateways},
      {"devices", r.devices},
      {"gateways_per_device", r.gateways_per_device},
      {"join_requests", r.join_requests},
      {"joined", r.joined},
      {"join_events", r.join_events},
      {"gateway_publishes", r.gateway_publishes},
      {"downlinks", r.downlinks},
      {"sent", u.sent},
      {"received", u.received},
      {"missing", u.missing()},
      {"duplicates", u.duplicates},
      {"wrong_payloads", u.wrong_payloads},
      {"unexpected", u.unexpected},
      {"send_seconds", r.send_seconds},
      {"receive_seconds", r.receive_seconds},
      {"sent_per_second", r.sent_per_second()},
      {"received_per_second", r.received_per_second()},
      {"latency_ms",
       {{"p50", r.latency_p50_ms},
        {"p99", r.latency_p99_ms},
        {"p99.9", r.latency_p999_ms},
        {"max", r.latency_max_ms}}},
      {"errors", r.errors},
      {"passed", r.passed()},
  };
  return j.dump(2) + "\n";
}

}  // namespace tether::sim
