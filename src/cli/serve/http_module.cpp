// The HTTP side of `tether serve` (--http-listen, --http-tls-listen): /healthz, /readyz, /metrics, the
// admin API under /api/v1/ and the live event stream /api/v1/events (http/). The servers run on the system
// worker and answer from atomics and brief locks, so a scrape never blocks MQTT traffic. /readyz is ready
// when every MQTT and HTTP listener is open and the database can be written.

#include "application/event_stream.hpp"
#include "cli/serve/frontend_module.hpp"
#include "http/api/admin_api.hpp"
#include "http/event_access.hpp"
#include "http/event_feed.hpp"
#include "http/exposition.hpp"
#include "http/readiness.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "http/tether_metrics.hpp"
#include "mqtt/listener.hpp"
#include "mqtt/tls_context.hpp"
#include "storage/cursor_store.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/error.hpp>

#include <fmt/format.h>

#include <memory>
#include <stdexcept>
#include <vector>

namespace tether::cli {
namespace {

class http_module final : public frontend_module {
 public:
  void add_flags(CLI::App& cmd) override {
    flag(cmd, "http-listen", listen_,
         "HTTP listener for /healthz, /readyz, /metrics, the admin API and /api/v1/events (empty: off)");
    flag(cmd, "http-tls-listen", tls_listen_,
         "HTTPS listener for the same endpoints, with --tls-cert and --tls-key (empty: off)");
  }

  void build(serve_context& ctx) override {
    if (listen_.empty() && tls_listen_.empty()) return;
    add_routes(ctx);
    open("http-listen", listen_, ctx, nullptr);
    if (!tls_listen_.empty()) {
      if (ctx.tls.certificate_chain.empty() || ctx.tls.private_key.empty()) {
        spdlog::warn("--http-tls-listen {} not opened: it needs --tls-cert and --tls-key", tls_listen_);
      } else {
        tls_ = mqtt::make_server_tls_context(ctx.tls);
        open("http-tls-listen", tls_listen_, ctx, tls_.get());
      }
    }
  }

  void start() override {
    for (auto& s : servers_) s->start();
  }

  void stop() override {
    for (auto& s : servers_) s->close();
  }

 private:
  void add_routes(serve_context& ctx) {
    auto& realms = ctx.realms;
    sources_.brokers = [&realms] { return realms.brokers(); };
    sources_.hub = &ctx.hub;
    sources_.network = &ctx.network;
    sources_.version = "0.1.0";
    sources_.measures = ctx.measures;
    sources_.frontends = &ctx.metrics;
    checks_.push_back({"listeners", [this, &realms]() -> std::optional<std::string> {
                         const auto open = realms.open_listener_count() + open_servers();
                         const auto configured = realms.listener_count() + servers_.size();
                         if (open == configured) return std::nullopt;
                         return fmt::format("{} of {} listeners open", open, configured);
                       }});
    checks_.push_back({"store", [path = ctx.database_path] { return http::store_write_problem(path); }});
    routes_.get("/healthz", [] {
      return http::response{.content_type = "application/json", .body = "{\"status\":\"ok\"}\n"};
    });
    routes_.get("/readyz", [this] { return http::readiness_response(checks_); });
    routes_.get("/metrics", [this] {
      return http::response{.content_type = std::string(http::content_type),
                            .body = http::render_metrics(sources_)};
    });
    // The admin API (/api/v1/...) on its own connection, used on the system worker only.
    api_db_ = std::make_unique<storage::database>(ctx.database_path);
    admin_api_ = std::make_unique<http::api::admin_api>(*api_db_, ctx.keys);
    admin_api_->add_to(routes_);
    sources_.admin_api = &admin_api_->stats();
    add_event_route(ctx);
  }

  void add_event_route(serve_context& ctx) {
    cursors_ = std::make_unique<storage::cursor_store>(ctx.database_path);
    events_ = std::make_unique<application::event_stream>(ctx.event_log, *cursors_);
    routes_.stream("/api/v1/events",
                   [this, &keys = ctx.keys](const http::stream_request& r) { return open_feed(keys, r); });
  }

  http::stream_reply open_feed(registry::key_authenticator& keys, const http::stream_request& r) {
    auto parsed = http::parse_feed_request(r);
    if (auto* refusal = std::get_if<http::response>(&parsed)) return {std::move(*refusal), nullptr};
    auto& req = std::get<http::feed_request>(parsed);
    // The one access check; the admin API's key check goes here.
    if (auto refusal = http::check_event_access(keys, req.filter, r.authorization)) {
      return {std::move(*refusal), nullptr};
    }
    const auto head = events_->last_seq(req.filter.stream());
    if (req.last_event_id && *req.last_event_id > head) {
      return {http::json_error(
                  400, "bad_request",
                  fmt::format("Last-Event-ID {} is beyond the newest event ({})", *req.last_event_id, head)),
              nullptr};
    }
    return {{},
            std::make_unique<http::event_feed>(*events_, std::move(req.filter),
                                               req.last_event_id.value_or(head))};
  }

  std::size_t open_servers() const {
    std::size_t n = 0;
    for (const auto& s : servers_) n += s->is_open() ? 1 : 0;
    return n;
  }

  void open(const std::string& flag_name, const std::string& address, serve_context& ctx,
            boost::asio::ssl::context* tls) {
    if (address.empty()) return;
    boost::asio::ip::tcp::endpoint endpoint;
    try {
      endpoint = mqtt::parse_endpoint(address);
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error("--" + flag_name + ": " + e.what());
    }
    try {
      servers_.push_back(std::make_unique<http::server>(ctx.workers.system().context(), endpoint, routes_,
                                                        http::server_options{}, tls));
    } catch (const boost::system::system_error& e) {
      const auto port = std::to_string(endpoint.port());
      const auto why = e.code() == boost::asio::error::address_in_use
                           ? "port " + port + " is already in use"
                           : e.code().message() + " (port " + port + ")";
      throw std::runtime_error("--" + flag_name + " " + address + ": cannot listen: " + why);
    }
    sources_.http.push_back(&servers_.back()->stats());
  }

  std::string listen_ = "127.0.0.1:8080";
  std::string tls_listen_;
  std::unique_ptr<boost::asio::ssl::context> tls_;
  http::router routes_;
  std::unique_ptr<storage::database> api_db_;
  std::unique_ptr<http::api::admin_api> admin_api_;
  http::metric_sources sources_;
  std::vector<http::readiness_check> checks_;
  std::unique_ptr<storage::cursor_store> cursors_;
  std::unique_ptr<application::event_stream> events_;
  std::vector<std::unique_ptr<http::server>> servers_;
};

}  // namespace

std::unique_ptr<frontend_module> make_http_module() { return std::make_unique<http_module>(); }

}  // namespace tether::cli
