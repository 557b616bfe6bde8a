#pragma once
// The general-purpose broker: any MQTT client, authenticated by a password file (or anonymous when
// allowed), limited by an optional ACL file. Clients may not publish into $SYS.

#include "mqtt/realm.hpp"
#include "plain/acl_file.hpp"
#include "plain/password_file.hpp"

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

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
  bool speaks_v5() const override { return true; }
  bool authorize_read(const mqtt::principal& who, std::string_view topic) override;

 private:
  mqtt::principal_ptr principal_for(const mqtt::connect_request& request);

  plain_options options_;
  // Without an ACL nothing here reads a principal's client ID, so the connections of one user share
  // one principal (issue #3: an idle connection is a few hundred bytes, and a principal of its own
  // costs 160 more). Only users of the password file get one, so the map is bounded by that file.
  const mqtt::principal_ptr anonymous_ = std::make_shared<const mqtt::principal>();
  std::mutex users_mutex_;
  std::unordered_map<std::string, mqtt::principal_ptr> users_;
};

}  // namespace tether::plain
