"""Outbound MQTT connector (issue 17, spec/everynet.md B1): Tether publishes its application's events into the
user's own broker, a real Mosquitto, over TCP, TLS (a throwaway CA: an untrusted certificate or a wrong name is
refused), WebSocket and WSS. Delivery: QoS 1, at most 100 awaiting PUBACK, a PUBACK missing after 1 s is a broken
link, reconnects back off from 0.1 s doubling to a cap, and whatever was produced while the link was down (broker
killed for 20 s, or Tether killed with -9) is replayed from the durable event stream, in order per device, marked
meta.history."""
import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest

from lora_network import ABP_ADDR, APP_S_KEY, NODE, NWK_S_KEY, ORACLE_DIR, LoraNetwork, abp_device, device
from server_control import MOSQUITTO_BIN, free_port
from test_http import metric
from ttsv3_proto import pb

pytestmark = pytest.mark.tether_only

ABP_ADDR_2 = "260B5678"

FRAMES_JS = r"""
const lp = require("lora-packet");
const H = (s) => Buffer.from(s, "hex");
const [addr, nwk, app, first, count] = process.argv.slice(1);
const out = [];
for (let f = Number(first); f < Number(first) + Number(count); f++) {
  const payload = Buffer.from([(f >> 8) & 0xff, f & 0xff]);
  const pkt = lp.fromFields({ MType: 2, DevAddr: H(addr), FCnt: f & 0xffff, FPort: 1, payload }, H(app), H(nwk));
  out.push(Buffer.from(pkt.getPHYPayload()).toString("hex"));
}
console.log(out.join("\n"));
"""


def frames(addr, first, count):
    """Uplink PHYPayloads (hex) of an ABP device for FCnt first..first+count-1, made by lora-packet in one run."""
    if not (ORACLE_DIR / "node_modules" / "lora-packet").is_dir():
        pytest.skip("lora-packet not installed (run `make deps`)")
    proc = subprocess.run([NODE, "-e", FRAMES_JS, addr, NWK_S_KEY, APP_S_KEY, str(first), str(count)],
                          capture_output=True, text=True, timeout=30, cwd=ORACLE_DIR)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


# -- the user's broker -----------------------------------------------------------------------------------------

class CA:
    """A throwaway CA and a server certificate for `localhost` (DNS name only, so 127.0.0.1 is a wrong name)."""

    def __init__(self, directory):
        self.dir = directory
        self.ca_key, self.ca_cert = directory / "ca.key", directory / "ca.pem"
        self.key, self.cert = directory / "server.key", directory / "server.pem"
        run = lambda *args: subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)
        run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Tether test CA",
            "-keyout", str(self.ca_key), "-out", str(self.ca_cert))
        run("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", str(self.key),
            "-out", str(directory / "server.csr"))
        (directory / "ext").write_text("subjectAltName=DNS:localhost\n")
        run("x509", "-req", "-in", str(directory / "server.csr"), "-CA", str(self.ca_cert), "-CAkey", str(self.ca_key),
            "-CAcreateserial", "-days", "2", "-extfile", str(directory / "ext"), "-out", str(self.cert))


