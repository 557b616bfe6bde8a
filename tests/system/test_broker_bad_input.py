"""Malformed and forbidden input over raw sockets (issue 2, point 2): the server closes the offending connection
(or answers the right CONNACK) and keeps serving everyone else."""
import pytest

import mqtt_raw
from mqtt_raw import RawClient, from_hex
from paho_helpers import unique_id

CONNECT_311 = mqtt_raw.connect("bad-input", version=4)


def _assert_still_serving(server):
    assert server.alive(), "server process died"
    c = RawClient(server.host, server.port)
    c.connect(unique_id("ok"))
    c.subscribe(1, ("alive/#", 1))
    c.send(mqtt_raw.publish("alive/x", b"y", qos=1, mid=2))
    # PUBACK and the echo may come in either order
    kinds = sorted(c.recv_packet().type for _ in range(2))
    assert kinds == [mqtt_raw.PUBLISH, mqtt_raw.PUBACK], kinds
    c.close()


# (id, bytes sent after a valid CONNECT/CONNACK)
AFTER_CONNECT = [
    ("subscribe-reserved-flags-0", "80 08 0001 0003 612F62 00"),
    ("subscribe-reserved-flags-3", "83 08 0001 0003 612F62 00"),
    ("unsubscribe-reserved-flags", "A0 07 0001 0003 612F62"),
    ("pubrel-reserved-flags", "60 02 0001"),
    ("disconnect-reserved-flags", "E1 00"),
    ("publish-qos3", "36 08 0003 612F62 0001 78"),
    ("publish-qos0-dup", "38 06 0003 612F62 78"),
    ("remaining-length-5-bytes", "30 FF FF FF FF 7F"),
    ("remaining-length-5-bytes-small", "30 80 80 80 80 01"),
    ("topic-invalid-utf8", "30 06 0003 61 FF 62 78"),
    ("topic-utf8-surrogate", "30 06 0003 ED A0 80 78"),
    ("topic-overlong-utf8", "30 05 0002 C0 AF 78"),
    ("topic-U+0000", "30 06 0003 61 00 62 78"),
    ("topic-wildcard-plus", "30 06 0003 612F2B 78"),
    ("topic-wildcard-hash", "30 06 0003 612F23 78"),
    ("topic-wildcard-qos1", "32 08 0003 2B2F62 0001 78"),
    ("topic-empty", "30 03 0000 78"),
    ("topic-length-beyond-packet", "30 04 0010 6162"),
    ("filter-empty", "82 05 0001 0000 00"),
    ("subscribe-no-filter", "82 02 0001"),
    ("unsubscribe-no-filter", "A2 02 0001"),
    ("filter-hash-not-last", "82 0A 0001 0005 612F232F62 00"),
    ("filter-hash-inside-level", "82 07 0001 0002 6123 00"),
    ("filter-plus-inside-level", "82 08 0001 0003 612B62 00"),
    ("filter-plus-prefix", "82 07 0001 0002 2B61 00"),
    ("filter-invalid-utf8", "82 08 0001 0003 61 FF 62 00"),
    ("filter-U+0000", "82 08 0001 0003 61 00 62 00"),
    ("subscribe-qos3", "82 08 0001 0003 612F62 03"),
    ("subscribe-options-reserved-bits", "82 08 0001 0003 612F62 04"),
    ("unsubscribe-filter-bad-hash", "A2 09 0001 0005 612F232F62"),
    ("packet-type-0", "00 00"),
    ("packet-type-15", "F0 00"),
    ("server-only-connack", "20 02 0000"),
    ("server-only-suback", "90 03 0001 00"),
    ("pingreq-with-payload", "C0 01 00"),
    ("second-connect", CONNECT_311.hex()),
    ("puback-too-short", "40 01 00"),
]

# Cases where Debian's Mosquitto 2.0.11 keeps the connection open (Tether must close it).
MOSQUITTO_LENIENT = {"publish-qos0-dup", "server-only-suback", "pingreq-with-payload"}


@pytest.mark.parametrize("name,data", AFTER_CONNECT, ids=[c[0] for c in AFTER_CONNECT])
def test_bad_packet_after_connect_closes_connection(broker, target, request, name, data):
    if target == "mosquitto" and name in MOSQUITTO_LENIENT:
        request.applymarker(pytest.mark.xfail(reason="Mosquitto 2.0.11 is lenient here"))
    c = RawClient(broker.host, broker.port)
    c.connect(unique_id("bad"))
    try:
        c.send(from_hex(data))
    except OSError:
        pass
    c.expect_closed(what=f"{name}: the server must close the connection")
    _assert_still_serving(broker)


