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

void window_counts::add(window_hit w) noexcept {
  switch (w) {
    case window_hit::rx1:
      ++rx1;
      break;
    case window_hit::rx2:
      ++rx2;
      break;
    case window_hit::wrong_timing:
      ++wrong_timing;
      break;
    case window_hit::wrong_frequency:
      ++wrong_frequency;
      break;
    case window_hit::wrong_data_rate:
      ++wrong_data_rate;
      break;
  }
}

bool sim_report::downlinks_passed() const noexcept {
  if (windows.errors() > 0 || device_downlinks.refused > 0) return false;
  const auto& d = application_downlinks;
  if (d.pushed == 0) return true;
  return d.queued == d.pushed && d.received == d.pushed && d.right == d.pushed && d.wrong == 0 &&
         d.duplicates == 0 && d.unexpected == 0 && d.sent == d.pushed && d.acked == d.confirmed &&
         d.nacked == 0 && d.failed == 0;
}

bool sim_report::passed() const noexcept {
  const bool all_joined = activation != "otaa" || joined == devices;
  return errors.empty() && all_joined && uplinks.sent > 0 && uplinks.missing() == 0 &&
         uplinks.duplicates == 0 && uplinks.wrong_payloads == 0 && uplinks.unexpected == 0 &&
         downlinks_passed();
}

void fill_latency(sim_report& r, const latency_histogram& h) {
  r.latency_p50_ms = h.percentile_ms(0.50);
  r.latency_p99_ms = h.percentile_ms(0.99);
  r.latency_p999_ms = h.percentile_ms(0.999);
  r.latency_max_ms = h.max_ms();
}

void fill_downlink_latency(sim_report& r, const latency_histogram& h) {
  r.downlink_latency_p50_ms = h.percentile_ms(0.50);
  r.downlink_latency_p99_ms = h.percentile_ms(0.99);
  r.downlink_latency_max_ms = h.max_ms();
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
  line("gateways", fmt::format("{} uplink publishes, {} downlinks, {} TxAcks", r.gateway_publishes,
                               r.downlinks, r.tx_acks));
  line("throughput",
       fmt::format("{:.1f} uplinks/s sent over {:.2f} s, {:.1f} uplinks/s received over {:.2f} s",
                   r.sent_per_second(), r.send_seconds, r.received_per_second(), r.receive_seconds));
  line("latency", fmt::format("p50 {:.1f} ms, p99 {:.1f} ms, p99.9 {:.1f} ms, max {:.1f} ms",
                              r.latency_p50_ms, r.latency_p99_ms, r.latency_p999_ms, r.latency_max_ms));
  const auto& w = r.windows;
  if (r.downlinks > 0) {
    line("windows",
         fmt::format("{} RX1, {} RX2, {} wrong-window errors ({} timing, {} frequency, {} data rate)", w.rx1,
                     w.rx2, w.errors(), w.wrong_timing, w.wrong_frequency, w.wrong_data_rate));
    const auto& dd = r.device_downlinks;
    line("devices",
         fmt::format("{} downlinks decrypted, {} refused, {} MAC commands, {} MAC answers, {} ACKs "
                     "sent, {} extra uplinks",
                     dd.accepted, dd.refused, dd.mac_commands, dd.mac_answers, dd.acks, dd.extra_uplinks));
  }
  const auto& d = r.application_downlinks;
  if (d.pushed > 0) {
    line("app downlinks",
         fmt::format(
             "{} pushed ({} confirmed), {} queued, {} received by devices, {} decrypted right, {} sent, "
             "{} acked, {} failed, {} missing",
             d.pushed, d.confirmed, d.queued, d.received, d.right, d.sent, d.acked, d.failed, d.missing()));
    if (d.wrong + d.duplicates + d.unexpected + d.nacked + d.unknown_events > 0) {
      line("", fmt::format("{} wrong payloads, {} duplicates, {} unexpected, {} nacks, {} unknown events",
                           d.wrong, d.duplicates, d.unexpected, d.nacked, d.unknown_events));
    }
    line("dl latency",
         fmt::format("push to device: p50 {:.1f} ms, p99 {:.1f} ms, max {:.1f} ms", r.downlink_latency_p50_ms,
                     r.downlink_latency_p99_ms, r.downlink_latency_max_ms));
  }
  for (const auto& e : r.errors) line("error", e);
  line("result", r.passed() ? "PASS" : "FAIL");
  return out;
}

std::string render_json(const sim_report& r) {
  const auto& u = r.uplinks;
  const auto& w = r.windows;
  const auto& dd = r.device_downlinks;
  const auto& d = r.application_downlinks;
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
      {"tx_acks", r.tx_acks},
      {"windows",
       {{"rx1", w.rx1},
        {"rx2", w.rx2},
        {"errors", w.errors()},
        {"wrong_timing", w.wrong_timing},
        {"wrong_frequency", w.wrong_frequency},
        {"wrong_data_rate", w.wrong_data_rate}}},
      {"device_downlinks",
       {{"accepted", dd.accepted},
        {"refused", dd.refused},
        {"mac_commands", dd.mac_commands},
        {"mac_answers", dd.mac_answers},
        {"acks", dd.acks},
        {"extra_uplinks", dd.extra_uplinks}}},
      {"application_downlinks",
       {{"pushed", d.pushed},
        {"confirmed", d.confirmed},
        {"queued", d.queued},
        {"received", d.received},
        {"right", d.right},
        {"wrong", d.wrong},
        {"duplicates", d.duplicates},
        {"unexpected", d.unexpected},
        {"sent", d.sent},
        {"acked", d.acked},
        {"nacked", d.nacked},
        {"failed", d.failed},
        {"missing", d.missing()},
        {"unknown_events", d.unknown_events},
        {"latency_ms",
         {{"p50", r.downlink_latency_p50_ms},
          {"p99", r.downlink_latency_p99_ms},
          {"max", r.downlink_latency_max_ms}}}}},
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
