// The general-purpose MQTT broker (--mqtt-*): a password file and a Mosquitto-format ACL, or
// anonymous access; persistent sessions and retained messages are journaled.

#include "cli/serve/frontend_module.hpp"
#include "plain/plain_realm.hpp"

#include <memory>

namespace tether::cli {
namespace {

class mqtt_module final : public frontend_module {
 public:
  void add_flags(CLI::App& cmd) override {
    listen_.add_to(cmd, "General-purpose MQTT broker");
    flag(cmd, "mqtt-password-file", password_file_, "Users of the MQTT broker (see `tether mqtt-passwd`)");
    flag(cmd, "mqtt-acl-file", acl_file_, "Topic rules of the MQTT broker (Mosquitto ACL format)");
    switch_flag(cmd, "mqtt-allow-anonymous", allow_anonymous_, "Let clients without credentials in");
  }

  void build(serve_context& ctx) override {
    if (!listen_.any()) return;
    plain::plain_options p;
    p.allow_anonymous = allow_anonymous_;
    if (!password_file_.empty()) p.passwords = plain::password_file::load(password_file_);
    if (!acl_file_.empty()) p.acl = plain::acl_file::load(acl_file_);
    ctx.realms.add(std::make_unique<plain::plain_realm>(std::move(p)),
                   {.broker = ctx.broker_defaults, .journaled = true}, listen_);
  }

 private:
  listen_flags listen_{.prefix = "mqtt"};
  std::string password_file_;
  std::string acl_file_;
  bool allow_anonymous_ = false;
};

}  // namespace

std::unique_ptr<frontend_module> make_mqtt_module() { return std::make_unique<mqtt_module>(); }

}  // namespace tether::cli
