// One client's session: queueing, packet identifiers, the in-flight window, acknowledgements,
// redelivery after a reconnect and backpressure. The connection is replaced by a fake link.

#include "mqtt/session.hpp"
#include "mqtt/codec/decoder.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace tether::mqtt {
namespace {

using codec::protocol_version;
using ack = session::ack_result;

// Counts what the session asks of its connection.
class fake_link : public session_link {
 public:
  void wake() override { ++wakes; }
  void kick(std::string) override { ++kicks; }
  int wakes = 0;
  int kicks = 0;
};

// One packet as it went out: its first byte (type and flags) and its decoded form.
struct sent_packet {
  std::uint8_t first_byte = 0;
  codec::packet value;
};

std::vector<sent_packet> split(const std::string& wire, protocol_version version = protocol_version::v3_1_1) {
  std::vector<sent_packet> out;
  std::span<const std::uint8_t> in(reinterpret_cast<const std::uint8_t*>(wire.data()), wire.size());
  while (!in.empty()) {
    const auto f = codec::find_frame(in, 1 << 20);
    EXPECT_EQ(f.status, codec::frame_status::complete);
    if (f.status != codec::frame_status::complete) break;
    auto p = codec::decode_server_packet(f.value.first_byte,
                                         in.subspan(f.value.header_size, f.value.body_size), version);
    EXPECT_TRUE(p.has_value()) << "undecodable packet, first byte " << int{f.value.first_byte};
    if (!p) break;
    out.push_back({f.value.first_byte, std::move(*p)});
    in = in.subspan(f.value.total_size());
  }
  return out;
}

const codec::publish& as_publish(const sent_packet& p) {
  static const codec::publish none;
  const auto* pub = std::get_if<codec::publish>(&p.value);
  EXPECT_NE(pub, nullptr) << "not a PUBLISH, first byte " << int{p.first_byte};
  return pub ? *pub : none;
}

constexpr std::uint8_t dup_bit = 0x08;

class session_test : public ::testing::Test {
 protected:
  explicit session_test(session_limits limits = {}) : s("client", true, limits) {}

  void attach(const std::shared_ptr<fake_link>& l) { s.attach(l, std::make_shared<principal>()); }

  // Drains as `via` (default: the first link) and returns what went out.
  std::vector<sent_packet> drain(const fake_link* via = nullptr, std::size_t max_bytes = 1 << 20) {
    std::string out;
    std::size_t sent = 0;
    more = s.drain(via ? via : link.get(), out, protocol_version::v3_1_1, max_bytes, sent);
    auto packets = split(out);
    EXPECT_EQ(sent, packets.size());
    return packets;
  }

  enqueue_result enqueue(const std::string& topic, std::uint8_t qos, std::uint8_t msg_qos = 2) {
    return s.enqueue(make_message(topic, "payload of " + topic, msg_qos, false), qos, false);
  }

  // Sends one QoS 1 message and returns its packet identifier (acknowledged when `ack_it`).
  std::uint16_t round_trip(bool ack_it) {
    EXPECT_EQ(enqueue("t", 1), enqueue_result::queued);
    auto out = drain();
    EXPECT_EQ(out.size(), 1u);
    if (out.size() != 1) return 0;
    auto id = as_publish(out[0]).packet_id;
    if (ack_it) {
      EXPECT_EQ(s.on_puback(id), ack::ok);
    }
    return id;
  }

