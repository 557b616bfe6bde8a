// The codec of one connector: rendering with the types filter and topic_up, and the downstream side —
// a downlink_response in time goes to the core bound to its uplink's windows; late, replayed, unknown
// and invalid ones are refused with an error naming the packet; a claim gets a downlink_request.

#include "application/connector/data_api_codec.hpp"
#include "application/connector/data_api_json.hpp"
#include "sample_events.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace tether::application::connector {
namespace {

using nlohmann::json;
using namespace test;

class recording_outbox final : public outbox {
 public:
  bool post(rendered_message m) override {
    posted.push_back(std::move(m));
    return true;
  }
  std::vector<rendered_message> posted;
};

struct codec_fixture : ::testing::Test {
  codec_fixture() {
    config.application_id = "app1";
    config.name = "conn1";
    config.topic_up = "lora/{type}/{device}";
    config.types = type_set::of({message_type::uplink, message_type::downlink_request, message_type::error});
    codec_services services;
    services.push_downlinks = [this](network::downlink_request r) {
      pushed.push_back(std::move(r));
      return true;
    };
    services.find_device = [](std::string_view, const core::eui64& eui) -> std::optional<std::string> {
      if (eui.to_hex() == "0004A30B001C0530") return "dev1";
      return std::nullopt;
    };
    services.now = [this] { return now; };
    codec = make_data_api_codec(config, services, counters);
  }

  std::vector<rendered_message> render(const application_event& e, bool history = false) {
    std::vector<rendered_message> out;
    codec.renderer->render({17, 0, e}, {history}, out);
    return out;
  }

  void send(std::string_view text) {
    codec.downstream->on_message("/down", {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()},
                                 box);
  }

  static std::string response(const std::string& hash) {
    return R"({"type":"downlink_response","meta":{"packet_hash":")" + hash +
           R"(","device":"0004a30b001c0530"},"params":{"port":4,"payload":"220de733f4"}})";
  }

  json last_error() {
    EXPECT_FALSE(box.posted.empty());
    if (box.posted.empty()) return {};
    EXPECT_EQ(box.posted.back().type, message_type::error);
    EXPECT_EQ(box.posted.back().topic.rfind("lora/error/", 0), 0u);
    return json::parse(box.posted.back().payload);
  }

  connector_config config;
  network::time_point now = at_us(1'700'000'000'400'000);
  std::vector<network::downlink_request> pushed;
  std::shared_ptr<downstream_counters> counters = std::make_shared<downstream_counters>();
  connector_codec codec;
  recording_outbox box;
};

TEST_F(codec_fixture, RendersOnlyTheConfiguredTypesOnTheExpandedTopic) {
  const auto out = render(sample_uplink());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].topic, "lora/uplink/0004a30b001c0530");
  EXPECT_EQ(out[1].topic, "lora/downlink_request/0004a30b001c0530");
  EXPECT_TRUE(render(sample_join()).empty());  // join_request is not in the types
}

