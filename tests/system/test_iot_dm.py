"""Device management (spec A3) with paho clients acting as managed devices and gateways the way IBM's
Python SDK does (A5): one SUBSCRIBE per topic at QoS 1, a manage with its own reqId on every SUBACK,
responses matched by reqId and integer rc, and the device side of every server request. Actions are
started with `tether iot action ...` and followed with `tether iot action show REQID --json`."""
import itertools
import json
import subprocess
import threading
import time

import paho.mqtt.client as mqtt
import pytest

from server_control import TETHER_BIN, free_port

ORG = "dmorg1"
GW_GROUP = f"gw_def_res_grp:{ORG}:gwt:g1"
DEVICE_TOPICS = ["iot-2/cmd/+/fmt/+", "iotdm-1/response", "iotdm-1/observe", "iotdm-1/device/update",
                 "iotdm-1/cancel", "iotdm-1/mgmt/custom/#", "iotdm-1/mgmt/initiate/device/reboot",
                 "iotdm-1/mgmt/initiate/device/factory_reset", "iotdm-1/mgmt/initiate/firmware/download",
                 "iotdm-1/mgmt/initiate/firmware/update"]

pytestmark = [pytest.mark.tether_only]


class Env:
    def __init__(self, server, port):
        self.server = server
        self.port = port

    def run(self, *args, json_out=False, expect=0):
        cmd = [TETHER_BIN, "iot", *args, "--data-dir", str(self.server.data_dir)] + (["--json"] if json_out else [])
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
        assert out.returncode == expect, f"{cmd}: rc {out.returncode}: {out.stderr}"
        return json.loads(out.stdout) if json_out and expect == 0 else out

    def show(self, kind, type_, dev):
        return self.run(kind, "show", ORG, type_, dev, json_out=True)

    def action(self, type_, dev, *args):
        return self.run("action", ORG, type_, dev, *args, json_out=True)["req_id"]

    def wait_request(self, req_id, states=("succeeded", "failed", "timed_out", "cancelled"), timeout=15):
        deadline = time.time() + timeout
        while True:
            r = self.run("action", "show", req_id, json_out=True)
            if r["state"] in states or time.time() > deadline:
                return r
            time.sleep(0.2)


@pytest.fixture
def env(make_broker):
    port = free_port()
    server = make_broker(extra_args=["--iot-listen", f"127.0.0.1:{port}", "--iot-dm-min-lifetime", "2"])
    e = Env(server, port)
    e.run("org", "create", ORG)
    e.run("type", "create", ORG, "sensor", "--class", "device")
    e.run("type", "create", ORG, "gwt", "--class", "gateway")
    e.run("gateway", "create", ORG, "gwt", "g1", "--token", "token-g1")
    for dev in ("d1", "d2"):
        e.run("device", "create", ORG, "sensor", dev, "--token", f"token-{dev}")
    e.run("device", "create", ORG, "sensor", "behind", "--token", "token-behind", "--group", GW_GROUP)
    time.sleep(1.2)
    return e