  session s;
  std::shared_ptr<fake_link> link = std::make_shared<fake_link>();
  bool more = false;
};

TEST_F(session_test, DrainsInEnqueueOrder) {
  attach(link);
  for (const char* t : {"a", "b", "c"}) EXPECT_EQ(enqueue(t, 0), enqueue_result::queued);
  EXPECT_EQ(s.queued(), 3u);
  auto out = drain();
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(as_publish(out[0]).topic, "a");
  EXPECT_EQ(as_publish(out[1]).topic, "b");
  EXPECT_EQ(as_publish(out[2]).topic, "c");
  EXPECT_EQ(as_publish(out[0]).payload, "payload of a");
  EXPECT_FALSE(more);
  EXPECT_EQ(s.queued(), 0u);
  EXPECT_TRUE(drain().empty());
}

TEST_F(session_test, MixedQosKeepsOrder) {
  attach(link);
  enqueue("q0", 0);
  enqueue("q1", 1);
  enqueue("q2", 2);
  enqueue("q0b", 0);
  auto out = drain();
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(as_publish(out[0]), (codec::publish{"q0", "payload of q0", 0, false, false, 0}));
  EXPECT_EQ(as_publish(out[1]), (codec::publish{"q1", "payload of q1", 1, false, false, 1}));
  EXPECT_EQ(as_publish(out[2]), (codec::publish{"q2", "payload of q2", 2, false, false, 2}));
  EXPECT_EQ(as_publish(out[3]), (codec::publish{"q0b", "payload of q0b", 0, false, false, 0}));
}

TEST_F(session_test, DeliversAtTheQosItWasEnqueuedWith) {
  // The broker passes min(subscription QoS, message QoS): a QoS 2 message to a QoS 0 or 1 subscriber.
  attach(link);
  enqueue("down0", 0, 2);
  enqueue("down1", 1, 2);
  auto out = drain();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(as_publish(out[0]).qos, 0);
  EXPECT_EQ(as_publish(out[0]).packet_id, 0);
  EXPECT_EQ(out[0].first_byte, 0x30);
  EXPECT_EQ(as_publish(out[1]).qos, 1);
  EXPECT_EQ(out[1].first_byte, 0x32);
  // The QoS 1 copy is in flight and wants a PUBACK, not a PUBREC.
  EXPECT_EQ(s.on_pubrec(as_publish(out[1]).packet_id), ack::mismatch);
  EXPECT_EQ(s.on_puback(as_publish(out[1]).packet_id), ack::ok);
}

TEST_F(session_test, RetainFlagIsCarried) {
  attach(link);
  s.enqueue(make_message("r", "x", 1, true), 1, true);
  s.enqueue(make_message("r", "x", 1, true), 0, false);
  auto out = drain();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_TRUE(as_publish(out[0]).retain);
  EXPECT_FALSE(as_publish(out[1]).retain);
}

TEST_F(session_test, PacketIdentifiersCountUpFromOne) {
  attach(link);
  EXPECT_EQ(round_trip(true), 1);
  EXPECT_EQ(round_trip(true), 2);
  EXPECT_EQ(round_trip(false), 3);
}

TEST_F(session_test, PacketIdentifiersWrapPast65535ToOneAndSkipThoseInFlight) {
  attach(link);
  EXPECT_EQ(round_trip(false), 1);  // stays in flight throughout
  for (int expected = 2; expected <= 65535; ++expected) {
    auto id = round_trip(true);
    if (id != expected) {
      FAIL() << "expected identifier " << expected << ", got " << id;
    }
  }
  // 0 is never used, 1 is still in flight.
  EXPECT_EQ(round_trip(false), 2);
  EXPECT_EQ(s.on_puback(1), ack::ok);
  EXPECT_EQ(round_trip(true), 3);
}

class session_window_test : public session_test {
 protected:
  session_window_test() : session_test(session_limits{.max_queued = 100, .max_inflight = 2}) {}
};

TEST_F(session_window_test, InFlightWindowHoldsBackFurtherQos1And2) {
  attach(link);
  for (const char* t : {"1", "2", "3", "4"}) enqueue(t, 1);
  auto out = drain();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_FALSE(more);  // nothing can go before an acknowledgement
  EXPECT_EQ(s.queued(), 2u);
  EXPECT_TRUE(drain().empty());

  EXPECT_EQ(s.on_puback(as_publish(out[0]).packet_id), ack::ok);
  auto next = drain();
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(as_publish(next[0]).topic, "3");
  EXPECT_EQ(s.queued(), 1u);
}

TEST_F(session_window_test, QoS2HoldsItsSlotUntilPubcomp) {
  attach(link);
  enqueue("a", 2);
  enqueue("b", 2);
  enqueue("c", 2);
  auto out = drain();
  ASSERT_EQ(out.size(), 2u);
  auto id = as_publish(out[0]).packet_id;
  EXPECT_EQ(s.on_pubrec(id), ack::ok);
  EXPECT_TRUE(drain().empty());  // PUBREL sent, PUBCOMP outstanding: still in flight
  EXPECT_EQ(s.on_pubcomp(id), ack::ok);
  auto next = drain();
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(as_publish(next[0]).topic, "c");
}

TEST_F(session_window_test, QoS0BehindAHeldMessageWaitsToKeepOrder) {
  attach(link);
  enqueue("1", 1);
  enqueue("2", 1);
  enqueue("held", 1);
  enqueue("zero", 0);
  EXPECT_EQ(drain().size(), 2u);
  EXPECT_EQ(s.queued(), 2u);
  EXPECT_EQ(s.on_puback(1), ack::ok);
  auto out = drain();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(as_publish(out[0]).topic, "held");
  EXPECT_EQ(as_publish(out[1]).topic, "zero");
}

TEST_F(session_window_test, QoS0GoesOutWhileTheWindowIsFull) {
  attach(link);
  enqueue("1", 1);
  enqueue("2", 1);
  EXPECT_EQ(drain().size(), 2u);
  enqueue("zero", 0);
  auto out = drain();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(as_publish(out[0]).topic, "zero");
}

TEST_F(session_test, DrainStopsAtMaxBytesAndReportsMore) {
  attach(link);
  for (int i = 0; i < 5; ++i) enqueue("t" + std::to_string(i), 0);
  auto out = drain(nullptr, 1);  // at least one packet, then the buffer is "full"
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(more);
  EXPECT_EQ(s.queued(), 4u);
  EXPECT_EQ(drain().size(), 4u);
  EXPECT_FALSE(more);
}

TEST_F(session_test, PubackResults) {
  attach(link);
  auto id = round_trip(false);
  EXPECT_EQ(s.on_pubrec(id), ack::mismatch);
  EXPECT_EQ(s.on_pubcomp(id), ack::mismatch);
  EXPECT_EQ(s.on_puback(id), ack::ok);
  EXPECT_EQ(s.on_puback(id), ack::unknown);  // already acknowledged
  EXPECT_EQ(s.on_puback(999), ack::unknown);
}

TEST_F(session_test, QoS2AcknowledgementResults) {
  attach(link);
  enqueue("q2", 2);
  auto out = drain();
  ASSERT_EQ(out.size(), 1u);
  auto id = as_publish(out[0]).packet_id;
  EXPECT_EQ(s.on_puback(id), ack::mismatch);
  EXPECT_EQ(s.on_pubcomp(id), ack::mismatch);  // before PUBREC
  EXPECT_EQ(s.on_pubrec(id), ack::ok);
  EXPECT_EQ(s.on_pubrec(id), ack::ok);  // a repeated PUBREC is answered again
  EXPECT_EQ(s.on_puback(id), ack::mismatch);
  EXPECT_EQ(s.on_pubcomp(id), ack::ok);
  EXPECT_EQ(s.on_pubcomp(id), ack::unknown);
  EXPECT_EQ(s.on_pubrec(id), ack::unknown);
}

TEST_F(session_test, ReattachRedeliversInFlightWithDupAndPubrelForReleased) {
  attach(link);
  enqueue("one", 1);
  enqueue("two", 2);
  enqueue("three", 2);
  auto first = drain();
  ASSERT_EQ(first.size(), 3u);
  for (const auto& p : first) EXPECT_EQ(p.first_byte & dup_bit, 0) << "first delivery must not be DUP";
  EXPECT_EQ(s.on_pubrec(3), ack::ok);

  s.detach(link.get());
  auto again = std::make_shared<fake_link>();
  EXPECT_EQ(s.attach(again, std::make_shared<principal>()), nullptr);
  enqueue("four", 1);
  auto out = drain(again.get());
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].first_byte, 0x3a);  // PUBLISH, DUP, QoS 1
  EXPECT_EQ(as_publish(out[0]), (codec::publish{"one", "payload of one", 1, false, true, 1}));
  EXPECT_EQ(out[1].first_byte, 0x3c);  // PUBLISH, DUP, QoS 2
  EXPECT_EQ(as_publish(out[1]), (codec::publish{"two", "payload of two", 2, false, true, 2}));
  EXPECT_EQ(out[2].first_byte, 0x62);  // PUBREL
  EXPECT_EQ(std::get<codec::pubrel>(out[2].value).packet_id, 3);
  // New messages come after the redeliveries, without DUP, with a fresh identifier.
  EXPECT_EQ(out[3].first_byte, 0x32);
  EXPECT_EQ(as_publish(out[3]).packet_id, 4);

  // Redelivery happens once per attach.
  EXPECT_TRUE(drain(again.get()).empty());
  EXPECT_EQ(s.on_puback(1), ack::ok);
  EXPECT_EQ(s.on_pubrec(2), ack::ok);
  EXPECT_EQ(s.on_pubcomp(2), ack::ok);
  EXPECT_EQ(s.on_pubcomp(3), ack::ok);
  EXPECT_EQ(s.on_puback(4), ack::ok);
}

