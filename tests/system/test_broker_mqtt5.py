"""MQTT 5.0 on the plain broker realm (issue 18) with a real 5.0 client: paho-mqtt with protocol=MQTTv5, and raw
sockets where paho hides the bytes. CONNACK capabilities, reason codes, session expiry, server DISCONNECT,
properties end to end, topic aliases, message expiry, no-local, retain-as-published, retain handling,
subscription identifiers, maximum packet size, receive maximum, enhanced authentication refused."""
import queue
import struct
import threading
import time

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
import pytest

import mqtt_raw
from mqtt_raw import RawClient, from_hex, mqtt_string, varint
from paho_helpers import unique_id

TIMEOUT = 5.0


class V5Client:
    """paho-mqtt in MQTT 5 mode, synchronous enough for tests."""

    def __init__(self, server, client_id=None, clean_start=True, expiry=None, props=None):
        self.server = server
        self.client_id = unique_id("v5") if client_id is None else client_id
        self.client = mqtt.Client(client_id=self.client_id, protocol=mqtt.MQTTv5)
        self.messages = queue.Queue()
        self.connacks = queue.Queue()
        self.subacks = queue.Queue()
        self.unsubacks = queue.Queue()
        self.acks = queue.Queue()
        self.disconnects = queue.Queue()
        self.client.on_connect = lambda c, u, flags, rc, p: self.connacks.put((flags, rc, p))
        self.client.on_message = lambda c, u, m: self.messages.put(m)
        self.client.on_subscribe = lambda c, u, mid, codes, p: self.subacks.put([int(x.value) for x in codes])
        self.client.on_unsubscribe = lambda c, u, mid, p, codes: self.unsubacks.put(codes)
        self.client.on_disconnect = lambda c, u, rc, p=None: self.disconnects.put(rc)
        self.clean_start = clean_start
        self.connect_props = props or Properties(PacketTypes.CONNECT)
        if expiry is not None:
            self.connect_props.SessionExpiryInterval = expiry

    def connect(self):
        self.client.connect(self.server.host, self.server.port, keepalive=60, clean_start=self.clean_start,
                            properties=self.connect_props)
        self.client.loop_start()
        flags, rc, props = self.connacks.get(timeout=TIMEOUT)
        return flags, rc, props

    def subscribe(self, topic, qos=0, props=None, **options):
        opts = mqtt.SubscribeOptions(qos=qos, **options)
        self.client.subscribe(topic, options=opts, properties=props)
        return self.subacks.get(timeout=TIMEOUT)

    def publish(self, topic, payload, qos=0, retain=False, props=None):
        info = self.client.publish(topic, payload, qos=qos, retain=retain, properties=props)
        if qos:
            info.wait_for_publish(TIMEOUT)
        return info

    def get(self, timeout=TIMEOUT):
        return self.messages.get(timeout=timeout)

    def expect_none(self, timeout=0.5):
        with pytest.raises(queue.Empty):
            m = self.messages.get(timeout=timeout)
            print("unexpected", m.topic, m.payload)

    def close(self, reason=0, props=None):
        try:
            self.client.disconnect(reasoncode=mqtt.ReasonCodes(PacketTypes.DISCONNECT, identifier=reason),
                                   properties=props)
        except Exception:
            pass
        self.client.loop_stop()


@pytest.fixture
def v5(broker):
    made = []

    def factory(**kw):
        c = V5Client(broker, **kw)
        made.append(c)
        return c

    yield factory
    for c in made:
        c.close()


def props(kind, **values):
    p = Properties(kind)
    for k, v in values.items():
        setattr(p, k, v)
    return p


def connect5(client_id, clean=True, properties=b"", will=None):
    return mqtt_raw.connect(client_id, version=5, clean=clean, keepalive=60, properties=properties, will=will)


def raw5(broker, client_id=None, properties=b""):
    c = RawClient(broker.host, broker.port)
    c.send(connect5(unique_id("raw5") if client_id is None else client_id, properties=properties))
    p = c.recv_packet()
    assert p.first == 0x20 and p.body[1] == 0, p
    return c, p


