"""Nothing acknowledged is lost (issue 5): QoS 1/2 messages PUBACK'd for an offline persistent subscriber, retained
messages and subscriptions survive kill -9 and a restart."""
import threading
import time

import pytest

import mqtt_raw
from mqtt_raw import RawClient

pytestmark = pytest.mark.tether_only

COUNT = 3000


def _offline_subscriber(server, client_id, filt):
    s = RawClient(server.host, server.port)
    s.connect(client_id, clean=False)
    s.subscribe(1, (filt, 1))
    s.disconnect()


def _collect(server, client_id, quiet=2.0):
    """Reconnect the persistent subscriber and read until quiet; returns the PUBLISH packets, acking each."""
    s = RawClient(server.host, server.port)
    s.connect(client_id, clean=False, session_present=True)
    got = []
    while True:
        try:
            p = s.recv_packet(timeout=quiet)
        except Exception:  # socket.timeout: nothing more is coming
            break
        if p.type != mqtt_raw.PUBLISH:
            continue
        got.append(p)
        s.send(mqtt_raw.puback(p.mid))
    s.disconnect()
    return got


@pytest.mark.broker_opts(max_queued=COUNT * 2)
def test_acknowledged_messages_survive_kill_9(broker):
    _offline_subscriber(broker, "durable-sub", "crash/#")
    pub = RawClient(broker.host, broker.port)
    pub.connect("crash-pub")
    acked = set()
    done = threading.Event()

    def read_acks():
        while not done.is_set():
            try:
                p = pub.recv_packet(timeout=0.5)
            except Exception:
                return  # timeout or the server died
            if p.type == mqtt_raw.PUBACK:
                acked.add(int.from_bytes(p.body[:2], "big"))

    reader = threading.Thread(target=read_acks, daemon=True)
    reader.start()
    try:
        for i in range(1, COUNT + 1):
            pub.send(mqtt_raw.publish("crash/t", f"m{i}".encode(), qos=1, mid=i))
            if i == COUNT // 2:
                deadline = time.monotonic() + 10
                while len(acked) < COUNT // 4 and time.monotonic() < deadline:
                    time.sleep(0.005)
                broker.kill()  # mid-stream: some PUBLISHes sent, some acknowledged, some in between
                break
    except OSError:
        pass
    done.set()
    reader.join(timeout=5)
    assert len(acked) >= COUNT // 4, f"only {len(acked)} PUBACKs before the crash"

    broker.start()
    got = _collect(broker, "durable-sub")
    payloads = [p.payload.decode() for p in got]
    missing = {f"m{i}" for i in acked} - set(payloads)
    assert not missing, f"{len(missing)} acknowledged messages lost, e.g. {sorted(missing)[:5]}"
    seen = set()
    for p in got:
        text = p.payload.decode()
        assert text not in seen or p.dup, f"duplicate {text} without DUP"
        seen.add(text)


def test_subscriptions_and_retained_survive_restart(broker):
    _offline_subscriber(broker, "keeper", "keep/#")
    pub = RawClient(broker.host, broker.port)
    pub.connect("keep-pub")
    pub.send(mqtt_raw.publish("keep/r", b"retained", qos=1, retain=True, mid=1))
    pub.expect(mqtt_raw.puback(1))
    pub.send(mqtt_raw.publish("keep/q", b"queued", qos=1, mid=2))
    pub.expect(mqtt_raw.puback(2))
    pub.disconnect()
    broker.kill()
    broker.start()
    # The subscription survived: a message published after the restart is queued for the offline session.
    pub = RawClient(broker.host, broker.port)
    pub.connect("keep-pub2")
    pub.send(mqtt_raw.publish("keep/after", b"after", qos=1, mid=3))
    pub.expect(mqtt_raw.puback(3))
    pub.disconnect()
    got = {(p.topic, p.payload) for p in _collect(broker, "keeper")}
    assert {("keep/r", b"retained"), ("keep/q", b"queued"), ("keep/after", b"after")} <= got
    # A new subscriber gets the retained message from disk.
    s = RawClient(broker.host, broker.port)
    s.connect("late")
    s.subscribe(1, ("keep/r", 0))
    p = s.expect_publish()
    assert (p.topic, p.payload, p.retain) == ("keep/r", b"retained", True)


def test_clean_session_leaves_nothing_behind(broker):
    _offline_subscriber(broker, "forget-me", "gone/#")
    c = RawClient(broker.host, broker.port)
    c.connect("forget-me", clean=True)  # discards the stored session
    c.disconnect()
    broker.kill()
    broker.start()
    s = RawClient(broker.host, broker.port)
    s.connect("forget-me", clean=False, session_present=False)
