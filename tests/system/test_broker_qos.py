"""QoS 0/1/2 in both directions, packet ids and the in-flight window, redelivery with DUP, persistent sessions and
the offline queue (issue 2, point 3)."""
import threading
import time

import pytest

import mqtt_raw
from mqtt_raw import RawClient
from paho_helpers import PROTOCOLS, Clients, MosquittoSub, mosquitto_pub, unique_id


@pytest.fixture(params=list(PROTOCOLS), ids=[f"mqtt{p}" for p in PROTOCOLS])
def clients(request, broker):
    c = Clients(broker, PROTOCOLS[request.param])
    yield c
    c.close_all()


# -- QoS end to end with real clients ------------------------------------------------------------------------

@pytest.mark.parametrize("pub_qos", [0, 1, 2])
@pytest.mark.parametrize("sub_qos", [0, 1, 2])
def test_paho_qos_delivery_is_min_of_publish_and_subscription(clients, pub_qos, sub_qos):
    sub = clients.new()
    assert sub.subscribe("qos/t", sub_qos) == [sub_qos]
    pub = clients.new()
    for i in range(3):
        pub.publish("qos/t", f"m{i}".encode(), qos=pub_qos)
    for i in range(3):
        m = sub.get()
        assert (m.topic, m.payload, m.qos, m.retain) == ("qos/t", f"m{i}".encode(), min(pub_qos, sub_qos), False)
    sub.expect_no_message(0.3)


@pytest.mark.parametrize("qos", [0, 1, 2])
@pytest.mark.parametrize("proto", list(PROTOCOLS))
def test_mosquitto_clients_qos(broker, qos, proto):
    sub = MosquittoSub(broker, "cli/+", qos=qos, count=2, protocol=PROTOCOLS[proto]).start()
    try:
        mosquitto_pub(broker, "cli/a", "hello", qos=qos, protocol=PROTOCOLS[proto])
        mosquitto_pub(broker, "cli/b", "world", qos=qos, protocol=PROTOCOLS[proto])
        out = [l for l in sub.output() if l.startswith("cli/")]
        assert out == ["cli/a hello", "cli/b world"]
    finally:
        sub.stop()


# -- byte-exact flows over raw sockets -----------------------------------------------------------------------

@pytest.mark.parametrize("version", [3, 4])
def test_raw_qos1_and_qos2_inbound_flows(broker, version):
    sub = RawClient(broker.host, broker.port)
    sub.connect(unique_id("s"), version=version)
    sub.subscribe(1, ("in/#", 2))
    pub = RawClient(broker.host, broker.port)
    pub.connect(unique_id("p"), version=version)
    pub.send(mqtt_raw.publish("in/1", b"one", qos=1, mid=0x1234))
    pub.expect(mqtt_raw.puback(0x1234), what="PUBACK echoes the packet id")
    pub.send(mqtt_raw.publish("in/2", b"two", qos=2, mid=0x4321))
    pub.expect(mqtt_raw.pubrec(0x4321), what="PUBREC")
    pub.send(mqtt_raw.pubrel(0x4321))
    pub.expect(mqtt_raw.pubcomp(0x4321), what="PUBCOMP")
    p1 = sub.expect_publish()
    assert (p1.topic, p1.payload, p1.qos, p1.dup, p1.retain) == ("in/1", b"one", 1, False, False)
    sub.send(mqtt_raw.puback(p1.mid))
    p2 = sub.expect_publish()
    assert (p2.topic, p2.payload, p2.qos) == ("in/2", b"two", 2)
    assert p2.mid != 0
    sub.send(mqtt_raw.pubrec(p2.mid))
    sub.expect(mqtt_raw.pubrel(p2.mid), what="PUBREL to the subscriber")
    sub.send(mqtt_raw.pubcomp(p2.mid))
    sub.ping()
    pub.ping()


def test_qos2_duplicate_publish_is_delivered_once(broker):
    """A QoS 2 PUBLISH resent with DUP before PUBREL must not be delivered twice [MQTT-4.3.3]."""
    sub = RawClient(broker.host, broker.port)
    sub.connect(unique_id("s"))
    sub.subscribe(1, ("once", 0))
    pub = RawClient(broker.host, broker.port)
    pub.connect(unique_id("p"))
    pub.send(mqtt_raw.publish("once", b"x", qos=2, mid=7))
    pub.expect(mqtt_raw.pubrec(7))
    pub.send(mqtt_raw.publish("once", b"x", qos=2, mid=7, dup=True))
    pub.expect(mqtt_raw.pubrec(7), what="PUBREC for the duplicate")
    pub.send(mqtt_raw.pubrel(7))
    pub.expect(mqtt_raw.pubcomp(7))
    pub.send(mqtt_raw.publish("once", b"end", qos=0))
    assert sub.expect_publish().payload == b"x"
    assert sub.expect_publish().payload == b"end", "the duplicate QoS 2 message was delivered twice"