class Managed:
    """A managed device (`d:`) or gateway (`g:`) as IBM's SDK runs one. `prefix` is "" for a device and
    "type/T/id/D/" for a gateway speaking for T/D."""
    counter = itertools.count()

    def __init__(self, env, client_id, token, clean=True, supports=None, lifetime=0):
        self.env = env
        self.client_id = client_id
        self.clean = clean
        self.supports = supports if supports is not None else {"deviceActions": True, "firmwareActions": True}
        self.lifetime = lifetime
        self.token = token
        self.lock = threading.Condition()
        self.responses = {}  # reqId -> response
        self.requests = []  # (topic, payload) of server requests
        self.manages = []
        self.firmware = {"version": "1.0", "name": "", "uri": "", "verifier": "", "state": 0, "updateStatus": 0,
                         "updatedDateTime": ""}
        self.auto_manage = True
        self.c = None

    def _new_client(self):
        c = mqtt.Client(client_id=self.client_id, clean_session=self.clean, protocol=mqtt.MQTTv311)
        c.username_pw_set("use-token-auth", self.token)
        c.on_message = self._on_message
        c.on_subscribe = self._on_subscribe
        c.on_connect = self._on_connect
        self.connected = threading.Event()
        return c

    def _on_connect(self, c, u, flags, rc):
        if rc == 0:
            self.connected.set()

    def _on_subscribe(self, c, u, mid, granted):
        if self.auto_manage:
            self.manage(self.own)

    def _on_message(self, c, u, m):
        body = json.loads(m.payload) if m.payload else {}
        with self.lock:
            if m.topic.endswith("/response") or m.topic == "iotdm-1/response":
                self.responses[body.get("reqId")] = body
            else:
                self.requests.append((m.topic, body))
            self.lock.notify_all()
        if not m.topic.endswith("response"):
            threading.Thread(target=self._serve, args=(m.topic, body), daemon=True).start()

    def connect(self, topics, own=""):
        self.own = own
        self.c = self._new_client()
        self.c.connect("127.0.0.1", self.env.port, keepalive=60)
        self.c.loop_start()
        assert self.connected.wait(5), "no CONNACK 0"
        for t in topics:
            self.c.subscribe(t, 1)
        return self

    def close(self):
        self.c.disconnect()
        self.c.loop_stop()

    def wait(self, pred, timeout=10):
        with self.lock:
            return self.lock.wait_for(pred, timeout)

    def request(self, rest, d=None, prefix=None, expect_response=True):
        req_id = f"{self.client_id}-{next(Managed.counter)}"
        body = {"reqId": req_id}
        if d is not None:
            body["d"] = d
        self.c.publish(f"iotdevice-1/{self.own if prefix is None else prefix}{rest}", json.dumps(body), 1)
        if not expect_response:
            return req_id
        assert self.wait(lambda: req_id in self.responses), f"no response to {rest}"
        r = self.responses[req_id]
        assert isinstance(r["rc"], int)
        return r

    def manage(self, prefix, **extra):
        d = {"metadata": {}, "lifetime": self.lifetime, "supports": self.supports, "deviceInfo": {}}
        d.update(extra)
        req_id = self.request("mgmt/manage", d, prefix=prefix, expect_response=False)
        with self.lock:
            self.manages.append(req_id)
        return req_id

    def respond(self, req_id, rc, prefix="", **extra):
        self.c.publish(f"iotdevice-1/{prefix}response", json.dumps({"rc": rc, "reqId": req_id, **extra}), 1)

    def notify_firmware(self, prefix="", **changes):
        self.firmware.update(changes)
        body = {"d": {"fields": [{"field": "mgmt.firmware", "value": dict(self.firmware)}]}, "reqId": "n-" + str(next(Managed.counter))}
        self.c.publish(f"iotdevice-1/{prefix}notify", json.dumps(body), 1)

    def _serve(self, topic, body):
        """The device side of each server request, as A3 and the SDK's handlers answer."""
        rest = topic.split("iotdm-1/", 1)[1]
        prefix = ""
        if rest.startswith("type/"):
            parts = rest.split("/", 4)
            prefix, rest = "/".join(parts[:4]) + "/", parts[4]
        req_id = body.get("reqId")
        if rest == "device/update":
            for f in body["d"]["fields"]:
                if f["field"] == "mgmt.firmware":
                    assert set(f["value"]) == set(self.firmware), f["value"]
                    # What to fetch comes from the server; state and updateStatus stay the device's own.
                    self.firmware.update({k: f["value"][k] for k in ("version", "name", "uri", "verifier")})
            self.respond(req_id, 204, prefix)
        elif rest in ("observe", "cancel"):
            self.respond(req_id, 200, prefix)
        elif rest.startswith("mgmt/initiate/device/"):
            self.respond(req_id, 202, prefix)  # the SDK's application callback answers 202 itself
        elif rest == "mgmt/initiate/firmware/download":
            if self.firmware["state"] != 0:
                self.respond(req_id, 400, prefix, message="not idle")
                return
            self.respond(req_id, 202, prefix)
            time.sleep(0.1)
            self.notify_firmware(prefix, state=1)
            time.sleep(0.1)
            self.notify_firmware(prefix, state=2)
        elif rest == "mgmt/initiate/firmware/update":
            if self.firmware["state"] != 2:
                self.respond(req_id, 400, prefix, message="not downloaded")
                return
            self.respond(req_id, 202, prefix)
            time.sleep(0.1)
            self.notify_firmware(prefix, updateStatus=1)
            time.sleep(0.1)
            self.notify_firmware(prefix, state=0, updateStatus=0)
        elif rest.startswith("mgmt/custom/"):
            self.respond(req_id, 200, prefix)


