// libFuzzer target for the IoT platform realm's client ID and topic parsing. The input is a client ID,
// optionally followed by a NUL byte and a topic: the client ID is parsed, and the topic (when the codec
// accepts it as a topic name or filter, as the broker only passes such) is parsed in its full and its
// device forms and judged for publish and subscribe by the client's class, or by each class when the
// client ID is malformed. A parsed result must only hold views into the input.

#include "iotp/client_id.hpp"
#include "iotp/topics.hpp"
#include "mqtt/codec/topic.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

using namespace tether::iotp;

void check_within(std::string_view part, std::string_view whole) {
  if (part.empty()) return;
  if (part.data() < whole.data() || part.data() + part.size() > whole.data() + whole.size()) std::abort();
}

void judge(const client_identity& who, std::string_view topic) {
  const bool name_ok = !tether::mqtt::codec::validate_topic_name(topic);
  const bool filter_ok = !tether::mqtt::codec::validate_topic_filter(topic);
  if (name_ok) {
    auto d = decide_publish(who, topic);
    check_within(d.parts.type, topic);
    check_within(d.parts.id, topic);
  }
  if (filter_ok) {
    auto d = decide_subscribe(who, topic);
    check_within(d.parts.rest, topic);
    // `#` is only ever granted under iotdm-1/.
    if (d.verdict == topic_verdict::allowed && topic.find('#') != std::string_view::npos &&
        d.parts.kind != topic_kind::dm_request)
      std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto nul = input.find('\0');
  const auto client_id = input.substr(0, nul);
  const auto topic = nul == std::string_view::npos ? std::string_view{} : input.substr(nul + 1);
  auto who = parse_client_id(client_id);
  if (who &&
      (who->org.size() != 6 || (who->kind != client_class::application &&
                                who->kind != client_class::shared_application && !valid_name(who->type))))
    std::abort();
  for (bool filter : {false, true}) {
    if (auto p = parse_topic(topic, filter)) check_within(p->rest, topic);
    if (auto p = parse_device_topic(topic, filter)) check_within(p->rest, topic);
  }
  if (topic.empty()) return 0;
  if (who) {
    judge(*who, topic);
  } else {
    for (const char* id : {"d:abc123:t:d", "g:abc123:gt:g", "a:abc123:app", "A:abc123:app:i"})
      judge(*parse_client_id(id), topic);
  }
  return 0;
}
