"""The IoT platform API (Watson IoT style, spec A1/A2/A4/A5) with paho clients as device, gateway and application.

Devices, gateways and keys are created with `tether iot ...`; the tests are skipped while this build has no
`tether iot` command (the registry lands separately). RC values of notify messages are those README lists.
"""
import json
import re
import subprocess
import threading
import time
from datetime import datetime

import paho.mqtt.client as mqtt
import pytest

from server_control import TETHER_BIN, free_port

ORG = "abc123"
ISO8601 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
MON_FIELDS = {"Action", "Time", "ClientAddr", "ClientID", "Port", "Secure", "Protocol", "ReadBytes", "ReadMsg",
              "WriteBytes", "WriteMsg"}


def _has_iot_cli():
    """Whether `tether --help` lists the `iot` command (the registry may land after the realm)."""
    try:
        out = subprocess.run([TETHER_BIN, "--help"], capture_output=True, text=True, timeout=10)
    except OSError:
        return False
    return re.search(r"^\s+iot\s", out.stdout, re.M) is not None


pytestmark = [pytest.mark.tether_only,
              pytest.mark.skipif(not _has_iot_cli(), reason="this build has no `tether iot` command yet")]


def strict_time(text):
    assert ISO8601.match(text), text
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ")


class Iot:
    def __init__(self, server, port):
        self.server = server
        self.port = port

    def cli(self, *args, json_out=False):
        cmd = [TETHER_BIN, "iot", *args, "--data-dir", str(self.server.data_dir)] + (["--json"] if json_out else [])
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
        assert out.returncode == 0, f"{cmd}: {out.stderr}"
        return json.loads(out.stdout) if json_out else out.stdout


@pytest.fixture
def iot(make_broker):
    port = free_port()
    server = make_broker(extra_args=["--iot-listen", f"127.0.0.1:{port}", "--iot-registration-mute", "30"])
    env = Iot(server, port)
    env.cli("org", "create", ORG)
    env.cli("type", "create", ORG, "sensor", "--class", "device")
    env.cli("type", "create", ORG, "gwt", "--class", "gateway")
    for dev in ("d1", "d2", "d3"):
        env.cli("device", "create", ORG, "sensor", dev, "--token", f"token-{dev}")
    env.cli("gateway", "create", ORG, "gwt", "g1", "--token", "token-g1", "--role", "privileged")
    env.cli("gateway", "create", ORG, "gwt", "g2", "--token", "token-g2", "--role", "standard")
    key = env.cli("apikey", "create", ORG, json_out=True)
    env.key, env.key_token = key["key"], key["token"]
    time.sleep(1.2)  # the running server picks registry changes up within a second
    return env


class Client:
    def __init__(self, env, client_id, username, password, clean=True):
        self.c = mqtt.Client(client_id=client_id, clean_session=clean, protocol=mqtt.MQTTv311)
        self.c.username_pw_set(username, password)
        self.env = env
        self.msgs = []
        self.lock = threading.Condition()
        self.rc = None
        self.gone = threading.Event()
        self.subacks = {}
        self.c.on_connect = self._on_connect
        self.c.on_message = self._on_message
        self.c.on_disconnect = lambda c, u, rc: self.gone.set()
        self.c.on_subscribe = self._on_subscribe

    def _on_connect(self, c, u, flags, rc):
        with self.lock:
            self.rc = rc
            self.lock.notify_all()

    def _on_message(self, c, u, m):
        with self.lock:
            self.msgs.append(m)
            self.lock.notify_all()

    def _on_subscribe(self, c, u, mid, granted):
        with self.lock:
            self.subacks[mid] = list(granted)
            self.lock.notify_all()

    def connect(self, expect=0):
        self.c.connect("127.0.0.1", self.env.port, keepalive=60)
        self.c.loop_start()
        with self.lock:
            assert self.lock.wait_for(lambda: self.rc is not None, 5), "no CONNACK"
        assert self.rc == expect, f"CONNACK {self.rc}, expected {expect}"
        return self

    def subscribe(self, topic, qos=1):
        _, mid = self.c.subscribe(topic, qos)
        with self.lock:
            assert self.lock.wait_for(lambda: mid in self.subacks or self.gone.is_set(), 5), f"no SUBACK for {topic}"
        return self.subacks.get(mid, [None])[0]

    def publish(self, topic, payload, qos=0, retain=False):
        info = self.c.publish(topic, payload, qos, retain)
        if qos:
            info.wait_for_publish(5)

    def wait(self, pred, timeout=5):
        with self.lock:
            return self.lock.wait_for(lambda: pred(self.msgs), timeout)

    def on(self, topic):
        with self.lock:
            return [m for m in self.msgs if m.topic == topic]

    def close(self):
        self.c.disconnect()
        self.c.loop_stop()


