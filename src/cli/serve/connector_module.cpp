// Outbound MQTT connectors (issue 17): one link per configured connector (application/connector/
// link.hpp) publishing its application's events into the user's broker. The links run on one thread
// of their own (their event-stream reads and cursor saves touch SQLite, which a worker must not
// wait for). The module polls the connector directory once a second and starts, restarts (config
// changed) or stops links to match, so a change reaches a running server without a restart. As a
// bus frontend it only wakes the links of an event's application; they read the event from the
// durable stream themselves, so a live event and a replayed one take the same path.

#include "application/bus.hpp"
#include "application/connector/connector_store.hpp"
#include "application/connector/data_api_codec.hpp"
#include "application/connector/link.hpp"
#include "cli/serve/connector_directory_file.hpp"
#include "cli/serve/connector_metrics.hpp"
#include "cli/serve/frontend_module.hpp"
#include "core/duration.hpp"
#include "http/tether_metrics.hpp"
#include "registry/device_store.hpp"
#include "storage/cursor_store.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <map>
#include <memory>
#include <shared_mutex>
#include <thread>

namespace tether::cli {
namespace {
namespace asio = boost::asio;
namespace conn = application::connector;

class connector_module final : public frontend_module, public application::frontend {
 public:
  void add_flags(CLI::App& cmd) override;
  void build(serve_context& ctx) override;
  void start() override;
  void stop() override;

  void on_join(const network::join_event& e, const application::event_context&) override { wake(e.ids); }
  void on_uplink(const network::uplink_event& e, const application::event_context&) override { wake(e.ids); }
  void on_downlink(const network::downlink_event& e, const application::event_context&) override {
    wake(e.ids);
  }

 private:
  using key = std::pair<std::string, std::string>;  // application, name

  void wake(const network::device_ids& ids);
  void sync();
  void schedule_sync();
  void start_link(const conn::connector_config& config);
  void stop_link(std::map<key, std::shared_ptr<conn::link>>::iterator it);
  void write_metrics(http::exposition& out);

  CLI::App* cmd_ = nullptr;
  std::string backoff_max_ = "60s";
  std::string history_long_ = "48h";
  std::string history_short_ = "1h";
  conn::link_options options_;

  std::unique_ptr<storage::cursor_store> cursors_;
  std::unique_ptr<storage::database> devices_db_;  // for downlink_claim's DevEUI lookups
  std::unique_ptr<application::event_stream> stream_;
  std::unique_ptr<conn::connector_directory> file_directory_;  // read by directory_
  std::unique_ptr<conn::connector_directory> directory_;       // stored ones and file_directory_'s
  conn::codec_factory codecs_;
  std::shared_ptr<conn::downstream_counters> downstream_ = std::make_shared<conn::downstream_counters>();
  retired_link_counts retired_;  // guarded like by_application_: a link is counted there or here

