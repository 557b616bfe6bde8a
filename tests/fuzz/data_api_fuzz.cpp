// libFuzzer target for the Data API JSON a connector reads on topic_down (parse_downstream), the
// payload decoding (base64, else hex) and the URI and topic-template parsers it validates at create
// time. Every input must yield a value or an error with a reason: a crash, a sanitizer report or any
// exception is a finding. The whole downstream handler runs too, with a fake outbox and no network.

#include "application/connector/data_api_codec.hpp"
#include "application/connector/data_api_parse.hpp"
#include "application/connector/topic_template.hpp"
#include "application/connector/uri.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace {

using namespace tether::application::connector;

class null_outbox final : public outbox {
 public:
  bool post(rendered_message) override { return true; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto parsed = parse_downstream(text); !parsed && parsed.error().reason.empty()) __builtin_trap();
  (void)decode_payload(text);
  (void)parse_broker_uri(text);
  if (auto t = topic_template::parse(text)) (void)t->expand("uplink", {});
  static connector_config config = [] {
    connector_config c;
    c.application_id = "app1";
    c.name = "fuzz1";
    c.topic_up = "lora/{type}/{device}";
    return c;
  }();
  static auto codec = make_data_api_codec(config, codec_services{});
  null_outbox out;
  codec.downstream->on_message("/down", std::span<const std::uint8_t>(data, size), out);
  return 0;
}