TEST_F(session_test, ReattachWithNothingInFlightSendsNothingExtra) {
  attach(link);
  round_trip(true);
  s.detach(link.get());
  auto again = std::make_shared<fake_link>();
  attach(again);
  EXPECT_TRUE(drain(again.get()).empty());
}

TEST_F(session_test, OfflineQoS0IsNotQueued) {
  EXPECT_EQ(enqueue("t", 0), enqueue_result::offline);
  EXPECT_EQ(s.queued(), 0u);
  // Not a loss the session counts: nothing promised QoS 0 delivery (the broker agrees, see route()).
  EXPECT_EQ(s.dropped(), 0u);
}

TEST_F(session_test, InFlightCountsUnacknowledgedMessagesAndADiscardedSessionTakesNothing) {
  attach(link);
  EXPECT_EQ(s.in_flight(), 0u);
  const auto first = round_trip(false);
  round_trip(false);
  EXPECT_EQ(s.in_flight(), 2u);  // /metrics: tether_mqtt_messages_inflight
  EXPECT_EQ(s.on_puback(first), ack::ok);
  EXPECT_EQ(s.in_flight(), 1u);
  s.discard();
  // Not a full queue: the broker counts it under its own reason (session_closed).
  EXPECT_EQ(enqueue("t", 1), enqueue_result::closed);
  EXPECT_EQ(s.dropped(), 0u);
}