  asio::io_context io_{1};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  asio::steady_timer sync_timer_{io_};
  std::thread thread_;
  std::map<key, std::shared_ptr<conn::link>> links_;  // link thread only
  std::shared_mutex wake_mutex_;
  std::multimap<std::string, std::shared_ptr<conn::link>> by_application_;  // guarded by wake_mutex_
};

void connector_module::add_flags(CLI::App& cmd) {
  cmd_ = &cmd;
  const CLI::Validator duration([](std::string& text) { return core::parse_duration(text).error; },
                                "DURATION");
  cmd.add_option(
         "--connector-backoff-max", backoff_max_,
         "Longest wait between a connector's reconnect attempts (the wait starts at 0.1 s and doubles)")
      ->envname("TETHER_CONNECTOR_BACKOFF_MAX")
      ->check(duration)
      ->capture_default_str();
  cmd.add_option("--connector-history-uplink", history_long_,
                 "How old an uplink or downlink may be and still be replayed to a connector after an outage")
      ->envname("TETHER_CONNECTOR_HISTORY_UPLINK")
      ->check(duration)
      ->capture_default_str();
  cmd.add_option("--connector-history-other", history_short_,
                 "How old any other message may be and still be replayed to a connector after an outage")
      ->envname("TETHER_CONNECTOR_HISTORY_OTHER")
      ->check(duration)
      ->capture_default_str();
}

void connector_module::build(serve_context& ctx) {
  // The flags' check has refused what does not parse.
  const auto ms = [](const std::string& text) { return core::parse_duration(text).value.value(); };
  options_.backoff_max = std::max(ms(backoff_max_), options_.backoff_min);
  options_.retention_long = std::chrono::duration_cast<std::chrono::seconds>(ms(history_long_));
  options_.retention_short = std::chrono::duration_cast<std::chrono::seconds>(ms(history_short_));
  std::string config_file;
  if (auto* o = cmd_->get_option_no_throw("--config"); o != nullptr && o->count() > 0)
    config_file = o->as<std::string>();
  file_directory_ = make_file_connector_directory(config_file);
  directory_ = conn::make_registry_directory(ctx.database_path, *file_directory_);
  devices_db_ = std::make_unique<storage::database>(ctx.database_path);
  conn::codec_services services;
  services.push_downlinks = [&bus = ctx.bus](network::downlink_request r) {
    return bus.push_downlinks(std::move(r));
  };
  // Called on the links' thread only, so the one connection needs no lock.
  services.find_device = [db = devices_db_.get()](std::string_view app, const core::eui64& dev_eui) {
    auto found = registry::device_store(*db).find_by_dev_eui(app, dev_eui);
    return found ? std::optional<std::string>(found->device_id) : std::nullopt;
  };
  codecs_ = conn::make_data_api_codec_factory(std::move(services), downstream_);
  ctx.metrics.add([this](http::exposition& out) { write_metrics(out); });
  cursors_ = std::make_unique<storage::cursor_store>(ctx.database_path);
  stream_ = std::make_unique<application::event_stream>(ctx.event_log, *cursors_);
  ctx.bus.attach(*this);
}

void connector_module::start() {
  if (!directory_) return;
  work_.emplace(io_.get_executor());
  asio::post(io_, [this] { sync(); });
  thread_ = std::thread([this] { io_.run(); });
}

void connector_module::stop() {
  if (!thread_.joinable()) return;
  asio::post(io_, [this] {
    sync_timer_.cancel();
    for (auto& [k, l] : links_) l->stop_async();
    // After the links' stops (posted before this): their cursors are saved.
    asio::post(io_, [this] { io_.stop(); });
  });
  thread_.join();
  std::unique_lock lock(wake_mutex_);
  by_application_.clear();
}

void connector_module::wake(const network::device_ids& ids) {
  std::shared_lock lock(wake_mutex_);
  auto [from, to] = by_application_.equal_range(ids.application_id);
  for (auto it = from; it != to; ++it) it->second->wake();
}

void connector_module::sync() {
  std::vector<conn::connector_config> wanted;
  try {
    wanted = directory_->list();
  } catch (const std::exception& e) {
    spdlog::warn("connectors: listing failed, keeping the running ones: {}", e.what());
    return schedule_sync();
  }
  std::map<key, const conn::connector_config*> want;
  for (const auto& c : wanted) want[{c.application_id, c.name}] = &c;
  for (auto it = links_.begin(); it != links_.end();) {
    auto w = want.find(it->first);
    auto next = std::next(it);
    if (w == want.end() || !(*w->second == it->second->config())) stop_link(it);
    it = next;
  }
  for (const auto& [k, c] : want)
    if (!links_.contains(k)) start_link(*c);
  schedule_sync();
}

void connector_module::schedule_sync() {
  sync_timer_.expires_after(std::chrono::seconds(1));
  sync_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) sync();
  });
}

void connector_module::start_link(const conn::connector_config& config) {
  std::shared_ptr<conn::link> l;
  try {
    l = std::make_shared<conn::link>(io_, *stream_, config, codecs_(config), options_);
    l->start();
  } catch (const std::exception& e) {
    spdlog::error("connector {}/{}: cannot start: {}", config.application_id, config.name, e.what());
    return;
  }
  links_.emplace(key{config.application_id, config.name}, l);
  std::unique_lock lock(wake_mutex_);
  by_application_.emplace(config.application_id, l);
}

void connector_module::stop_link(std::map<key, std::shared_ptr<conn::link>>::iterator it) {
  it->second->stop_async();
  {
    std::unique_lock lock(wake_mutex_);
    auto [from, to] = by_application_.equal_range(it->first.first);
    for (auto b = from; b != to; ++b) {
      if (b->second == it->second) {
        retired_.add(b->second->counters());
        by_application_.erase(b);
        break;
      }
    }
  }
  links_.erase(it);
}

void connector_module::write_metrics(http::exposition& out) {
  std::shared_lock lock(wake_mutex_);  // the links stay alive while their counters are read
  std::vector<const conn::link_counters*> live;
  live.reserve(by_application_.size());
  for (const auto& [app, l] : by_application_) live.push_back(&l->counters());
  write_connector_metrics(out, live, retired_, *downstream_);
}

}  // namespace

std::unique_ptr<frontend_module> make_connector_module() { return std::make_unique<connector_module>(); }

}  // namespace tether::cli