class UserBroker:
    """Mosquitto as the user's broker: a TCP listener, optionally TLS, WebSocket and WSS ones; persistent, so a
    subscriber's session and queued messages survive a stop/start on the same ports."""

    def __init__(self, ca=None, websockets=False):
        self.dir = Path(tempfile.mkdtemp(prefix="tether-conn-mosq-"))
        self.port = free_port()
        self.tls_port = free_port() if ca else None
        self.ws_port = free_port() if websockets else None
        self.wss_port = free_port() if (websockets and ca) else None
        conf = ["per_listener_settings false", "allow_anonymous true", "persistence true",
                f"persistence_location {self.dir}/", "autosave_interval 1", "max_queued_messages 100000",
                "max_inflight_messages 0", "log_dest stderr", "log_type all", f"listener {self.port} 127.0.0.1"]
        if os.geteuid() == 0:
            conf.append("user root")
        tls = [f"cafile {ca.ca_cert}", f"certfile {ca.cert}", f"keyfile {ca.key}"] if ca else []
        if self.tls_port:
            conf += [f"listener {self.tls_port} 127.0.0.1", *tls]
        if self.ws_port:
            conf += [f"listener {self.ws_port} 127.0.0.1", "protocol websockets"]
        if self.wss_port:
            conf += [f"listener {self.wss_port} 127.0.0.1", "protocol websockets", *tls]
        (self.dir / "mosquitto.conf").write_text("\n".join(conf) + "\n")
        self.proc = None
        self.start()

    def start(self):
        log = open(self.dir / "mosquitto.log", "ab")
        self.proc = subprocess.Popen([MOSQUITTO_BIN, "-c", str(self.dir / "mosquitto.conf")], stdout=log, stderr=log)
        def accepting():
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return True
            except OSError:
                return False
        wait_for(accepting, 10, "mosquitto to accept connections")

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=10)

    def cleanup(self):
        self.stop(signal.SIGKILL)
        shutil.rmtree(self.dir, ignore_errors=True)


class Subscriber:
    """A persistent QoS 1 subscription to `filter` on the user's broker; reconnects by itself."""

    def __init__(self, port, topic_filter="#"):
        self.messages = []
        self.lock = threading.Lock()
        self.client = mqtt.Client(client_id=f"app-server-{time.monotonic_ns()}", clean_session=False)
        self.client.reconnect_delay_set(0.1, 0.5)
        self.subscribed = threading.Event()
        self.client.on_connect = lambda c, u, f, rc: c.subscribe(topic_filter, 1)
        self.client.on_subscribe = lambda c, u, m, g: self.subscribed.set()
        self.client.on_message = self._on_message
        self.client.connect("127.0.0.1", port, keepalive=5)
        self.client.loop_start()
        assert self.subscribed.wait(10), "the subscriber did not subscribe"

    def _on_message(self, client, userdata, m):
        with self.lock:
            self.messages.append((m.topic, json.loads(m.payload)))

    def received(self, prefix=""):
        with self.lock:
            return [(t, p) for t, p in self.messages if t.startswith(prefix)]

    def close(self):
        self.client.loop_stop()
        self.client.disconnect()


# -- Tether with connectors ------------------------------------------------------------------------------------

def connector_toml(name, uri, topic_up, **extra):
    extra.setdefault("types", "uplink")  # the tests below count uplinks; the Data API default adds more
    lines = ["[[connector]]", 'application = "app1"', f'name = "{name}"', f'uri = "{uri}"', f'topic_up = "{topic_up}"']
    lines += [f'{k} = "{v}"' for k, v in extra.items()]
    return "\n".join(lines) + "\n"


class ConnectorNetwork(LoraNetwork):
    """The shared network (gateways gw1..3, application app1) with two ABP devices, started with a --config file
    of connectors."""

    def __init__(self, connectors, extra_args=()):
        self.config_dir = Path(tempfile.mkdtemp(prefix="tether-conn-cfg-"))
        self.config = self.config_dir / "tether.toml"
        self.config.write_text(connectors)
        super().__init__([abp_device("abp-dev", ABP_ADDR), abp_device("abp-dev-2", ABP_ADDR_2)],
                         ["--config", str(self.config), *extra_args])

    def log_count(self, text):
        return self.server.log_text(limit=10_000_000).count(text)

    def wait_connected(self, name, times=1, timeout=15):
        wait_for(lambda: self.log_count(f"connector app1/{name}: connected") >= times, timeout,
                 f"connector {name} to connect ({times})")

    def send(self, phys, interval=0.0):
        for phy in phys:
            self.uplink("gw1", phy)
            if interval:
                time.sleep(interval)

    def close(self):
        super().close()
        shutil.rmtree(self.config_dir, ignore_errors=True)


def uplinks(received, addr=None):
    """(device_addr, counter_up, history) of the uplink messages, in arrival order."""
    out = [(p["meta"]["device_addr"], p["params"]["counter_up"], p["meta"].get("history", False))
           for _, p in received if p["type"] == "uplink"]
    return [u for u in out if addr is None or u[0] == addr.lower()]