BEFORE_CONNECT = [
    ("first-packet-pingreq", "C0 00"),
    ("first-packet-publish", "30 06 0003 612F62 78"),
    ("first-packet-subscribe", "82 08 0001 0003 612F62 00"),
    ("connect-reserved-flags", "11" + CONNECT_311.hex()[2:]),
    ("connect-flags-reserved-bit", "10 0D 0004 4D515454 04 03 000A 0001 70"),
    ("connect-protocol-name-wrong", "10 0D 0004 4D515458 04 02 000A 0001 70"),
    ("connect-will-qos3", "10 13 0004 4D515454 04 1E 000A 0001 70 0001 74 0001 78"),
    ("connect-will-flag0-will-qos1", "10 0D 0004 4D515454 04 0A 000A 0001 70"),
    ("connect-password-without-username", "10 10 0004 4D515454 04 42 000A 0001 70 0001 70"),
    ("connect-client-id-invalid-utf8", "10 0D 0004 4D515454 04 02 000A 0001 FF"),
    ("connect-truncated", "10 0D 0004 4D515454 04 02"),
]


@pytest.mark.parametrize("name,data", BEFORE_CONNECT, ids=[c[0] for c in BEFORE_CONNECT])
def test_bad_first_packet_closes_connection(broker, name, data):
    c = RawClient(broker.host, broker.port)
    try:
        c.send(from_hex(data))
        if name == "connect-truncated":
            c.sock.shutdown(1)  # half-close: the server sees EOF in the middle of a packet
    except OSError:
        pass
    extra = b""
    try:
        while True:
            extra += c.recv_exact(1, timeout=2.5)
    except mqtt_raw.Closed:
        pass
    except OSError:
        raise AssertionError(f"{name}: the server did not close the connection")
    assert extra in (b"",), f"{name}: unexpected bytes before close: {mqtt_raw.hexstr(extra)}"
    _assert_still_serving(broker)


@pytest.mark.parametrize("level,rc", [(2, 1), (6, 1)])
def test_unsupported_protocol_level_gets_connack_1(broker, level, rc):
    c = RawClient(broker.host, broker.port)
    c.send(from_hex(f"10 0D 0004 4D515454 {level:02X} 02 000A 0001 70"))
    c.expect(mqtt_raw.connack(rc), what="CONNACK 1 (unacceptable protocol version)")
    c.expect_closed()
    _assert_still_serving(broker)


def test_packet_over_max_packet_size(make_broker):
    server = make_broker(max_packet_size=1024)
    ok = RawClient(server.host, server.port)
    ok.connect(unique_id("big"))
    ok.subscribe(1, ("big", 0))
    ok.send(mqtt_raw.publish("big", b"x" * 900))  # under the limit: delivered
    assert len(ok.expect_publish().payload) == 900
    c = RawClient(server.host, server.port)
    c.connect(unique_id("big"))
    try:
        c.send(mqtt_raw.publish("big", b"y" * 2000))
    except OSError:
        pass
    c.expect_closed(what="a packet over --mqtt-max-packet-size must close the connection")
    ok.expect_nothing(0.5)
    ok.ping()
    _assert_still_serving(server)


def test_oversized_remaining_length_announced_is_refused_early(make_broker):
    """A header announcing 200 MB must not make the server wait for (or allocate) it."""
    server = make_broker(max_packet_size=1024)
    c = RawClient(server.host, server.port)
    c.connect(unique_id("huge"))
    c.send(from_hex("30 80 80 80 60") + b"\x00\x01a")
    c.expect_closed(what="announced size over the maximum")
    _assert_still_serving(server)


def test_many_bad_connections_do_not_disturb_a_good_one(broker):
    good = RawClient(broker.host, broker.port)
    good.connect(unique_id("good"))
    good.subscribe(1, ("g", 1))
    for name, data in AFTER_CONNECT[:12] + BEFORE_CONNECT:
        c = RawClient(broker.host, broker.port)
        try:
            if name not in dict(BEFORE_CONNECT):
                c.connect(unique_id("b"))
            c.send(from_hex(data))
        except (OSError, AssertionError):
            pass
        c.close()
    good.ping()
    pub = RawClient(broker.host, broker.port)
    pub.connect(unique_id("p"))
    pub.send(mqtt_raw.publish("g", b"still here", qos=1, mid=1))
    pub.expect(mqtt_raw.puback(1))
    assert good.expect_publish().payload == b"still here"