class session_small_queue_test : public session_test {
 protected:
  session_small_queue_test()
      : session_test(session_limits{.max_queued = 4, .max_inflight = 10, .online_queue_factor = 2}) {}
};

TEST_F(session_small_queue_test, OfflineQoS1IsQueuedUpToMaxQueuedThenDropped) {
  for (int i = 0; i < 4; ++i) EXPECT_EQ(enqueue("t" + std::to_string(i), 1), enqueue_result::queued) << i;
  EXPECT_EQ(s.queued(), 4u);
  EXPECT_EQ(s.dropped(), 0u);
  EXPECT_EQ(enqueue("t4", 1), enqueue_result::dropped);
  EXPECT_EQ(enqueue("t5", 2), enqueue_result::dropped);
  EXPECT_EQ(s.dropped(), 2u);
  EXPECT_EQ(s.queued(), 4u);

  // The queue is delivered in order once the client is back; the dropped ones are gone.
  attach(link);
  auto out = drain();
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(as_publish(out[0]).topic, "t0");
  EXPECT_EQ(as_publish(out[3]).topic, "t3");
}

TEST_F(session_small_queue_test, OnlineCongestionThenHardLimit) {
  attach(link);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(enqueue("t", 0), enqueue_result::queued) << i;
  // At max_queued the message is still accepted, but the publisher is asked to pause.
  EXPECT_EQ(enqueue("t", 0), enqueue_result::congested);
  for (int i = 4; i < 8; ++i) EXPECT_EQ(enqueue("t", 0), enqueue_result::congested) << i;
  // The hard limit is max_queued × online_queue_factor.
  EXPECT_EQ(s.queued(), 8u);
  EXPECT_EQ(enqueue("t", 0), enqueue_result::dropped);
  EXPECT_EQ(s.dropped(), 1u);
}

TEST_F(session_small_queue_test, WaitForRoomFiresOnceTheQueueDrainsBelowHalf) {
  attach(link);
  for (int i = 0; i < 4; ++i) enqueue("t" + std::to_string(i), 0);
  int resumed = 0;
  s.wait_for_room([&] { ++resumed; });
  EXPECT_EQ(resumed, 0);

  drain(nullptr, 1);  // one packet: 3 left, not below half of 4
  EXPECT_EQ(resumed, 0);
  drain(nullptr, 1);  // 2 left: still not below half
  EXPECT_EQ(resumed, 0);
  drain(nullptr, 1);  // 1 left
  EXPECT_EQ(resumed, 1);
  drain();
  EXPECT_EQ(resumed, 1);  // once only
}

TEST_F(session_small_queue_test, WaitForRoomRunsAtOnceWhenThereIsRoom) {
  attach(link);
  enqueue("t", 0);
  int resumed = 0;
  s.wait_for_room([&] { ++resumed; });
  EXPECT_EQ(resumed, 1);
}