def first_occurrences(items):
    seen, out = set(), []
    for i in items:
        if i not in seen:
            seen.add(i)
            out.append(i)
    return out


def with_user_broker(cleanup, extra_args=(), topic_filter="#", **connector):
    """The prologue the tests share: the user's Mosquitto, a persistent subscriber on it, and Tether with one
    connector `conn1` (mqtt:// to that broker, topic_up lora/{type}/{device_addr}, `connector` settings), connected.
    Everything is closed by `cleanup`."""
    broker = UserBroker()
    cleanup.append(broker)
    sub = Subscriber(broker.port, topic_filter)
    cleanup.append(sub)
    net = ConnectorNetwork(connector_toml("conn1", f"mqtt://127.0.0.1:{broker.port}", "lora/{type}/{device_addr}",
                                          **connector), extra_args=extra_args)
    cleanup.append(net)
    net.wait_connected("conn1")
    return broker, sub, net


@pytest.fixture
def cleanup():
    things = []
    yield things
    for t in reversed(things):
        try:
            (t.close if hasattr(t, "close") else t.cleanup)()
        except Exception:
            pass


# -- tests -----------------------------------------------------------------------------------------------------

def test_tcp_uplinks_arrive_on_the_expanded_topic(cleanup):
    broker, sub, net = with_user_broker(cleanup)
    net.send(frames(ABP_ADDR, 1, 5))
    wait_for(lambda: len(sub.received("lora/")) >= 5, 15, "5 uplinks on the user's broker")
    got = sub.received("lora/")
    assert {t for t, _ in got} == {f"lora/uplink/{ABP_ADDR.lower()}"}
    assert uplinks(got) == [(ABP_ADDR.lower(), f, False) for f in range(1, 6)]
    assert [base64.b64decode(p["params"]["payload"]) for _, p in got] == [bytes([0, f]) for f in range(1, 6)]


def test_tls_and_wss_verify_the_broker(cleanup, tmp_path):
    ca = CA(tmp_path)
    broker = UserBroker(ca=ca, websockets=True)
    cleanup.append(broker)
    sub = Subscriber(broker.port)
    cleanup.append(sub)
    connectors = (connector_toml("tls", f"mqtts://localhost:{broker.tls_port}", "tls/{type}", ca=ca.ca_cert)
                  + connector_toml("wss", f"wss://localhost:{broker.wss_port}", "wss/{type}", ca=ca.ca_cert)
                  + connector_toml("untrusted", f"mqtts://localhost:{broker.tls_port}", "untrusted/{type}")
                  + connector_toml("wrongname", f"mqtts://127.0.0.1:{broker.tls_port}", "wrongname/{type}",
                                   ca=ca.ca_cert))
    net = ConnectorNetwork(connectors)
    cleanup.append(net)
    net.wait_connected("tls")
    net.wait_connected("wss")
    net.send(frames(ABP_ADDR, 1, 3))
    wait_for(lambda: len(sub.received("tls/")) >= 3 and len(sub.received("wss/")) >= 3, 15, "3 uplinks over TLS and WSS")
    assert uplinks(sub.received("tls/")) == [(ABP_ADDR.lower(), f, False) for f in range(1, 4)]
    assert uplinks(sub.received("wss/")) == [(ABP_ADDR.lower(), f, False) for f in range(1, 4)]
    time.sleep(1)
    assert sub.received("untrusted/") == [] and sub.received("wrongname/") == []
    assert net.log_count("connector app1/untrusted: connected") == 0
    assert net.log_count("connector app1/wrongname: connected") == 0
    log = net.server.log_text(limit=10_000_000)
    assert "connector app1/untrusted: connect to localhost" in log and "certificate verify failed" in log
    assert "connector app1/wrongname: connect to 127.0.0.1" in log