def decode_props(body, pos):
    """{id: [values]} of an MQTT 5 property list at body[pos:] (only the types the tests read)."""
    n, mult, length = 0, 1, 0
    while True:
        b = body[pos + n]
        length += (b & 0x7F) * mult
        mult *= 128
        n += 1
        if not b & 0x80:
            break
    pos += n
    end = pos + length
    out = {}
    while pos < end:
        pid = body[pos]
        pos += 1
        if pid in (0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2A):
            val, pos = body[pos], pos + 1
        elif pid in (0x13, 0x21, 0x22, 0x23):
            val, pos = struct.unpack("!H", body[pos:pos + 2])[0], pos + 2
        elif pid in (0x02, 0x11, 0x18, 0x27):
            val, pos = struct.unpack("!I", body[pos:pos + 4])[0], pos + 4
        elif pid in (0x03, 0x08, 0x09, 0x12, 0x15, 0x16, 0x1A, 0x1C, 0x1F):
            ln = struct.unpack("!H", body[pos:pos + 2])[0]
            val, pos = body[pos + 2:pos + 2 + ln], pos + 2 + ln
        elif pid == 0x0B:
            val, mult, k = 0, 1, 0
            while True:
                b = body[pos + k]
                val += (b & 0x7F) * mult
                mult *= 128
                k += 1
                if not b & 0x80:
                    break
            pos += k
        else:
            raise AssertionError(f"property {pid:#x} not decoded by this test")
        out.setdefault(pid, []).append(val)
    return out, end


def payload5(p):
    """The payload of a 5.0 PUBLISH read by mqtt_raw (whose Packet does not know the property list)."""
    _, end = decode_props(p.payload, 0)
    return p.payload[end:]


# -- CONNECT / CONNACK ---------------------------------------------------------------------------------------

def test_connack_announces_capabilities(v5):
    c = v5()
    flags, rc, p = c.connect()
    assert rc == 0 and not flags["session present"]
    assert p.ReceiveMaximum > 0
    assert p.TopicAliasMaximum > 0
    assert p.WildcardSubscriptionAvailable == 1
    assert p.SharedSubscriptionAvailable == 1
    assert p.SubscriptionIdentifierAvailable == 1
    assert not hasattr(p, "AssignedClientIdentifier")


def test_empty_client_id_gets_an_assigned_identifier(v5):
    c = v5(client_id="")
    _, rc, p = c.connect()
    assert rc == 0
    assert p.AssignedClientIdentifier.startswith("auto-")


def test_unknown_authentication_method_refused_with_8c(broker):
    c = RawClient(broker.host, broker.port)
    c.send(connect5("auth1", properties=b"\x15" + mqtt_string("SCRAM-SHA-1")))
    c.expect(from_hex("20 03 00 8C 00"), what="CONNACK 0x8C")
    c.expect_closed()


def test_3_1_1_unchanged_next_to_5(broker):
    c = RawClient(broker.host, broker.port)
    c.connect("old-client", version=4)
    c.expect_nothing(0.2)
    c.disconnect()


def test_session_expiry_keeps_the_session(v5):
    cid = unique_id("exp")
    a = v5(client_id=cid, expiry=300)
    a.connect()
    assert a.subscribe("exp/t", 1) == [1]
    a.close()
    pub = v5()
    pub.connect()
    pub.publish("exp/t", b"while away", qos=1)
    b = v5(client_id=cid, clean_start=False, expiry=300)
    flags, rc, _ = b.connect()
    assert rc == 0 and flags["session present"]
    assert b.get().payload == b"while away"


def test_session_expiry_zero_ends_the_session(v5):
    cid = unique_id("exp0")
    a = v5(client_id=cid)  # no Session Expiry Interval: 0
    a.connect()
    a.subscribe("exp0/t", 1)
    a.close()
    time.sleep(0.2)
    b = v5(client_id=cid, clean_start=False)
    flags, rc, _ = b.connect()
    assert rc == 0 and not flags["session present"]


def test_disconnect_with_session_expiry_zero_ends_a_persistent_session(v5):
    cid = unique_id("exp1")
    a = v5(client_id=cid, expiry=300)
    a.connect()
    a.subscribe("exp1/t", 1)
    a.close(props=props(PacketTypes.DISCONNECT, SessionExpiryInterval=0))
    time.sleep(0.2)
    b = v5(client_id=cid, clean_start=False, expiry=300)
    flags, _, _ = b.connect()
    assert not flags["session present"]