TEST_F(session_small_queue_test, DetachReleasesWaitingPublishers) {
  attach(link);
  for (int i = 0; i < 4; ++i) enqueue("t", 0);
  int resumed = 0;
  s.wait_for_room([&] { ++resumed; });
  s.detach(link.get());
  EXPECT_EQ(resumed, 1);
}

// Regression (was a bug in src/mqtt/session.cpp, session::next_packet_id and session::drain): with
// max_inflight = 0 ("no limit") a client that never acknowledges can hold all 65535 identifiers; the next QoS
// 1/2 message then loops forever in next_packet_id() while holding the session mutex, hanging the worker
// thread. Before the fix this test hung. Fixed by: in drain(), treat 65535 messages in flight as a full
// window whatever max_inflight says. Expected once fixed: 65535 go out, the last one waits.
class session_unlimited_window_test : public session_test {
 protected:
  session_unlimited_window_test() : session_test(session_limits{.max_queued = 70000, .max_inflight = 0}) {}
};

TEST_F(session_unlimited_window_test, UnlimitedWindowStopsWhenEveryIdentifierIsInFlight) {
  attach(link);
  for (int i = 0; i < 65536; ++i) enqueue("t", 1);
  auto out = drain(nullptr, std::size_t{1} << 30);
  EXPECT_EQ(out.size(), 65535u);
  EXPECT_EQ(s.queued(), 1u);
  EXPECT_FALSE(more);
}

// Regression (was a bug in src/mqtt/session.cpp, session::wait_for_room and session::wake_waiters_locked):
// "room" means fewer than max_queued / 2 messages, which is 0 when max_queued is 1 (--mqtt-max-queued 1): a
// publisher paused by `congested` is never resumed while the subscriber stays connected, even after its queue
// has drained completely. Fixed by: use std::max<std::size_t>(limits_.max_queued / 2, 1) as the threshold in
// both wait_for_room() and wake_waiters_locked().
class session_queue_of_one_test : public session_test {
 protected:
  session_queue_of_one_test() : session_test(session_limits{.max_queued = 1}) {}
};

TEST_F(session_queue_of_one_test, WaitForRoomFiresWhenAQueueOfOneDrains) {
  attach(link);
  EXPECT_EQ(enqueue("t", 0), enqueue_result::congested);
  int resumed = 0;
  s.wait_for_room([&] { ++resumed; });
  drain();
  EXPECT_EQ(s.queued(), 0u);
  EXPECT_EQ(resumed, 1);
}

TEST_F(session_test, EnqueueWakesTheLinkOncePerDrain) {
  attach(link);
  enqueue("a", 0);
  enqueue("b", 0);
  EXPECT_EQ(link->wakes, 1);
  drain();
  enqueue("c", 0);
  EXPECT_EQ(link->wakes, 2);
  EXPECT_EQ(link->kicks, 0);
}

TEST_F(session_test, OnlyTheAttachedLinkDrains) {
  attach(link);
  enqueue("a", 1);
  auto other = std::make_shared<fake_link>();
  EXPECT_TRUE(drain(other.get()).empty());
  EXPECT_EQ(s.queued(), 1u);

  // A takeover: the new link is returned the old one and from now on only it drains.
  auto taker = std::make_shared<fake_link>();
  EXPECT_EQ(s.attach(taker, std::make_shared<principal>()), link);
  EXPECT_TRUE(drain(link.get()).empty());
  EXPECT_FALSE(more);
  EXPECT_EQ(drain(taker.get()).size(), 1u);

  // The old connection closing must not detach the new one.
  s.detach(link.get());
  EXPECT_TRUE(s.attached_to(taker.get()));
  EXPECT_FALSE(s.attached_to(link.get()));
}

TEST_F(session_test, AttachRecordsTheOwner) {
  auto who = std::make_shared<principal>();
  who->username = "alice";
  s.attach(link, who);
  ASSERT_NE(s.owner(), nullptr);
  EXPECT_EQ(s.owner()->username, "alice");
  EXPECT_TRUE(s.persistent());
  EXPECT_EQ(s.client_id(), "client");
}

