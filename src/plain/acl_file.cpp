#include "plain/acl_file.hpp"

#include "mqtt/codec/topic.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace tether::plain {
namespace {

// Whether every topic matched by `filter` is also matched by `rule` (both may hold wildcards).
bool covers(std::string_view rule, std::string_view filter) {
  while (true) {
    auto rs = rule.find('/');
    auto fs = filter.find('/');
    auto r = rule.substr(0, rs);
    auto f = filter.substr(0, fs);
    if (r == "#") return true;
    if (f == "#") return false;
    if (r != "+" && r != f) return false;
    if (f == "+" && r != "+") return false;
    if (rs == std::string_view::npos || fs == std::string_view::npos) {
      // "a/#" covers "a" as well.
      return rs == fs || (fs == std::string_view::npos && rule.substr(rs + 1) == "#");
    }
    rule.remove_prefix(rs + 1);
    filter.remove_prefix(fs + 1);
  }
}

std::string substitute(std::string_view pattern, std::string_view user, std::string_view client_id) {
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '%' && i + 1 < pattern.size() && (pattern[i + 1] == 'u' || pattern[i + 1] == 'c')) {
      out += pattern[i + 1] == 'u' ? user : client_id;
      ++i;
    } else {
      out += pattern[i];
    }
  }
  return out;
}

bool grants(access have, access needed) {
  return (static_cast<unsigned>(have) & static_cast<unsigned>(needed)) == static_cast<unsigned>(needed);
}

}  // namespace

acl_file acl_file::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read ACL file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), path);
}

acl_file acl_file::parse(std::string_view text, const std::string& name) {
  std::istringstream in{std::string(text)};
  acl_file acl;
  std::vector<rule>* current = &acl.anonymous_;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();  // files written on Windows
    auto fail = [&](const std::string& why) {
      throw std::runtime_error(name + ":" + std::to_string(number) + ": " + why);
    };
    std::istringstream words(line);
    std::string keyword;
    if (!(words >> keyword) || keyword[0] == '#') continue;
    if (keyword == "user") {
      std::string name;
      std::getline(words >> std::ws, name);
      if (name.empty()) fail("'user' needs a name");
      current = &acl.users_[name];
      continue;
    }
    if (keyword != "topic" && keyword != "pattern") fail("unknown keyword '" + keyword + "'");
    std::string first;
    std::getline(words >> std::ws, first);
    rule r;
    for (auto [word, a] : {std::pair{"readwrite ", access::readwrite}, std::pair{"read ", access::read},
                           std::pair{"write ", access::write}, std::pair{"deny ", access::deny}}) {
      // The access word followed by a filter, or alone (then the filter is missing: an error below).
      std::string_view bare = std::string_view(word).substr(0, std::string_view(word).size() - 1);
      if (first.starts_with(word) || first == bare) {
        r.grants = a;
        first.erase(0, std::min(first.size(), std::string_view(word).size()));
        break;
      }
    }
    while (!first.empty() && first.front() == ' ') first.erase(0, 1);
    while (!first.empty() && first.back() == ' ') first.pop_back();
    r.filter = first;
    if (r.filter.empty() || mqtt::codec::validate_topic_filter(r.filter))
      fail("invalid topic filter '" + r.filter + "'");
    (keyword == "pattern" ? acl.patterns_ : *current).push_back(std::move(r));
  }
  return acl;
}

template <class Test>
bool acl_file::any_rule(std::string_view user, std::string_view client_id, access needed, Test test) const {
  const std::vector<rule>* own = &anonymous_;
  if (!user.empty()) {
    auto it = users_.find(std::string(user));
    own = it == users_.end() ? nullptr : &it->second;
  }
  bool granted = false;
  auto consider = [&](const rule& r, std::string_view filter) {
    if (r.grants == access::deny) {
      if (test(filter)) return false;  // an explicit deny ends the search
    } else if (!granted && grants(r.grants, needed) && test(filter)) {
      granted = true;
    }
    return true;
  };
  if (own) {
    for (const auto& r : *own) {
      if (!consider(r, r.filter)) return false;
    }
  }
  for (const auto& r : patterns_) {
    if (!consider(r, substitute(r.filter, user, client_id))) return false;
  }
  return granted;
}

bool acl_file::may_write(std::string_view user, std::string_view client_id, std::string_view topic) const {
  return any_rule(user, client_id, access::write,
                  [&](std::string_view filter) { return mqtt::codec::topic_matches(filter, topic); });
}

bool acl_file::may_read(std::string_view user, std::string_view client_id, std::string_view topic) const {
  return any_rule(user, client_id, access::read,
                  [&](std::string_view filter) { return mqtt::codec::topic_matches(filter, topic); });
}

bool acl_file::may_subscribe(std::string_view user, std::string_view client_id,
                             std::string_view filter) const {
  return any_rule(user, client_id, access::read, [&](std::string_view rule) { return covers(rule, filter); });
}

}  // namespace tether::plain