def test_websocket(cleanup):
    broker = UserBroker(websockets=True)
    cleanup.append(broker)
    sub = Subscriber(broker.port)
    cleanup.append(sub)
    net = ConnectorNetwork(connector_toml("web", f"ws://127.0.0.1:{broker.ws_port}", "ws/{type}/{device_addr}"))
    cleanup.append(net)
    net.wait_connected("web")
    net.send(frames(ABP_ADDR, 1, 4))
    wait_for(lambda: len(sub.received("ws/")) >= 4, 15, "4 uplinks over WebSocket")
    assert uplinks(sub.received("ws/")) == [(ABP_ADDR.lower(), f, False) for f in range(1, 5)]


def test_broker_down_20s_every_uplink_arrives_after_in_order(cleanup):
    broker, sub, net = with_user_broker(cleanup, extra_args=["--connector-backoff-max", "2s"])
    a, b = frames(ABP_ADDR, 1, 40), frames(ABP_ADDR_2, 1, 40)
    net.send([f for pair in zip(a[:10], b[:10]) for f in pair], interval=0.02)
    wait_for(lambda: len(uplinks(sub.received())) >= 20, 15, "the first 20 uplinks")

    broker.stop()  # SIGTERM: Mosquitto saves the subscriber's session; Tether's link breaks
    down_at = time.monotonic()
    net.send([f for pair in zip(a[10:30], b[10:30]) for f in pair], interval=0.45)  # 40 uplinks over ~18 s
    time.sleep(max(0.0, 20 - (time.monotonic() - down_at)))
    broker.start()
    net.wait_connected("conn1", times=2, timeout=10)
    net.send([f for pair in zip(a[30:], b[30:]) for f in pair], interval=0.02)
    wait_for(lambda: len(set(uplinks(sub.received()))) >= 80, 30, "all 80 uplinks")

    for addr in (ABP_ADDR, ABP_ADDR_2):
        got = first_occurrences([(d, f) for d, f, _ in uplinks(sub.received(), addr)])
        assert [f for _, f in got] == list(range(1, 41)), f"{addr}: every uplink, in order"
        history = {f: h for _, f, h in uplinks(sub.received(), addr)}
        assert all(history[f] for f in range(11, 31)), "the ones produced during the outage are marked history"
        assert not any(history[f] for f in range(31, 41)), "live ones after the reconnect are not"


def test_kill_9_of_tether_replays_from_the_stored_cursor(cleanup):
    broker, sub, net = with_user_broker(cleanup, extra_args=["--connector-backoff-max", "1s"])
    phys = frames(ABP_ADDR, 1, 60)
    net.send(phys[:20], interval=0.01)
    wait_for(lambda: len(uplinks(sub.received())) >= 20, 15, "the first 20 uplinks")

    broker.stop()  # nothing can be delivered now: 21..40 stay in Tether's event stream only
    net.send(phys[20:40], interval=0.01)
    wait_for(lambda: net.log_count("connector app1/conn1: link lost") >= 1, 10, "the link to break")
    time.sleep(1)  # the gateway's uplinks are through the network core and in the durable log
    net.server.kill()
    for c in net.gateways.values():
        c.close()
    net.gateways = {}
    broker.start()
    net.server.start()
    net.wait_connected("conn1", times=2)
    net.send(phys[40:], interval=0.01)
    wait_for(lambda: len(set(uplinks(sub.received()))) >= 60, 30, "all 60 uplinks")

    got = uplinks(sub.received())
    assert [f for _, f in first_occurrences([(d, f) for d, f, _ in got])] == list(range(1, 61))
    history = {f: h for _, f, h in got}
    assert all(history[f] for f in range(21, 41)), "replayed after the restart, marked history"
    assert not any(history[f] for f in range(41, 61))