def device(env, dev, clean=True, token=None):
    return Client(env, f"d:{ORG}:sensor:{dev}", "use-token-auth", token or f"token-{dev}", clean)


def gateway(env, gw="g1"):
    return Client(env, f"g:{ORG}:gwt:{gw}", "use-token-auth", f"token-{gw}")


def app(env, client_id=None):
    return Client(env, client_id or f"a:{ORG}:app1", env.key, env.key_token)


def last_mon(client, topic, action):
    msgs = [json.loads(m.payload) for m in client.on(topic) if m.payload]
    msgs = [m for m in msgs if m["Action"] == action]
    return msgs[-1] if msgs else None


def test_connack_codes(iot):
    Client(iot, f"x:{ORG}:sensor:d1", "use-token-auth", "token-d1").connect(expect=2)
    Client(iot, f"d:{ORG}:sensor:" + "x" * 37, "use-token-auth", "t").connect(expect=2)
    device(iot, "d1", token="wrong-token").connect(expect=4)
    Client(iot, f"a:{ORG}:app1", iot.key, "wrong").connect(expect=4)


def test_device_acl_both_ways(iot):
    a = app(iot).connect()
    assert a.subscribe("iot-2/type/+/id/+/evt/+/fmt/+") == 1
    d = device(iot, "d1").connect()
    assert d.subscribe("iot-2/cmd/+/fmt/+") == 1
    assert d.subscribe("iotdm-1/mgmt/custom/#") == 1  # A5: the SDK's managed devices need it
    d.publish("iot-2/evt/temp/fmt/json", '{"t": 1}')
    assert a.wait(lambda ms: any(m.topic == "iot-2/type/sensor/id/d1/evt/temp/fmt/json" for m in ms))
    a.publish("iot-2/type/sensor/id/d1/cmd/reboot/fmt/json", "{}", qos=1)
    assert d.wait(lambda ms: any(m.topic == "iot-2/cmd/reboot/fmt/json" for m in ms))
    # Another device's events: refused, and the device is closed.
    d2 = device(iot, "d2").connect()
    d2.subscribe("iot-2/type/+/id/+/evt/+/fmt/+")
    assert d2.gone.wait(5)
    d3 = device(iot, "d3").connect()
    d3.publish("iot-2/type/sensor/id/d1/evt/x/fmt/json", "spoof")
    assert d3.gone.wait(5)


def test_application_acl_and_hash_refused(iot):
    a = app(iot).connect()
    for ok in ("iot-2/type/+/id/+/evt/+/fmt/+", "iot-2/type/+/id/+/cmd/+/fmt/+", "iot-2/type/+/id/+/mon",
               "iot-2/app/+/mon"):
        assert a.subscribe(ok, 0) == 0, ok
    a.subscribe("iot-2/type/+/id/+/evt/#")
    assert a.gone.wait(5)
    b = app(iot, f"a:{ORG}:app2").connect()
    b.publish("iot-2/type/sensor/id/d1/mon", "{}")  # a platform topic applications may not publish
    assert b.gone.wait(5)