def test_packet_ids_unique_and_in_flight_window(broker):
    """Un-acknowledged QoS 1 messages carry distinct non-zero ids; after the acks everything arrives once, in order."""
    n = 40
    sub = RawClient(broker.host, broker.port)
    sub.connect(unique_id("s"))
    sub.subscribe(1, ("win", 1))
    pub = RawClient(broker.host, broker.port)
    pub.connect(unique_id("p"))
    for i in range(n):
        pub.send(mqtt_raw.publish("win", f"{i}".encode(), qos=1, mid=i + 1))
    for i in range(n):
        pub.expect(mqtt_raw.puback(i + 1))
    first = []
    while True:  # read what the server puts in flight without any ack from us
        try:
            first.append(sub.recv_packet(timeout=1.5))
        except OSError:
            break
    assert first, "no PUBLISH in flight"
    ids = [p.mid for p in first]
    assert all(ids) and len(set(ids)) == len(ids), f"packet ids not unique/non-zero: {ids}"
    got = list(first)
    for p in first:
        sub.send(mqtt_raw.puback(p.mid))
    while len(got) < n:
        p = sub.expect_publish()
        got.append(p)
        sub.send(mqtt_raw.puback(p.mid))
    assert [p.payload for p in got] == [f"{i}".encode() for i in range(n)]
    assert all(p.qos == 1 and not p.dup for p in got)
    sub.expect_nothing(0.5)


# -- redelivery after reconnect ------------------------------------------------------------------------------

@pytest.mark.parametrize("version", [3, 4])
@pytest.mark.parametrize("qos", [1, 2])
def test_unacked_publish_redelivered_with_dup_after_reconnect(broker, version, qos):
    cid = unique_id("r")
    sub = RawClient(broker.host, broker.port)
    sub.connect(cid, version=version, clean=False)
    sub.subscribe(1, ("redeliver", qos))
    pub = RawClient(broker.host, broker.port)
    pub.connect(unique_id("p"))
    pub.send(mqtt_raw.publish("redeliver", b"payload", qos=qos, mid=1))
    if qos == 1:
        pub.expect(mqtt_raw.puback(1))
    else:
        pub.expect(mqtt_raw.pubrec(1))
        pub.send(mqtt_raw.pubrel(1))
        pub.expect(mqtt_raw.pubcomp(1))
    first = sub.expect_publish()
    assert not first.dup and first.qos == qos
    sub.close()  # no ack, no DISCONNECT
    sub = RawClient(broker.host, broker.port)
    sub.connect(cid, version=version, clean=False, **({"session_present": True} if version == 4 else {}))
    again = sub.expect_publish()
    assert again.dup, f"redelivered PUBLISH must have DUP set: {again!r}"
    assert (again.topic, again.payload, again.qos, again.mid) == ("redeliver", b"payload", qos, first.mid)
    if qos == 1:
        sub.send(mqtt_raw.puback(again.mid))
    else:
        sub.send(mqtt_raw.pubrec(again.mid))
        sub.expect(mqtt_raw.pubrel(again.mid))
        sub.send(mqtt_raw.pubcomp(again.mid))
    sub.expect_nothing(0.5)
    sub.ping()


def test_pubrel_resent_after_reconnect(broker):
    """QoS 2 outbound: PUBREC received, PUBCOMP not sent -> after reconnect the server resends PUBREL."""
    cid = unique_id("r")
    sub = RawClient(broker.host, broker.port)
    sub.connect(cid, clean=False)
    sub.subscribe(1, ("q2", 2))
    pub = RawClient(broker.host, broker.port)
    pub.connect(unique_id("p"))
    pub.send(mqtt_raw.publish("q2", b"x", qos=2, mid=1))
    pub.expect(mqtt_raw.pubrec(1))
    pub.send(mqtt_raw.pubrel(1))
    pub.expect(mqtt_raw.pubcomp(1))
    p = sub.expect_publish()
    sub.send(mqtt_raw.pubrec(p.mid))
    sub.expect(mqtt_raw.pubrel(p.mid))
    sub.close()
    sub = RawClient(broker.host, broker.port)
    sub.connect(cid, clean=False, session_present=True)
    sub.expect(mqtt_raw.pubrel(p.mid), what="PUBREL resent after reconnect")
    sub.send(mqtt_raw.pubcomp(p.mid))
    sub.expect_nothing(0.5)


# -- persistent sessions ---------------------------------------------------------------------------------------