class FakeBroker:
    """A TCP server speaking just enough MQTT to test the link's timing: each connection is recorded with its
    accept time and the PUBLISH packets it received. `mode`: "refuse" closes at once (no CONNACK), "no_puback"
    answers CONNECT with CONNACK and never acknowledges a PUBLISH."""

    def __init__(self, mode):
        self.mode = mode
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.connections = []  # dicts: accepted, closed, publishes [(time, payload dict)]
        self.lock = threading.Lock()
        self.running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            record = {"accepted": time.monotonic(), "closed": None, "publishes": []}
            with self.lock:
                self.connections.append(record)
            if self.mode == "refuse":
                conn.close()
                record["closed"] = time.monotonic()
                continue
            threading.Thread(target=self._serve, args=(conn, record), daemon=True).start()

    @staticmethod
    def _read_packet(f):
        head = f.read(1)
        if not head:
            return None, None
        length, shift = 0, 0
        while True:
            b = f.read(1)[0]
            length |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                break
        return head[0], f.read(length)

    def _serve(self, conn, record):
        f = conn.makefile("rb")
        try:
            while True:
                first, body = self._read_packet(f)
                if first is None:
                    break
                kind = first >> 4
                if kind == 1:
                    conn.sendall(bytes([0x20, 2, 0, 0]))  # CONNACK accepted
                elif kind == 3:
                    n = (body[0] << 8) | body[1]
                    pos = 2 + n + (2 if (first >> 1) & 3 else 0)
                    with self.lock:
                        record["publishes"].append((time.monotonic(), json.loads(body[pos:])))
                elif kind == 12:
                    conn.sendall(bytes([0xD0, 0]))  # PINGRESP
        except (OSError, IndexError, ValueError):
            pass
        finally:
            record["closed"] = time.monotonic()
            conn.close()

    def snapshot(self):
        with self.lock:
            return [dict(c, publishes=list(c["publishes"])) for c in self.connections]

    def close(self):
        self.running = False
        self.sock.close()


def test_backoff_doubles_from_100ms_and_is_capped(cleanup):
    fake = FakeBroker("refuse")
    cleanup.append(fake)
    net = ConnectorNetwork(connector_toml("conn1", f"mqtt://127.0.0.1:{fake.port}", "lora/{type}"),
                           extra_args=["--connector-backoff-max", "1600ms"])
    cleanup.append(net)
    wait_for(lambda: len(fake.snapshot()) >= 9, 20, "9 connection attempts")
    times = [c["accepted"] for c in fake.snapshot()[:9]]
    intervals = [b - a for a, b in zip(times, times[1:])]
    expected = [0.1, 0.2, 0.4, 0.8, 1.6, 1.6, 1.6, 1.6]
    for got, want in zip(intervals, expected):
        assert want - 0.02 <= got <= want + 0.15, f"intervals {intervals}, expected {expected}"


def test_a_broker_that_never_pubacks_gets_a_reconnect_and_a_resend(cleanup):
    fake = FakeBroker("no_puback")
    cleanup.append(fake)
    net = ConnectorNetwork(connector_toml("conn1", f"mqtt://127.0.0.1:{fake.port}", "lora/{type}"),
                           extra_args=["--connector-backoff-max", "1s"])
    cleanup.append(net)
    net.wait_connected("conn1")
    net.send(frames(ABP_ADDR, 1, 150))
    wait_for(lambda: len(fake.snapshot()) >= 3, 20, "two reconnects")
    conns = fake.snapshot()
    first = conns[0]
    assert len(first["publishes"]) == 100, "the window: 100 publishes, then nothing until a PUBACK"
    assert [p["params"]["counter_up"] for _, p in first["publishes"]] == list(range(1, 101))
    held = first["closed"] - first["publishes"][0][0]
    assert 0.95 <= held <= 1.5, f"the link gave up {held:.2f}s after the first unacknowledged publish"
    wait_for(lambda: fake.snapshot()[1]["closed"] is not None, 5, "the second connection to close")
    second = fake.snapshot()[1]
    assert second["accepted"] - first["closed"] <= 0.3, "the first retry after a CONNACK waits 0.1 s"
    resent = [p for _, p in second["publishes"]]
    assert [p["params"]["counter_up"] for p in resent] == list(range(1, 101)), "re-sent from the first unacked"
    assert all(p["meta"]["history"] for p in resent)
    assert max(len(c["publishes"]) for c in fake.snapshot()) <= 100