def test_disconnect_raising_expiry_from_zero_is_a_protocol_error(broker):
    c, _ = raw5(broker)
    c.send(from_hex("E0 07 00 05 11 0000003C"))
    c.expect(from_hex("E0 01 82"), what="DISCONNECT 0x82")
    c.expect_closed()


# -- reason codes on acknowledgements -------------------------------------------------------------------------

def test_puback_no_matching_subscribers(broker):
    c, _ = raw5(broker)
    c.send(from_hex("32 0A 0003 6E2F73 0007 00 7878"))  # QoS 1 to n/s, nobody subscribed
    c.expect(from_hex("40 03 0007 10"), what="PUBACK 0x10")


def test_puback_success_with_a_subscriber(broker):
    sub, _ = raw5(broker)
    sub.send(from_hex("82 09 0001 00 0003 6E2F73 01"))
    sub.expect(from_hex("90 04 0001 00 01"), what="SUBACK")
    c, _ = raw5(broker)
    c.send(from_hex("32 0A 0003 6E2F73 0007 00 7878"))
    c.expect(from_hex("40 02 0007"), what="PUBACK success (reason left out)")


def test_unsuback_reason_codes(broker):
    c, _ = raw5(broker)
    c.send(from_hex("82 09 0001 00 0003 612F62 00"))
    c.expect(from_hex("90 04 0001 00 00"), what="SUBACK")
    c.send(from_hex("A2 0D 0002 00 0003 612F62 0003 782F79"))
    c.expect(from_hex("B0 05 0002 00 00 11"), what="UNSUBACK 0x00 0x11")


def test_server_disconnect_carries_a_reason_code(broker):
    c, _ = raw5(broker)
    c.send(from_hex("30 04 0000 00 00"))  # PUBLISH with an empty topic and no alias
    p = c.recv_packet()
    assert p.first == 0xE0 and p.body[0] in (0x81, 0x82), p  # malformed, as the codec decides
    c.expect_closed()


def test_session_taken_over_disconnect_0x8e(broker):
    cid = unique_id("take")
    a, _ = raw5(broker, cid)
    b, _ = raw5(broker, cid)
    p = a.recv_packet()
    assert p.first == 0xE0 and p.body[0] == 0x8E, p
    a.expect_closed()
    b.ping()


def test_will_published_on_disconnect_with_will(v5, broker):
    watcher = v5()
    watcher.connect()
    watcher.subscribe("will/t", 0)
    c = RawClient(broker.host, broker.port)
    c.send(connect5(unique_id("w"), will=("will/t", "gone", 0, False)))
    assert c.recv_packet().body[1] == 0
    c.send(from_hex("E0 01 04"))
    assert watcher.get().payload == b"gone"


def test_will_not_published_on_normal_disconnect(v5, broker):
    watcher = v5()
    watcher.connect()
    watcher.subscribe("will2/t", 0)
    c = RawClient(broker.host, broker.port)
    c.send(connect5(unique_id("w"), will=("will2/t", "gone", 0, False)))
    assert c.recv_packet().body[1] == 0
    c.send(from_hex("E0 00"))
    watcher.expect_none()


# -- properties end to end -----------------------------------------------------------------------------------

def test_user_properties_content_type_response_topic_correlation_carried(v5):
    sub = v5()
    sub.connect()
    sub.subscribe("req/t", 1)
    pub = v5()
    pub.connect()
    p = props(PacketTypes.PUBLISH, ContentType="application/json", ResponseTopic="resp/t",
              CorrelationData=b"\x01\x02", PayloadFormatIndicator=1)
    p.UserProperty = [("a", "1"), ("b", "2")]
    pub.publish("req/t", b"{}", qos=1, props=p)
    m = sub.get()
    assert m.properties.ContentType == "application/json"
    assert m.properties.ResponseTopic == "resp/t"
    assert m.properties.CorrelationData == b"\x01\x02"
    assert m.properties.PayloadFormatIndicator == 1
    assert m.properties.UserProperty == [("a", "1"), ("b", "2")]


