// libFuzzer target for the Mosquitto-format ACL parser. The input is an ACL file's text, optionally
// followed by a NUL byte and a topic: when the file parses, the topic is checked for read, write and
// subscribe access as a named and as an anonymous client. std::runtime_error is the parser's
// documented error path; anything else (a crash, a sanitizer report, another exception) is a finding.

#include "mqtt/codec/topic.hpp"
#include "plain/acl_file.hpp"

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace {

using tether::plain::acl_file;

void query(const acl_file& acl, std::string_view topic) {
  for (const std::string_view user : {std::string_view{}, std::string_view{"alice"}}) {
    // The broker only asks about topics and filters the codec has validated.
    if (!tether::mqtt::codec::validate_topic_name(topic)) {
      (void)acl.may_read(user, "client-1", topic);
      (void)acl.may_write(user, "client-1", topic);
    }
    if (!tether::mqtt::codec::validate_topic_filter(topic)) (void)acl.may_subscribe(user, "client-1", topic);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const auto nul = in.find('\0');
  const auto text = in.substr(0, nul);
  const auto topic = nul == std::string_view::npos ? std::string_view{"a/b/c"} : in.substr(nul + 1);
  try {
    const auto acl = acl_file::parse(text, "fuzz.acl");
    query(acl, topic);
  } catch (const std::runtime_error&) {
    // A rejected file: the expected outcome for most inputs.
  }
  return 0;
}