def test_config_changes_reach_the_running_server(cleanup):
    broker = UserBroker()
    cleanup.append(broker)
    sub = Subscriber(broker.port)
    cleanup.append(sub)
    uri = f"mqtt://127.0.0.1:{broker.port}"
    net = ConnectorNetwork(connector_toml("conn1", uri, "first/{type}"))
    cleanup.append(net)
    net.wait_connected("conn1")
    phys = frames(ABP_ADDR, 1, 3)
    net.send(phys[:1])
    wait_for(lambda: len(sub.received("first/")) == 1, 10, "the first uplink")

    net.config.write_text("")  # deleted: the link stops
    wait_for(lambda: net.log_count("connector app1/conn1: stopped") >= 1, 10, "the connector to stop")
    net.send(phys[1:2])
    time.sleep(1)
    assert len(sub.received()) == 1

    net.config.write_text(connector_toml("conn1", uri, "second/{type}"))  # back, changed
    net.wait_connected("conn1", times=2)
    net.send(phys[2:])
    wait_for(lambda: len(sub.received("second/")) >= 2, 10, "two uplinks on the new topic")
    # The connector resumes from its cursor: the uplink sent while it was deleted comes first, as history.
    assert uplinks(sub.received("second/")) == [(ABP_ADDR.lower(), 2, True), (ABP_ADDR.lower(), 3, False)]


# -- the Data API downstream: downlink_request -> downlink_response, claims, refusals ------------------------------

DOWN_TOPIC = "app/down"
DATA_API_TYPES = "uplink,downlink_request,downlink,error"


class Responder:
    """The application server's side: a paho client that publishes on Tether's topic_down, and can answer each
    downlink_request the subscriber receives from inside its callback (no polling delay)."""

    def __init__(self, port, sub):
        self.client = mqtt.Client(client_id=f"app-publisher-{time.monotonic_ns()}")
        self.client.reconnect_delay_set(0.1, 0.5)
        self.connected = threading.Event()
        self.client.on_connect = lambda c, u, f, rc: self.connected.set()
        self.client.on_disconnect = lambda c, u, rc: self.connected.clear()
        self.client.connect("127.0.0.1", port, keepalive=5)
        self.client.loop_start()
        assert self.connected.wait(10), "the publisher did not connect"
        self.answer = None  # request message -> downlink_response dict (or None: no answer)
        self.answered = []  # (monotonic time, request) of every answer sent
        previous = sub.client.on_message
        def on_message(client, userdata, m):
            previous(client, userdata, m)
            msg = json.loads(m.payload)
            if msg["type"] == "downlink_request" and self.answer:
                response = self.answer(msg)
                if response is not None:
                    self.answered.append((time.monotonic(), msg))
                    self.publish(response)
        sub.client.on_message = on_message

    def publish(self, message):
        body = message if isinstance(message, (bytes, str)) else json.dumps(message)
        assert self.connected.wait(10), "the publisher is not connected to the user's broker"
        self.client.publish(DOWN_TOPIC, body, qos=1).wait_for_publish(5)

    def close(self):
        self.client.loop_stop()
        self.client.disconnect()


def response_to(request, payload=b"\x01\x02\x03", port=9, **params):
    return {"type": "downlink_response", "meta": request["meta"],
            "params": {"port": port, "payload": base64.b64encode(payload).decode(), **params}}


def of_type(received, kind):
    return [p for _, p in received if p["type"] == kind]


def data_api_network(cleanup, extra_args=()):
    # The subscriber does not take topic_down: what the tests publish there may not be JSON.
    broker, sub, net = with_user_broker(cleanup, extra_args, "lora/#", topic_down=DOWN_TOPIC, types=DATA_API_TYPES)
    responder = Responder(broker.port, sub)
    cleanup.append(responder)
    return broker, sub, responder, net


def decoded_downlink(net, gw_client, what):
    down = pb.GatewayDown.FromString(gw_client.get(what=what).payload).downlink_message
    frame = json.loads(device("downlink", down.raw_payload.hex(), NWK_S_KEY, APP_S_KEY))
    return down, frame


