#include "iotp/dm_service.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

namespace tether::iotp {

dm_service::dm_service(const std::string& database_path, dm_service_options options)
    : options_(options),
      db_(database_path),
      store_(db_, options.bounds),
      engine_(store_, [this](mqtt::message_ptr m) { publish_(std::move(m)); }),
      work_(io_.get_executor()),
      timer_(io_) {}

dm_service::~dm_service() { stop(); }

void dm_service::start(publish_fn publish) {
  if (thread_.joinable()) return;
  publish_ = std::move(publish);
  boost::asio::post(io_, [this] {
    try {
      engine_.resume();
    } catch (const std::exception& e) {
      spdlog::warn("[iot] device management: open requests not read: {}", e.what());
    }
    tick();
  });
  thread_ = std::thread([this] { io_.run(); });
}

void dm_service::stop() {
  boost::asio::post(io_, [this] { timer_.cancel(); });
  work_.reset();
  if (thread_.joinable()) {
    thread_.join();
  } else {
    io_.stop();
  }
}

void dm_service::submit(dm_sender sender, std::string rest, std::string payload) {
  if (queued_.fetch_add(1, std::memory_order_relaxed) >= options_.max_queued || !thread_.joinable()) {
    queued_.fetch_sub(1, std::memory_order_relaxed);
    stats_.overflow.fetch_add(1, std::memory_order_relaxed);
    {
      std::lock_guard lock(log_mutex_);
      if (auto n = overflow_log_.due()) {
        spdlog::warn("[iot] device management queue full ({}): answered 409 to {}:{}:{}{}",
                     options_.max_queued, sender.device.org, sender.device.type, sender.device.id,
                     core::repeat_note(*n));
      }
    }
    if (operation_of(rest) != dm_operation::response && publish_) {
      dm_refusal why;
      auto envelope = parse_envelope(payload, why);
      respond(sender.device, dm_rc::conflict, "busy: retry later",
              envelope ? envelope->req_id : std::nullopt);
    }
    return;
  }
  boost::asio::post(io_,
                    [this, sender = std::move(sender), rest = std::move(rest), payload = std::move(payload)] {
                      queued_.fetch_sub(1, std::memory_order_relaxed);
                      handle(sender, rest, payload);
                    });
}

void dm_service::respond(const device_ref& device, int rc, std::string_view message,
                         const std::optional<std::string>& req_id) {
  publish_(
      mqtt::make_message(fmt::format("{}/iotdm-1/type/{}/id/{}/response", device.org, device.type, device.id),
                         render_response(rc, message, req_id), 1, false));
}

void dm_service::handle(const dm_sender& sender, const std::string& rest, const std::string& payload) {
  const auto now = std::chrono::system_clock::now();
  const auto op = operation_of(rest);
  dm_outcome out;
  try {
    out = handle_dm_request(store_, options_.handler, sender, op, payload, now);
    if (out.managed) engine_.on_manage(sender.device, now);
    for (const auto& fw : out.firmware) engine_.on_firmware(sender.device, fw, now);
    if (out.device_response && !engine_.on_response(sender.device, *out.device_response, now)) {
      stats_.unmatched.fetch_add(1, std::memory_order_relaxed);
    }
  } catch (const std::exception& e) {
    spdlog::warn("[iot] device management request {} of {}:{}:{} failed: {}", rest, sender.device.org,
                 sender.device.type, sender.device.id, e.what());
    out.rc = dm_rc::internal;
    out.message = "internal error";
  }
  if (op != dm_operation::response) stats_.requests.fetch_add(1, std::memory_order_relaxed);
  if (out.trimmed) {
    stats_.trimmed.fetch_add(out.trimmed, std::memory_order_relaxed);
    if (auto n = trim_log_.due()) {
      spdlog::warn("[iot] {}:{}:{}: dropped {} old error code(s) or log(s) beyond the bounds{}",
                   sender.device.org, sender.device.type, sender.device.id, out.trimmed,
                   core::repeat_note(*n));
    }
  }
  if (!out.respond) return;
  if (out.rc != dm_rc::ok) stats_.refused.fetch_add(1, std::memory_order_relaxed);
  respond(sender.device, out.rc, out.message, out.req_id);
}

void dm_service::schedule_tick() {
  timer_.expires_after(options_.tick);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) tick();
  });
}

void dm_service::tick() {
  const auto now = std::chrono::system_clock::now();
  try {
    for (const auto& ref : store_.expire_lifetimes(
             std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count())) {
      spdlog::info("[iot] {}:{}:{} is dormant: its lifetime lapsed without a new manage", ref.org, ref.type,
                   ref.id);
    }
    engine_.tick(now);
  } catch (const std::exception& e) {
    spdlog::warn("[iot] device management tick failed (retrying): {}", e.what());
  }
  schedule_tick();
}

}  // namespace tether::iotp