def test_3_1_1_subscriber_receives_from_5_publisher(v5, broker):
    sub = RawClient(broker.host, broker.port)
    sub.connect(unique_id("old"), version=4)
    sub.subscribe(1, ("mix/t", 0))
    pub = v5()
    pub.connect()
    p = props(PacketTypes.PUBLISH, ContentType="text/plain")
    p.UserProperty = [("k", "v")]
    pub.publish("mix/t", b"hello", qos=1, props=p)
    got = sub.expect_publish()
    assert (got.topic, got.payload) == ("mix/t", b"hello")  # 3.1.1: no property list


def test_payload_format_invalid_answered_0x99(broker):
    sub, _ = raw5(broker)
    sub.send(from_hex("82 09 0001 00 0003 70 2F 66 00"))
    sub.expect(from_hex("90 04 0001 00 00"), what="SUBACK")
    c, _ = raw5(broker)
    c.send(from_hex("32 0C 0003 702F66 0009 02 0101 FF FE"))  # format 1, payload not UTF-8
    c.expect(from_hex("40 03 0009 99"), what="PUBACK 0x99")
    sub.expect_nothing(0.3)


def test_inbound_topic_alias(broker):
    sub, _ = raw5(broker)
    sub.send(from_hex("82 09 0001 00 0003 612F61 00"))
    sub.expect(from_hex("90 04 0001 00 00"), what="SUBACK")
    c, _ = raw5(broker)
    c.send(from_hex("30 0C 0003 612F61 03 230001 6F6E65"))  # set alias 1 = a/a
    c.send(from_hex("30 09 0000 03 230001 74776F"))  # use it
    assert payload5(sub.expect_publish()) == b"one"
    second = sub.expect_publish()
    assert (second.topic, payload5(second)) == ("a/a", b"two")


def test_topic_alias_over_maximum_disconnects_0x94(broker):
    c, p = raw5(broker)
    props_, _ = decode_props(p.body, 2)
    too_big = props_[0x22][0] + 1
    c.send(from_hex("30 0C 0003 612F61 03 23") + struct.pack("!H", too_big) + b"one")
    p = c.recv_packet()
    assert p.first == 0xE0 and p.body[0] == 0x94, p  # with a reason string


def test_message_expiry_remaining_interval_and_expired_not_delivered(v5):
    cid = unique_id("mexp")
    sub = v5(client_id=cid, expiry=300)
    sub.connect()
    sub.subscribe("mexp/t", 1)
    sub.close()
    # The DISCONNECT must be handled before the publishes: a message already sent to a still-open session is
    # in flight, and its resend after reconnect is no new onward delivery, so expiry does not remove it.
    time.sleep(0.5)
    pub = v5()
    pub.connect()
    pub.publish("mexp/t", b"short", qos=1, props=props(PacketTypes.PUBLISH, MessageExpiryInterval=1))
    pub.publish("mexp/t", b"long", qos=1, props=props(PacketTypes.PUBLISH, MessageExpiryInterval=100))
    time.sleep(2.2)
    again = v5(client_id=cid, clean_start=False, expiry=300)
    again.connect()
    m = again.get()
    assert m.payload == b"long"
    assert 90 <= m.properties.MessageExpiryInterval <= 98
    again.expect_none()


# -- subscription options and identifiers ---------------------------------------------------------------------

def test_no_local(v5):
    c = v5()
    c.connect()
    c.subscribe("nl/t", 0, noLocal=True)
    other = v5()
    other.connect()
    other.subscribe("nl/t", 0)
    c.publish("nl/t", b"mine", qos=1)
    assert other.get().payload == b"mine"
    c.expect_none()


def test_retain_as_published(v5):
    rap = v5()
    rap.connect()
    rap.subscribe("rap/t", 0, retainAsPublished=True)
    plain = v5()
    plain.connect()
    plain.subscribe("rap/t", 0)
    pub = v5()
    pub.connect()
    pub.publish("rap/t", b"r", qos=1, retain=True)
    assert rap.get().retain == 1
    assert plain.get().retain == 0
    pub.publish("rap/t", b"", qos=1, retain=True)  # clear it


def test_retain_handling(v5):
    pub = v5()
    pub.connect()
    pub.publish("rh/t", b"kept", qos=1, retain=True)
    never = v5()
    never.connect()
    never.subscribe("rh/t", 0, retainHandling=2)
    never.expect_none()
    new_only = v5()
    new_only.connect()
    new_only.subscribe("rh/t", 0, retainHandling=1)
    assert new_only.get().payload == b"kept"
    new_only.subscribe("rh/t", 0, retainHandling=1)  # existing subscription: nothing again
    new_only.expect_none()
    always = v5()
    always.connect()
    always.subscribe("rh/t", 0)
    assert always.get().retain == 1
    pub.publish("rh/t", b"", qos=1, retain=True)


