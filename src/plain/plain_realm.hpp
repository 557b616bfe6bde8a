#pragma once
// The general-purpose broker: any MQTT client, authenticated by a password file (or anonymous when
// allowed), limited by an optional ACL file. Clients may not publish into $SYS.

#include "mqtt/realm.hpp"
#include "plain/acl_file.hpp"
#include "plain/password_file.hpp"

#include <optional>

namespace tether::plain {

struct plain_options {
  bool allow_anonymous = false;
  std::optional<password_file> passwords;
  std::optional<acl_file> acl;
};

class plain_realm : public mqtt::realm {
 public:
  explicit plain_realm(plain_options options) : options_(std::move(options)) {}

  std::string_view name() const override { return "mqtt"; }
  mqtt::auth_result authenticate(const mqtt::connect_request& request) override;
  bool authorize_publish(const mqtt::principal& who, std::string_view topic) override;
  mqtt::subscribe_decision authorize_subscribe(const mqtt::principal& who, std::string_view filter) override;
  bool checks_reads() const override { return options_.acl.has_value(); }
  bool authorize_read(const mqtt::principal& who, std::string_view topic) override;

 private:
  plain_options options_;
};

}  // namespace tether::plain