def device(env, dev="d1", **kw):
    return Managed(env, f"d:{ORG}:sensor:{dev}", f"token-{dev}", **kw)


def gateway(env, **kw):
    return Managed(env, f"g:{ORG}:gwt:g1", "token-g1", **kw)


GW_TOPICS = ["iotdm-1/type/gwt/id/g1/response", "iotdm-1/type/gwt/id/g1/observe", "iot-2/type/gwt/id/g1/cmd/+/fmt/json"]


def test_manage_once_per_suback_and_unmanage(env):
    d = device(env, lifetime=0).connect(DEVICE_TOPICS)
    assert d.wait(lambda: len(d.manages) == 10 and all(r in d.responses for r in d.manages))
    assert all(d.responses[r]["rc"] == 200 for r in d.manages)
    assert len(d.responses) == 10
    m = env.show("device", "sensor", "d1")["management"]
    assert m["managed"] is True and m["supports"]["deviceActions"] is True
    d.auto_manage = False
    assert d.request("mgmt/unmanage")["rc"] == 200
    assert env.show("device", "sensor", "d1")["management"]["managed"] is False
    assert d.request("mgmt/manage", {"deviceInfo": {"model": "m1", "fwVersion": "1.0"}, "metadata": {"k": 1}})["rc"] == 200
    shown = env.run("device", "show", ORG, "sensor", "d1").stdout
    assert "managed (no lifetime)" in shown and '"model":"m1"' in shown
    d.close()


def test_bad_requests_get_400_404_403(env):
    d = device(env).connect(DEVICE_TOPICS[1:2])
    assert d.wait(lambda: len(d.manages) == 1 and d.manages[0] in d.responses)
    assert d.request("mgmt/manage", {"lifetime": 1})["rc"] == 400  # below the minimum (2 s in this test)
    assert d.request("mgmt/manage", {"supports": {"deviceActions": "yes"}})["rc"] == 400
    assert d.request("mgmt/manage", {"supports": {"x" * 256: True}})["rc"] == 403
    assert d.request("device/update/location", {"longitude": 3})["rc"] == 400
    assert d.request("add/diag/errorCodes", {"errorCode": "x"})["rc"] == 400
    assert d.request("notify", {"fields": [{"field": "nope", "value": 1}]})["rc"] == 404
    d.c.publish("iotdevice-1/mgmt/manage", "{not json", 1)
    assert d.wait(lambda: None in d.responses)
    assert d.responses[None]["rc"] == 400 and "reqId" not in d.responses[None]
    d.close()


def test_dormant_when_the_lifetime_lapses(env):
    d = device(env, lifetime=2).connect(DEVICE_TOPICS[1:2])
    assert d.wait(lambda: d.manages and d.manages[0] in d.responses)
    assert d.responses[d.manages[0]]["rc"] == 200
    assert env.show("device", "sensor", "d1")["management"]["managed"] is True
    time.sleep(3.5)
    m = env.show("device", "sensor", "d1")["management"]
    assert m["managed"] is False and m["dormant"] is True
    assert "dormant" in env.run("device", "show", ORG, "sensor", "d1").stdout
    d.manage("")
    time.sleep(0.5)
    m = env.show("device", "sensor", "d1")["management"]
    assert m["managed"] is True and m["dormant"] is False
    d.close()