def error_for(sub, packet_hash):
    return [e for e in of_type(sub.received(), "error") if e["meta"].get("packet_hash") == packet_hash]


def test_downlink_response_in_time_goes_in_the_uplinks_window(cleanup):
    broker, sub, responder, net = data_api_network(cleanup)
    responder.answer = lambda request: response_to(request, b"\xca\xfe\x01", port=9)
    gw = net.gateway("gw1")
    [phy] = frames(ABP_ADDR, 7, 1)
    net.uplink("gw1", phy, timestamp=5_000_000)
    down, frame = decoded_downlink(net, gw, "the downlink that answers the uplink")
    [(answered_at, request)] = responder.answered
    # The request: the uplink's packet, the counter and size of RX1, its time.
    [up] = of_type(sub.received(), "uplink")
    assert request["meta"]["packet_hash"] == up["meta"]["packet_hash"]
    assert request["meta"]["device_addr"] == ABP_ADDR.lower()
    params = request["params"]
    assert params["counter_down"] == 0
    assert params["max_size"] == 242  # EU868 RX1 at the uplink's DR5 (SF7BW125): N = 242
    assert 0 < params["tx_time"] - up["params"]["rx_time"] <= 1.5
    # The downlink: in this uplink's RX1 (or RX2 if the answer came after RX1's margin), decrypted by lora-packet.
    assert down.scheduled.timestamp in (5_000_000 + 1_000_000, 5_000_000 + 2_000_000)
    assert frame["mic_ok"] and frame["dev_addr"] == ABP_ADDR
    assert frame["f_port"] == 9 and bytes.fromhex(frame["payload"]) == b"\xca\xfe\x01"
    assert frame["f_cnt"] == params["counter_down"]
    assert not error_for(sub, request["meta"]["packet_hash"])
    # Its TxAck: the Data API's downlink report names the packet.
    ack = pb.TxAcknowledgment()
    ack.correlation_ids.extend(down.correlation_ids)
    gw.publish("v3/gw1/down/ack", ack.SerializeToString(), qos=1)
    wait_for(lambda: of_type(sub.received(), "downlink"), 10, "the downlink report")
    [report] = of_type(sub.received(), "downlink")
    assert report["meta"]["packet_hash"] == request["meta"]["packet_hash"]
    assert report["params"]["counter_down"] == 0 and report["params"]["port"] == 9
    assert base64.b64decode(report["params"]["payload"]) == b"\xca\xfe\x01"


def test_a_late_downlink_response_is_refused_with_an_error(cleanup):
    broker, sub, responder, net = data_api_network(cleanup)
    gw = net.gateway("gw1")
    [phy] = frames(ABP_ADDR, 3, 1)
    net.uplink("gw1", phy)
    wait_for(lambda: of_type(sub.received(), "downlink_request"), 10, "the downlink_request")
    [request] = of_type(sub.received(), "downlink_request")
    time.sleep(2.5)  # RX2 opened 2 s after the uplink
    responder.publish(response_to(request))
    packet = request["meta"]["packet_hash"]
    wait_for(lambda: error_for(sub, packet), 10, "the error naming the packet")
    [error] = error_for(sub, packet)
    assert packet in error["params"]["message"] and "too late" in error["params"]["message"]
    assert error["params"]["code"] == "downlink_too_late"
    gw.expect_no_message(1.0)
    assert net.log_count("came too late") >= 1


def test_a_response_to_a_replayed_request_is_refused(cleanup):
    broker, sub, responder, net = data_api_network(cleanup, extra_args=["--connector-backoff-max", "1s"])
    gw = net.gateway("gw1")
    broker.stop()
    wait_for(lambda: net.log_count("connector app1/conn1: link lost") >= 1, 10, "the link to break")
    [phy] = frames(ABP_ADDR, 4, 1)
    net.uplink("gw1", phy)  # its downlink_request waits in the event stream
    time.sleep(2.5)
    broker.start()
    net.wait_connected("conn1", times=2)
    wait_for(lambda: of_type(sub.received(), "downlink_request"), 15, "the replayed downlink_request")
    [request] = of_type(sub.received(), "downlink_request")
    assert request["meta"]["history"] is True
    responder.publish(response_to(request))
    packet = request["meta"]["packet_hash"]
    wait_for(lambda: error_for(sub, packet), 10, "the error naming the packet")
    [error] = error_for(sub, packet)
    assert packet in error["params"]["message"] and "replayed" in error["params"]["message"]
    gw.expect_no_message(1.0)