def test_gateway_acl_and_notify_on_each_refusal_kind(iot):
    a = app(iot).connect()
    a.subscribe("iot-2/type/+/id/+/evt/+/fmt/+")
    g = gateway(iot).connect()
    notify = f"iot-2/type/gwt/id/g1/notify"
    assert g.subscribe(notify, 0) == 0
    assert g.subscribe("iot-2/type/sensor/id/+/cmd/+/fmt/json") == 1
    assert g.subscribe("iot-2/type/+/id/+/evt/+/fmt/+") == 0x80                  # 403: events
    g.publish("iot-2/type/sensor/id/d1/cmd/c/fmt/json", "{}")                    # 403: commands
    g.publish("not/a/platform/topic", "{}")                                     # 400
    assert g.subscribe("iot-2/type/gwt/id/g2/notify") == 0x80                    # 403: another's notify
    assert g.wait(lambda ms: len([m for m in ms if m.topic == notify]) >= 4)
    notes = [json.loads(m.payload) for m in g.on(notify)]
    for n in notes:
        assert set(n) >= {"Request", "Time", "Topic", "Client", "RC", "Message"}
        strict_time(n["Time"])
        assert n["Client"] == f"g:{ORG}:gwt:g1"
    assert [n["RC"] for n in notes] == [403, 403, 400, 403]
    assert notes[0]["Request"] == "subscribe" and notes[1]["Request"] == "publish"
    assert notes[1]["Type"] == "sensor" and notes[1]["Id"] == "d1"
    # The gateway itself, and a standard gateway naming an unknown device (404).
    g.publish("iot-2/type/gwt/id/g1/evt/status/fmt/json", "{}")
    assert a.wait(lambda ms: any(m.topic == "iot-2/type/gwt/id/g1/evt/status/fmt/json" for m in ms))
    s = gateway(iot, "g2").connect()
    s.subscribe("iot-2/type/gwt/id/g2/notify", 0)
    s.publish("iot-2/type/sensor/id/nobody/evt/e/fmt/json", "{}")
    assert s.wait(lambda ms: any(json.loads(m.payload)["RC"] == 404 for m in ms))
    # A registration that fails (a gateway type is no device type): 422, and the device is muted.
    g.publish("iot-2/type/gwt/id/fake/evt/e/fmt/json", "{}")
    assert g.wait(lambda ms: any(json.loads(m.payload)["RC"] == 422 for m in ms if m.topic == notify))
    assert not g.gone.is_set() and not s.gone.is_set()


def test_200_devices_auto_registered_through_one_gateway(iot):
    a = app(iot).connect()
    a.subscribe("iot-2/type/+/id/+/evt/+/fmt/+")
    g = gateway(iot).connect()
    for i in range(200):
        g.publish(f"iot-2/type/sensor/id/auto-{i}/evt/hello/fmt/json", json.dumps({"n": i}), qos=1)
    assert a.wait(lambda ms: len({m.topic for m in ms if "/auto-" in m.topic}) == 200, timeout=20)
    listed = iot.cli("device", "list", ORG, json_out=True)
    ids = {d.get("id") or d.get("device_id") for d in (listed if isinstance(listed, list) else listed["devices"])}
    assert all(f"auto-{i}" in ids for i in range(200))
    shown = iot.cli("device", "show", ORG, "sensor", "auto-7")
    assert "auto" in shown.lower()


def test_oversized_payload_closes_with_287(iot):
    a = app(iot).connect()
    a.subscribe("iot-2/type/+/id/+/mon", 0)
    d = device(iot, "d1").connect()
    d.publish("iot-2/evt/big/fmt/bin", b"x" * 131_073)
    assert d.gone.wait(5)
    assert a.wait(lambda ms: last_mon(a, "iot-2/type/sensor/id/d1/mon", "Disconnect") is not None)
    assert last_mon(a, "iot-2/type/sensor/id/d1/mon", "Disconnect")["CloseCode"] == 287