TEST_F(codec_fixture, AResponseInTimeIsBoundToItsUplinksWindows) {
  render(sample_uplink());
  send(response(uplink_packet_hash(sample_uplink())));
  ASSERT_EQ(pushed.size(), 1u);
  const auto& d = pushed[0].downlinks.at(0);
  EXPECT_EQ(pushed[0].device_id, "dev1");
  EXPECT_EQ(d.f_port, 4);
  EXPECT_EQ(d.frm_payload, (network::bytes{0x22, 0x0d, 0xe7, 0x33, 0xf4}));
  ASSERT_TRUE(d.answers);
  EXPECT_EQ(d.answers->uplink_f_cnt, 42u);
  EXPECT_EQ(d.answers->deadline, at_us(1'700'000'002'070'000));  // RX2 minus the scheduling margin
  EXPECT_EQ(d.correlation_ids.at(0), "data-api:packet:" + uplink_packet_hash(sample_uplink()));
  EXPECT_TRUE(box.posted.empty());
  EXPECT_EQ(counters->responses_bound, 1u);
  // A request is answered once.
  send(response(uplink_packet_hash(sample_uplink())));
  EXPECT_EQ(pushed.size(), 1u);
  EXPECT_EQ(last_error()["params"]["code"], "unknown_packet");
}

TEST_F(codec_fixture, ALateResponseIsRefusedNamingThePacket) {
  render(sample_uplink());
  now = at_us(1'700'000'003'000'000);
  const auto hash = uplink_packet_hash(sample_uplink());
  send(response(hash));
  EXPECT_TRUE(pushed.empty());
  const auto e = last_error();
  EXPECT_EQ(e["params"]["code"], "downlink_too_late");
  EXPECT_EQ(e["meta"]["packet_hash"], hash);
  EXPECT_NE(e["params"]["message"].get<std::string>().find(hash), std::string::npos);
  EXPECT_EQ(counters->refused_late, 1u);
}

TEST_F(codec_fixture, AnswersToReplayedRequestsAreRefused) {
  render(sample_uplink(), true);
  send(response(uplink_packet_hash(sample_uplink())));
  EXPECT_TRUE(pushed.empty());
  EXPECT_NE(last_error()["params"]["message"].get<std::string>().find("replayed"), std::string::npos);
}

TEST_F(codec_fixture, QueueIfLateQueuesInstead) {
  send(R"({"type":"downlink_response","meta":{"packet_hash":"ff","device":"0004a30b001c0530"},
          "params":{"payload":"AQ==","queue_if_late":true}})");
  ASSERT_EQ(pushed.size(), 1u);
  EXPECT_FALSE(pushed[0].downlinks.at(0).answers);
  EXPECT_EQ(pushed[0].downlinks.at(0).f_port, 1);
  EXPECT_EQ(counters->responses_queued, 1u);
}

TEST_F(codec_fixture, InvalidMessagesAreCountedAndAnswered) {
  send("not json");
  EXPECT_EQ(last_error()["params"]["code"], "invalid_json");
  send(R"({"type":"downlink_response","meta":{"packet_hash":"ab"},"params":{"payload":"a0f1hh"}})");
  EXPECT_EQ(last_error()["meta"]["packet_hash"], "ab");
  send(R"({"type":"status_request","meta":{"device":"0004a30b001c0530"}})");
  EXPECT_EQ(last_error()["params"]["code"], "unsupported");
  EXPECT_EQ(counters->refused_invalid, 2u);
  EXPECT_EQ(counters->refused_unsupported, 1u);
  EXPECT_EQ(counters->received, 3u);
  EXPECT_TRUE(pushed.empty());
}

TEST_F(codec_fixture, AClaimGetsADownlinkRequestWhoseResponseIsQueued) {
  send(R"({"type":"downlink_claim","meta":{"device":"0004a30b001c0530"}})");
  ASSERT_EQ(box.posted.size(), 1u);
  EXPECT_EQ(box.posted[0].type, message_type::downlink_request);
  EXPECT_EQ(box.posted[0].topic, "lora/downlink_request/0004a30b001c0530");
  const auto req = json::parse(box.posted[0].payload);
  send(response(req["meta"]["packet_hash"].get<std::string>()));
  ASSERT_EQ(pushed.size(), 1u);
  EXPECT_FALSE(pushed[0].downlinks.at(0).answers);
  send(R"({"type":"downlink_claim","meta":{"device":"ffffffffffffffff"}})");
  EXPECT_EQ(last_error()["params"]["code"], "unknown_device");
}

TEST_F(codec_fixture, AFailingDeviceLookupIsRefusedNotThrown) {
  codec_services services;
  services.find_device = [](std::string_view, const core::eui64&) -> std::optional<std::string> {
    throw std::runtime_error("database is locked");
  };
  services.now = [this] { return now; };
  codec = make_data_api_codec(config, services, counters);
  EXPECT_NO_THROW(send(R"({"type":"downlink_claim","meta":{"device":"0004a30b001c0530"}})"));
  const auto error = last_error();
  EXPECT_EQ(error["params"]["code"], "internal_error");
  EXPECT_EQ(error["params"]["message"], "message on /down not handled: database is locked");
  EXPECT_EQ(counters->refused_internal.load(), 1u);
}

}  // namespace
}  // namespace tether::application::connector