def test_invalid_messages_on_topic_down_are_answered_with_an_error(cleanup):
    http_port = free_port()
    broker, sub, responder, net = data_api_network(cleanup, ["--http-listen", f"127.0.0.1:{http_port}"])
    responder.publish(b"this is not JSON")
    responder.publish({"type": "downlink_response", "meta": {"device": "0011223344556677"}, "params": {}})
    responder.publish({"type": "no_such_type", "meta": {}})
    wait_for(lambda: len(of_type(sub.received(), "error")) >= 3, 10, "three errors")
    errors = of_type(sub.received(), "error")
    assert len(errors) == 3
    messages = [e["params"]["message"] for e in errors]
    assert all(m.startswith(f"message on {DOWN_TOPIC} discarded: ") for m in messages), messages
    assert "packet_hash" in messages[1]
    assert "no_such_type" in messages[2]
    assert not any(e["meta"].get("history") for e in errors)
    # Logged at warning level, rate-limited (the next two fall in the first one's second).
    assert net.log_count(f"connector app1/conn1: message on {DOWN_TOPIC} discarded: not JSON") == 1
    # Nothing reached the network core: no device got a downlink.
    net.gateway("gw1").expect_no_message(0.5)
    # /metrics counts all three, and the one connector and its connection.
    net.http_port = http_port
    assert metric(net, "tether_connector_downstream_total", outcome="refused_invalid") == 3
    assert metric(net, "tether_connector_downstream_total", outcome="received") == 3
    assert metric(net, "tether_connector_links") == 1
    assert metric(net, "tether_connector_connections_total", outcome="connected") >= 1
    assert metric(net, "tether_connector_messages_total", outcome="published") >= 3  # the three errors


def test_a_downlink_claim_for_a_class_c_device_is_queued_and_sent(cleanup):
    broker, sub, responder, net = data_api_network(cleanup)
    eui, addr = "0004A30B00C0FFEE", "260B9999"
    net.cli("device", "create", "app1", "class-c", "--class", "C", "--dev-eui", eui, "--dev-addr", addr,
            "--nwk-s-key", NWK_S_KEY, "--app-s-key", APP_S_KEY)
    time.sleep(0.6)  # the registry is polled every 200 ms
    gw = net.gateway("gw1")
    [phy] = frames(addr, 1, 1)
    net.uplink("gw1", phy)  # the network learns which gateway hears the device
    wait_for(lambda: of_type(sub.received(), "uplink"), 10, "the Class C device's uplink")
    time.sleep(2.5)  # its Class A windows are over
    responder.publish({"type": "downlink_claim", "meta": {"device": eui.lower()}})
    def claim_request():  # a downlink_request of no uplink
        uplinks_seen = {u["meta"]["packet_hash"] for u in of_type(sub.received(), "uplink")}
        return [r for r in of_type(sub.received(), "downlink_request") if r["meta"]["packet_hash"] not in uplinks_seen]
    wait_for(claim_request, 10, "the claim's downlink_request")
    [request] = claim_request()
    assert request["meta"]["device"] == eui.lower()
    responder.publish(response_to(request, b"claimed", port=12))
    down = pb.GatewayDown.FromString(gw.get(what="the Class C downlink").payload).downlink_message
    frame = json.loads(device("downlink", down.raw_payload.hex(), NWK_S_KEY, APP_S_KEY))
    assert frame["mic_ok"] and frame["dev_addr"] == addr
    assert frame["f_port"] == 12 and bytes.fromhex(frame["payload"]) == b"claimed"
    assert down.scheduled.frequency == 869525000  # Class C: RX2's frequency
    assert not error_for(sub, request["meta"]["packet_hash"])