def test_subscription_identifier_delivered(v5):
    c = v5()
    c.connect()
    c.subscribe("sid/+", 1, props=props(PacketTypes.SUBSCRIBE, SubscriptionIdentifier=42))
    pub = v5()
    pub.connect()
    pub.publish("sid/x", b"1", qos=1)
    assert c.get().properties.SubscriptionIdentifier == [42]


def test_shared_subscription_balances(v5):
    a = v5()
    a.connect()
    a.subscribe("$share/g/bal/t", 0)
    b = v5()
    b.connect()
    b.subscribe("$share/g/bal/t", 0)
    pub = v5()
    pub.connect()
    for i in range(10):
        pub.publish("bal/t", str(i).encode(), qos=1)
    got_a, got_b = [], []
    deadline = time.monotonic() + TIMEOUT
    while len(got_a) + len(got_b) < 10 and time.monotonic() < deadline:
        for c, got in ((a, got_a), (b, got_b)):
            try:
                got.append(c.get(timeout=0.1).payload)
            except queue.Empty:
                pass
    assert len(got_a) + len(got_b) == 10 and got_a and got_b


# -- limits both ways ------------------------------------------------------------------------------------------

def test_maximum_packet_size_skips_a_message_too_large_for_the_subscriber(broker):
    sub, _ = raw5(broker, properties=b"\x27" + struct.pack("!I", 40))
    sub.send(from_hex("82 09 0001 00 0003 6D2F70 00"))
    sub.expect(from_hex("90 04 0001 00 00"), what="SUBACK")
    pub, _ = raw5(broker)
    pub.send(mqtt_raw.packet(0x30, mqtt_string("m/p") + b"\x00" + b"x" * 100))
    pub.send(mqtt_raw.packet(0x30, mqtt_string("m/p") + b"\x00" + b"small"))
    assert payload5(sub.expect_publish()) == b"small"  # the large one was skipped, not queued


def test_receive_maximum_limits_unacknowledged_deliveries(broker):
    sub, _ = raw5(broker, properties=b"\x21\x00\x02")
    sub.send(from_hex("82 09 0001 00 0003 722F6D 01"))
    sub.expect(from_hex("90 04 0001 00 01"), what="SUBACK")
    pub, _ = raw5(broker)
    for i in range(4):
        pub.send(mqtt_raw.packet(0x32, mqtt_string("r/m") + struct.pack("!H", i + 1) + b"\x00" + bytes([48 + i])))
    first = [sub.expect_publish(), sub.expect_publish()]
    sub.expect_nothing(0.3)  # two in flight: the window is full
    sub.send(mqtt_raw.packet(0x40, struct.pack("!H", first[0].mid)))
    third = sub.expect_publish()
    assert payload5(third) == b"2"


def test_will_delay(v5, broker):
    watcher = v5()
    watcher.connect()
    watcher.subscribe("wd/+", 0)
    will_props = b"\x18" + struct.pack("!I", 1)  # Will Delay Interval 1 s
    expiry = b"\x11" + struct.pack("!I", 300)

    def will_connect(cid, topic):
        body = (mqtt_string("MQTT") + bytes([5, 0x04]) + struct.pack("!H", 60) + varint(len(expiry)) + expiry
                + mqtt_string(cid) + varint(len(will_props)) + will_props + mqtt_string(topic) + mqtt_string("bye"))
        c = RawClient(broker.host, broker.port)
        c.send(mqtt_raw.packet(0x10, body))
        assert c.recv_packet().body[1] == 0
        return c

    late = will_connect(unique_id("wd"), "wd/late")
    late.abort()
    watcher.expect_none(0.5)  # held back by the delay
    m = watcher.get(timeout=3)
    assert (m.topic, m.payload) == ("wd/late", b"bye")

    cid = unique_id("wd")
    back = will_connect(cid, "wd/back")
    back.abort()
    time.sleep(0.2)
    again = will_connect(cid, "wd/back")  # resumed within the delay: no will
    watcher.expect_none(1.8)
    again.disconnect()