def test_persistent_session_keeps_subscriptions_and_queues_qos1_qos2(clients):
    cid = unique_id("ps")
    sub = clients.new(cid, clean=False)
    assert sub.subscribe([("ps/1", 1), ("ps/2", 2), ("ps/0", 0)]) == [1, 2, 0]
    sub.disconnect()
    pub = clients.new()
    pub.publish("ps/0", b"zero", qos=0)
    pub.publish("ps/1", b"one", qos=1)
    pub.publish("ps/2", b"two", qos=2)
    pub.publish("ps/1", b"one-b", qos=2)  # downgraded to the subscription's QoS 1
    sub = clients.new(cid, clean=False, connect=False)
    rc, present = sub.connect()
    if clients.protocol == PROTOCOLS["3.1.1"]:
        assert present == 1, "session present must be 1 when resuming a persistent session"
    got = [(m.topic, m.payload, m.qos) for m in (sub.get() for _ in range(3))]
    # order is guaranteed per topic only (Mosquitto sends the QoS 2 one last)
    assert [g for g in got if g[0] == "ps/1"] == [("ps/1", b"one", 1), ("ps/1", b"one-b", 1)], got
    assert [g for g in got if g[0] == "ps/2"] == [("ps/2", b"two", 2)], got
    # the subscription itself survived too: a live message arrives without subscribing again
    pub.publish("ps/2", b"live", qos=1)
    m = sub.get()
    if m.topic == "ps/0":  # queuing QoS 0 for offline clients is optional
        m = sub.get()
    assert (m.topic, m.payload, m.qos) == ("ps/2", b"live", 1)


def test_clean_session_discards_previous_session(clients):
    cid = unique_id("cs")
    sub = clients.new(cid, clean=False)
    sub.subscribe("cs/t", 1)
    sub.disconnect()
    pub = clients.new()
    pub.publish("cs/t", b"queued", qos=1)
    sub = clients.new(cid, clean=True, connect=False)
    rc, present = sub.connect()
    assert present == 0
    pub.publish("cs/t", b"after", qos=1)
    sub.expect_no_message(1.0)
    # and the persistent session is gone for good: a later clean=false connect starts empty
    sub.disconnect()
    again = RawClient(clients.server.host, clients.server.port)
    again.connect(cid, clean=False, session_present=False)
    again.expect_nothing(0.5)


def test_offline_queue_limit(make_broker):
    """--mqtt-max-queued N: a persistent session queues at most N messages while offline; the rest are dropped."""
    limit, sent = 5, 12
    broker = make_broker(max_queued=limit)
    cid = unique_id("q")
    sub = RawClient(broker.host, broker.port)
    sub.connect(cid, clean=False)
    sub.subscribe(1, ("limit", 1))
    sub.disconnect()
    pub = RawClient(broker.host, broker.port)
    pub.connect(unique_id("p"))
    for i in range(sent):
        pub.send(mqtt_raw.publish("limit", f"{i}".encode(), qos=1, mid=i + 1))
        pub.expect(mqtt_raw.puback(i + 1), what="publisher's PUBACK (drops are silent to the publisher)")
    sub = RawClient(broker.host, broker.port)
    sub.connect(cid, clean=False, session_present=True)
    got = []
    while True:
        try:
            p = sub.recv_packet(timeout=1.5)
        except OSError:
            break
        assert p.type == mqtt_raw.PUBLISH, p
        got.append(int(p.payload))
        sub.send(mqtt_raw.puback(p.mid))
    assert len(got) == limit, f"expected exactly {limit} queued messages, got {got}"
    assert got == sorted(got) and len(set(got)) == limit, f"queued messages out of order or duplicated: {got}"
    sub.ping()


@pytest.mark.tether_only
def test_subscriber_that_stops_reading_gets_everything_in_order_afterwards(broker):
    """A subscriber that reads nothing for a while fills its socket: the server's writes wait for room (and its
    publisher is slowed down, not dropped), then everything arrives once, in order (Tether's flow control)."""
    count, size = 3000, 8192  # 24 MB: more than the sockets' buffers hold
    sub = RawClient(broker.host, broker.port, timeout=20)
    sub.connect(unique_id("slow"))
    sub.subscribe(1, ("slow/t", 0))
    pub = RawClient(broker.host, broker.port, timeout=20)
    pub.connect(unique_id("fast"))
    filler = b"x" * (size - 8)
    sender = threading.Thread(
        target=lambda: pub.send(b"".join(mqtt_raw.publish("slow/t", b"%08d" % i + filler) for i in range(count))))
    sender.start()
    time.sleep(1.0)  # the subscriber reads nothing meanwhile: its socket and the server's buffer fill up
    got = []
    while len(got) < count:
        p = sub.expect_publish(timeout=20)
        got.append(int(p.payload[:8]))
    sender.join(20)
    assert got == list(range(count))
    sub.expect_nothing(0.3)
    pub.ping()
    sub.ping()
