#include "plain/plain_realm.hpp"

namespace tether::plain {

using mqtt::codec::connack_code;

mqtt::auth_result plain_realm::authenticate(const mqtt::connect_request& request) {
  mqtt::auth_result result;
  if (request.username && options_.passwords) {
    if (!request.password || !options_.passwords->verify(*request.username, *request.password)) {
      result.refusal = connack_code::not_authorized;  // as Mosquitto answers, so clients see no difference
      result.reason = "wrong user name or password for '" + std::string(*request.username) + "'";
      return result;
    }
  } else if (!options_.allow_anonymous) {
    result.refusal = connack_code::not_authorized;
    result.reason =
        request.username ? "no password file to check credentials against" : "anonymous access is off";
    return result;
  }
  result.who = principal_for(request);
  return result;
}

mqtt::principal_ptr plain_realm::principal_for(const mqtt::connect_request& request) {
  if (!options_.acl) {
    if (!request.username) return anonymous_;
    if (options_.passwords) {  // verified: a name from the password file
      std::lock_guard lock(users_mutex_);
      auto& shared = users_[std::string(*request.username)];
      if (!shared) {
        auto who = std::make_shared<mqtt::principal>();
        who->username = std::string(*request.username);
        shared = std::move(who);
      }
      return shared;
    }
  }
  // The ACL's patterns name the client (%c), or the name is unchecked: one principal per connection.
  auto who = std::make_shared<mqtt::principal>();
  who->client_id = std::string(request.client_id);
  if (request.username) who->username = std::string(*request.username);
  return who;
}

bool plain_realm::authorize_publish(const mqtt::principal& who, std::string_view topic) {
  if (topic.starts_with("$SYS")) return false;  // the broker's own namespace
  return !options_.acl || options_.acl->may_write(who.username, who.client_id, topic);
}

mqtt::subscribe_decision plain_realm::authorize_subscribe(const mqtt::principal& who,
                                                          std::string_view filter) {
  mqtt::subscribe_decision d;
  d.filter = std::string(filter);
  d.allowed = !options_.acl || options_.acl->may_subscribe(who.username, who.client_id, filter);
  return d;
}

bool plain_realm::authorize_read(const mqtt::principal& who, std::string_view topic) {
  return !options_.acl || options_.acl->may_read(who.username, who.client_id, topic);
}

}  // namespace tether::plain
