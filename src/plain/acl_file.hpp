#pragma once
// Topic access rules in the format Mosquitto users already have:
//   topic [read|write|readwrite|deny] FILTER rules for the current `user` (before any: anonymous clients)
//   user NAME                               starts that user's rules
//   pattern [read|write|readwrite] FILTER   rules for every client; %u = user name, %c = client ID
// Access defaults to readwrite; a topic no rule grants is denied, and a `deny` rule wins over any grant.

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tether::plain {

enum class access : unsigned { deny = 0, read = 1, write = 2, readwrite = 3 };

class acl_file {
 public:
  // Throws std::runtime_error naming the file, line and cause.
  static acl_file load(const std::string& path);
  // The same from the file's text; `name` stands for the file in error messages.
  static acl_file parse(std::string_view text, const std::string& name);

  // `user` empty for an anonymous client.
  bool may_write(std::string_view user, std::string_view client_id, std::string_view topic) const;
  bool may_read(std::string_view user, std::string_view client_id, std::string_view topic) const;
  // A subscription is allowed when some read rule covers every topic the filter can match.
  bool may_subscribe(std::string_view user, std::string_view client_id, std::string_view filter) const;

 private:
  struct rule {
    access grants = access::readwrite;
    std::string filter;
  };

  template <class Test>
  bool any_rule(std::string_view user, std::string_view client_id, access needed, Test test) const;

  std::vector<rule> anonymous_;
  std::unordered_map<std::string, std::vector<rule>> users_;
  std::vector<rule> patterns_;
};

}  // namespace tether::plain