def test_location_error_codes_and_logs_stored_and_shown(env):
    d = device(env).connect(DEVICE_TOPICS[1:2])
    assert d.wait(lambda: d.manages and d.manages[0] in d.responses)
    assert d.request("device/update/location", {"latitude": 52.5, "longitude": 13.4, "elevation": 34,
                                                "measuredDateTime": "2026-12-08T00:00:00+00:00"})["rc"] == 200
    assert d.request("device/update/location", {"latitude": 52.6, "longitude": 13.5})["rc"] == 200
    loc = env.show("device", "sensor", "d1")["last_location"]
    assert loc["latitude"] == 52.6 and "elevation" not in loc  # a complete set each time
    assert loc["measuredDateTime"].endswith("Z")  # stamped by the server
    for code in (3, 7):
        assert d.request("add/diag/errorCodes", {"errorCode": code})["rc"] == 200
    assert d.request("add/diag/log", {"message": "battery low", "severity": 1,
                                      "timestamp": "2026-12-08T00:00:01+00:00"})["rc"] == 200
    m = env.show("device", "sensor", "d1")["management"]
    assert [e["code"] for e in m["error_codes"]] == [3, 7]
    assert m["logs"][0]["message"] == "battery low" and m["logs"][0]["severity"] == 1
    shown = env.run("device", "show", ORG, "sensor", "d1").stdout
    assert "error_codes:   3, 7" in shown and "warning battery low" in shown
    assert d.request("clear/diag/errorCodes")["rc"] == 200
    assert d.request("clear/diag/log")["rc"] == 200
    m = env.show("device", "sensor", "d1")["management"]
    assert m["error_codes"] == [] and m["logs"] == []
    d.close()


def test_gateway_for_itself_and_a_device_behind_it(env):
    g = gateway(env, supports={"deviceActions": False, "firmwareActions": False}).connect(GW_TOPICS, own="type/gwt/id/g1/")
    assert g.wait(lambda: len(g.manages) == 3 and all(r in g.responses for r in g.manages))
    assert all(g.responses[r]["rc"] == 200 for r in g.manages)
    g.auto_manage = False
    g.c.subscribe("iotdm-1/type/sensor/id/behind/#", 1)
    time.sleep(0.3)
    behind = "type/sensor/id/behind/"
    assert g.request("mgmt/manage", {"lifetime": 0, "supports": {"deviceActions": True}}, prefix=behind)["rc"] == 200
    assert g.request("device/update/location", {"latitude": 1, "longitude": 2}, prefix=behind)["rc"] == 200
    assert g.request("add/diag/errorCodes", {"errorCode": 9}, prefix=behind)["rc"] == 200
    m = env.show("device", "sensor", "behind")["management"]
    assert m["managed"] and m["via"] == f"g:{ORG}:gwt:g1" and m["error_codes"][0]["code"] == 9
    assert env.show("gateway", "gwt", "g1")["management"]["managed"] is True
    # A device the gateway may not act for: refused at the topic (notify), not managed.
    assert g.request("mgmt/manage", {}, prefix="type/sensor/id/d2/", expect_response=False)
    time.sleep(0.5)
    assert "management" not in env.show("device", "sensor", "d2")
    # A reboot of the device behind the gateway.
    req = env.action("sensor", "behind", "reboot")
    assert g.wait(lambda: any(t.endswith("behind/mgmt/initiate/device/reboot") for t, _ in g.requests))
    assert env.wait_request(req, states=("in_progress",))["state"] == "in_progress"
    g.manage(behind)
    r = env.wait_request(req)
    assert r["state"] == "succeeded", r
    g.close()


def test_reboot_factory_reset_and_custom_through_the_cli(env):
    d = device(env, supports={"deviceActions": True, "firmwareActions": False, "blinker-v1": True})
    d.connect(DEVICE_TOPICS)
    assert d.wait(lambda: len(d.manages) == 10 and all(r in d.responses for r in d.manages))
    for action in ("reboot", "factory-reset"):
        req = env.action("sensor", "d1", action)
        assert env.wait_request(req, states=("in_progress",))["rc"] == 202
        d.manage("")  # back after the restart
        r = env.wait_request(req)
        assert r["state"] == "succeeded" and r["action"] == action, r
    req = env.action("sensor", "d1", "custom", "blinker-v1", "blink", "--param", "times=3")
    r = env.wait_request(req)
    assert r["state"] == "succeeded" and r["rc"] == 200, r
    custom = [b for t, b in d.requests if t == "iotdm-1/mgmt/custom/blinker-v1/blink"]
    assert custom and custom[0]["d"] == {"times": "3"}
    req = env.action("sensor", "d1", "custom", "other-v1", "blink")
    r = env.wait_request(req)
    assert r["state"] == "failed" and r["rc"] == 403 and "other-v1" in r["message"], r
    assert not any("other-v1" in t for t, _ in d.requests)
    req = env.action("sensor", "d1", "firmware-download", "--uri", "http://fw/x.bin")
    r = env.wait_request(req)
    assert r["state"] == "failed" and r["rc"] == 501, r  # no firmwareActions declared
    listed = env.run("action", "list", ORG, json_out=True)
    assert len(listed) == 5 and {x["state"] for x in listed} == {"succeeded", "failed"}
    assert "reboot" in env.run("action", "list", ORG).stdout
    env.run("action", "show", "nosuchrequest", expect=1)
    env.run("action", ORG, "sensor", "d1", "explode", expect=2)
    d.close()