TEST_F(session_test, InboundQoS2IdentifiersAreRememberedUntilReleased) {
  EXPECT_TRUE(s.begin_inbound_qos2(7));
  EXPECT_FALSE(s.begin_inbound_qos2(7));  // a resend: do not route again
  EXPECT_TRUE(s.begin_inbound_qos2(8));
  s.end_inbound_qos2(7);
  EXPECT_TRUE(s.begin_inbound_qos2(7));
  s.end_inbound_qos2(99);  // unknown: harmless
  EXPECT_FALSE(s.begin_inbound_qos2(8));
}

TEST_F(session_test, SubscriptionsAsTheClientMadeThem) {
  s.set_subscription("a/#", 1);
  s.set_subscription("b", 0);
  s.set_subscription("a/#", 2);
  EXPECT_EQ(s.subscriptions(), (std::map<std::string, std::uint8_t>{{"a/#", 2}, {"b", 0}}));
  EXPECT_TRUE(s.erase_subscription("b"));
  EXPECT_FALSE(s.erase_subscription("b"));
  EXPECT_EQ(s.subscriptions().size(), 1u);
}

}  // namespace
}  // namespace tether::mqtt

namespace tether::mqtt {
namespace {

// MQTT 5 deliveries: properties carried, expiry, the client's Maximum Packet Size and Receive Maximum.
class session_v5_test : public session_test {
 protected:
  std::vector<sent_packet> drain5(session::drain_skips& skips) {
    std::string out;
    std::size_t sent = 0;
    more = s.drain(link.get(), out, protocol_version::v5, 1 << 20, sent, &skips);
    auto packets = split(out, protocol_version::v5);
    EXPECT_EQ(sent, packets.size());
    return packets;
  }
  message_ptr with_extras(std::string payload, std::chrono::seconds ttl) {
    auto extras = std::make_shared<message_extras>();
    extras->properties.content_type = "text/plain";
    if (ttl.count() > 0) extras->expires_at = std::chrono::steady_clock::now() + ttl;
    if (ttl.count() < 0) extras->expires_at = std::chrono::steady_clock::now() - std::chrono::seconds(1);
    auto m = std::make_shared<message>(message{"t", std::move(payload), 1, false, {}, {}});
    m->extras = std::move(extras);
    return m;
  }
};

TEST_F(session_v5_test, CarriesPropertiesRemainingExpiryAndSubscriptionId) {
  attach(link);
  s.enqueue(with_extras("a", std::chrono::seconds(60)), 1, false, 9);
  session::drain_skips skips;
  auto out = drain5(skips);
  ASSERT_EQ(out.size(), 1u);
  const auto& p = as_publish(out[0]);
  EXPECT_EQ(p.properties.content_type, "text/plain");
  EXPECT_EQ(p.properties.message_expiry_interval, 60u);
  EXPECT_EQ(p.properties.subscription_identifiers, std::vector<std::uint32_t>{9});
}

TEST_F(session_v5_test, ExpiredMessagesAreSkippedAndCounted) {
  attach(link);
  s.enqueue(with_extras("old", std::chrono::seconds(-1)), 1, false);
  s.enqueue(with_extras("new", std::chrono::seconds(0)), 1, false);
  session::drain_skips skips;
  auto out = drain5(skips);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(as_publish(out[0]).payload, "new");
  EXPECT_EQ(skips.expired, 1u);
  EXPECT_EQ(s.dropped(), 1u);
}

TEST_F(session_v5_test, MessageOverTheClientsMaximumPacketSizeIsSkipped) {
  attach(link);
  s.set_delivery_limits({0, 30});
  s.enqueue(make_message("t", std::string(100, 'x'), 1, false), 1, false);
  s.enqueue(make_message("t", "small", 1, false), 1, false);
  session::drain_skips skips;
  auto out = drain5(skips);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(as_publish(out[0]).payload, "small");
  EXPECT_EQ(skips.too_large, 1u);
  EXPECT_EQ(s.in_flight(), 1u);
}

TEST_F(session_v5_test, ReceiveMaximumBoundsTheWindow) {
  attach(link);
  s.set_delivery_limits({2, 0});
  for (int i = 0; i < 4; ++i) s.enqueue(make_message("t", "m", 1, false), 1, false);
  session::drain_skips skips;
  auto out = drain5(skips);
  EXPECT_EQ(out.size(), 2u);
  EXPECT_EQ(s.on_puback(as_publish(out[0]).packet_id), ack::ok);
  EXPECT_EQ(drain5(skips).size(), 1u);
}

}  // namespace
}  // namespace tether::mqtt