def test_retained_publish_is_delivered_unretained_and_not_stored(iot):
    a = app(iot).connect()
    a.subscribe("iot-2/type/+/id/+/evt/+/fmt/+")
    d = device(iot, "d1").connect()
    d.publish("iot-2/evt/keep/fmt/txt", "v", qos=1, retain=True)
    assert a.wait(lambda ms: any(m.topic.endswith("/evt/keep/fmt/txt") for m in ms))
    assert not a.on("iot-2/type/sensor/id/d1/evt/keep/fmt/txt")[0].retain
    late = app(iot, f"a:{ORG}:late").connect()
    late.subscribe("iot-2/type/+/id/+/evt/+/fmt/+")
    time.sleep(0.5)
    assert not late.msgs
    assert not d.gone.is_set()


def test_mon_fields_and_takeover_288(iot):
    a = app(iot).connect()
    a.subscribe("iot-2/type/+/id/+/mon", 0)
    mon = "iot-2/type/sensor/id/d1/mon"
    first = device(iot, "d1").connect()
    assert a.wait(lambda ms: last_mon(a, mon, "Connect") is not None)
    connect = last_mon(a, mon, "Connect")
    assert set(connect) >= MON_FIELDS | {"User"}
    strict_time(connect["Time"])
    assert connect["ClientID"] == f"d:{ORG}:sensor:d1" and connect["Port"] == iot.port
    assert connect["Protocol"] == "mqtt4" and connect["Secure"] is False and connect["ClientAddr"] == "127.0.0.1"
    second = device(iot, "d1").connect()
    assert first.gone.wait(5)
    assert a.wait(lambda ms: last_mon(a, mon, "Disconnect") is not None)
    gone = last_mon(a, mon, "Disconnect")
    assert gone["CloseCode"] == 288
    assert set(gone) >= MON_FIELDS | {"ConnectTime", "Reason"}
    strict_time(gone["ConnectTime"])
    second.close()
    assert a.wait(lambda ms: len([m for m in ms if m.topic == mon and json.loads(m.payload)["Action"] == "Disconnect"]) == 2)
    # A late subscriber sees the retained Disconnect of the device.
    late = app(iot, f"a:{ORG}:late").connect()
    late.subscribe("iot-2/type/sensor/id/d1/mon", 0)
    assert late.wait(lambda ms: any(m.retain and json.loads(m.payload)["Action"] == "Disconnect" for m in ms))


def test_shared_applications_balance_across_two_instances(iot):
    for shared in (f"A:{ORG}:scaled", f"A:{ORG}:scaled2:inst"):
        ids = [shared, shared] if shared.count(":") == 2 else [shared + "1", shared + "2"]
        apps = [app(iot, i).connect() for i in ids]
        for x in apps:
            x.subscribe("iot-2/type/+/id/+/evt/+/fmt/+", 0)
        d = device(iot, "d1").connect()
        for i in range(40):
            d.publish("iot-2/evt/e/fmt/json", str(i))
        assert apps[0].wait(lambda _: sum(len(x.msgs) for x in apps) == 40, timeout=10)
        assert all(x.msgs for x in apps), [len(x.msgs) for x in apps]
        assert not any(x.gone.is_set() for x in apps)
        d.close()
        for x in apps:
            x.close()


def test_persistent_device_gets_a_command_queued_across_a_restart(iot):
    d = device(iot, "d1", clean=False).connect()
    assert d.subscribe("iot-2/cmd/+/fmt/+", 1) == 1
    d.close()
    a = app(iot).connect()
    a.publish("iot-2/type/sensor/id/d1/cmd/wake/fmt/json", '{"n": 1}', qos=1)
    a.close()
    iot.server.restart()
    back = device(iot, "d1", clean=False).connect()
    assert back.wait(lambda ms: any(m.topic == "iot-2/cmd/wake/fmt/json" for m in ms), timeout=10)


def test_a_deleted_device_is_disconnected(iot):
    d = device(iot, "d2").connect()
    iot.cli("device", "delete", ORG, "sensor", "d2")
    assert d.gone.wait(5)