def test_firmware_download_and_update_with_state_notifies(env):
    d = device(env).connect(DEVICE_TOPICS)
    assert d.wait(lambda: len(d.manages) == 10 and all(r in d.responses for r in d.manages))
    req = env.action("sensor", "d1", "firmware-download", "--uri", "http://fw/2.0.bin", "--version", "2.0",
                     "--name", "fw", "--verifier", "abc")
    r = env.wait_request(req)
    assert r["state"] == "succeeded", r
    order = [t.split("iotdm-1/")[1] for t, _ in d.requests]
    assert order[:4] == ["device/update", "observe", "mgmt/initiate/firmware/download", "cancel"], order
    fw = env.show("device", "sensor", "d1")["management"]["firmware"]
    assert fw["state"] == 2 and fw["uri"] == "http://fw/2.0.bin" and fw["version"] == "2.0"
    # Downloaded already: a new download is refused for the state.
    req = env.action("sensor", "d1", "firmware-download", "--uri", "http://fw/3.0.bin")
    r = env.wait_request(req)
    assert r["state"] == "failed" and r["rc"] == 400, r
    req = env.action("sensor", "d1", "firmware-update")
    r = env.wait_request(req)
    assert r["state"] == "succeeded", r
    fw = env.show("device", "sensor", "d1")["management"]["firmware"]
    assert fw["state"] == 0 and fw["updateStatus"] == 0
    # Idle again: an update is refused for the state.
    req = env.action("sensor", "d1", "firmware-update")
    r = env.wait_request(req)
    assert r["state"] == "failed" and r["rc"] == 400, r
    d.close()


def test_firmware_download_refused_by_the_device_in_the_wrong_state(env):
    d = device(env).connect(DEVICE_TOPICS)
    assert d.wait(lambda: len(d.manages) == 10 and all(r in d.responses for r in d.manages))
    d.firmware["state"] = 1  # busy downloading, without having said so
    req = env.action("sensor", "d1", "firmware-download", "--uri", "http://fw/x.bin")
    r = env.wait_request(req)
    assert r["state"] == "failed" and r["rc"] == 400 and "not idle" in r["message"], r
    d.close()


def test_reboot_queued_for_an_offline_gateway_across_a_restart(env):
    g = gateway(env, clean=False, supports={"deviceActions": True}).connect(
        GW_TOPICS + ["iotdm-1/type/gwt/id/g1/mgmt/initiate/#"], own="type/gwt/id/g1/")
    assert g.wait(lambda: len(g.manages) == 4 and all(r in g.responses for r in g.manages))
    g.close()
    time.sleep(0.3)
    req = env.action("gwt", "g1", "reboot", "--timeout", "60")
    assert env.wait_request(req, states=("sent",))["state"] == "sent"
    env.server.restart()
    assert env.run("action", "show", req, json_out=True)["state"] == "sent"
    back = gateway(env, clean=False, supports={"deviceActions": True})
    back.auto_manage = False
    back.connect([], own="type/gwt/id/g1/")
    assert back.wait(lambda: any(t.endswith("mgmt/initiate/device/reboot") for t, _ in back.requests), timeout=10)
    assert env.wait_request(req, states=("in_progress",))["state"] == "in_progress"
    back.manage(back.own)
    r = env.wait_request(req)
    assert r["state"] == "succeeded", r
    back.close()


def test_a_device_that_never_returns_times_out(env):
    d = device(env, dev="d2").connect(DEVICE_TOPICS[1:2])
    assert d.wait(lambda: d.manages and d.manages[0] in d.responses)
    d.close()
    req = env.action("sensor", "d2", "reboot", "--timeout", "2")
    r = env.wait_request(req, timeout=10)
    assert r["state"] == "timed_out", r
