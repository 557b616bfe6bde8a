"""Conformance suite that every MQTT gateway frontend runs (The Things Stack v3 now; TTN v2 and others later).

A frontend's test module binds the suite to its wire format: it defines a `frontend` fixture returning an object
with the interface of `GatewayFrontend` below and imports the tests with `from gateway_conformance import *`.
Every test speaks to a real `tether serve` over real sockets with paho-mqtt and reads the server's view of each
gateway back through `tether gateway show --json`, as a user would.
"""
import base64
import json
import re
import subprocess
import time
import types

import pytest

from paho_helpers import PahoClient, unique_id
from server_control import TETHER_BIN, Server, free_port

KEY_RE = re.compile(r"NNSXS\.[A-Z2-7]{39}\.[A-Z2-7]{52}")
STATE_WAIT = 5.0  # the server writes gateway state every second


class GatewayFrontend:
    """What the suite needs from a frontend (documentation; frontends implement it duck-typed)."""
    name = "abstract"
    listen_flag = "--gateway-xx-listen"
    acknowledges_transmissions = True  # False for TTN v2: it has no tx_ack topic
    carries_correlation_ids = True  # False for TTN v2: its uplinks have none

    def credentials(self, gateway_id, key):  # -> dict(client_id=..., username=..., password=...)
        raise NotImplementedError

    def topic(self, gateway_id, kind):  # kind: up, status, tx_ack, down, errors; None if the format has none
        raise NotImplementedError

    def uplink(self, gateway_id, raw_payload, **radio):  # -> bytes
        raise NotImplementedError

    def status(self, gateway_id, **fields):  # -> bytes
        raise NotImplementedError

    def malformed(self):  # bytes that are not a message of this format
        raise NotImplementedError


# -- environment ---------------------------------------------------------------------------------------------

class GatewayEnv:
    """A running Tether with the frontend's listener and registered gateways gw-a, gw-b (each with a link key)."""

    def __init__(self, frontend):
        self.frontend = frontend
        self.port = free_port()
        self.server = Server(extra_args=[frontend.listen_flag, f"127.0.0.1:{self.port}"])
        self.endpoint = types.SimpleNamespace(host="127.0.0.1", port=self.port)
        for gw in ("gw-a", "gw-b"):
            self.cli("gateway", "create", gw)
        self.keys = {gw: self.create_key(gw, "RIGHT_GATEWAY_LINK") for gw in ("gw-a", "gw-b")}
        self.server.start()

    def cli(self, *args, expect=0):
        proc = subprocess.run([TETHER_BIN, *args, "--data-dir", str(self.server.data_dir)], capture_output=True,
                              text=True, timeout=30)
        assert proc.returncode == expect, f"tether {' '.join(args)}: {proc.returncode}\n{proc.stdout}{proc.stderr}"
        return proc.stdout

    def create_key(self, gateway_id, rights):
        out = self.cli("key", "create", "--gateway", gateway_id, "--rights", rights)
        return KEY_RE.search(out).group(0)

    def client(self, gateway_id, key=None, username=None, client_id=None, connect=True, expect_rc=0):
        creds = self.frontend.credentials(gateway_id, self.keys.get(gateway_id) if key is None else key)
        if username is not None:
            creds["username"] = username
        c = PahoClient(self.endpoint, client_id=client_id or creds.get("client_id") or unique_id("gw"),
                       username=creds["username"], password=creds["password"])
        if connect:
            try:
                c.connect(expect_rc=expect_rc)
            except OSError as e:
                raise AssertionError(f"cannot connect to {self.port}: {e}\n{self.server.log_text(limit=3000)}")
        return c

    def state(self, gateway_id):
        return json.loads(self.cli("gateway", "show", gateway_id, "--json"))["connection"] or {}

    def wait_state(self, gateway_id, predicate, what):
        deadline = time.monotonic() + STATE_WAIT
        state = {}
        while time.monotonic() < deadline:
            state = self.state(gateway_id)
            if predicate(state):
                return state
            time.sleep(0.2)
        raise AssertionError(f"{gateway_id}: {what} not seen within {STATE_WAIT}s; state: {state}\n"
                             f"{self.server.log_text(limit=4000)}")

    def close(self):
        self.server.cleanup()


@pytest.fixture
def env(frontend):
    e = GatewayEnv(frontend)
    yield e
    e.close()


def plain_uplink(frontend, gw, payload=b"\x40\x11\x22\x33\x44\x00\x01\x00\x01\xaa\xbb\xcc\xdd", timestamp=1000):
    return frontend.uplink(gw, payload, frequency=868100000, spreading_factor=7, timestamp=timestamp)


# -- authentication --------------------------------------------------------------------------------------------

def test_gateway_key_connects(env):
    c = env.client("gw-a")
    env.wait_state("gw-a", lambda s: s.get("connected"), "connected")
    c.disconnect()
    env.wait_state("gw-a", lambda s: s and not s.get("connected"), "disconnected")


@pytest.mark.parametrize("case", ["wrong_secret", "other_gateways_key", "no_link_right", "unknown_gateway",
                                  "no_password", "malformed_username"])
def test_bad_credentials_are_refused(env, case):
    key = env.keys["gw-a"]
    username = None
    expect = 5
    if case == "wrong_secret":
        key = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
    elif case == "other_gateways_key":
        key = env.keys["gw-b"]
    elif case == "no_link_right":
        key = env.create_key("gw-a", "RIGHT_GATEWAY_INFO")
    elif case == "unknown_gateway":
        username = "gw-unknown"
    elif case == "no_password":
        key = None
    elif case == "malformed_username":
        username, expect = "Not A Gateway!", 4
    c = PahoClient(env.endpoint, client_id=unique_id("bad"), username=username or "gw-a", password=key)
    c.connect(expect_rc=expect)
    c.close()
    assert "connection refused" in env.server.log_text()


def test_revoked_key_is_refused_and_disconnects_within_a_second(env):
    key = env.create_key("gw-a", "RIGHT_GATEWAY_LINK")
    c = env.client("gw-a", key=key)
    key_id = key.split(".")[1]
    env.cli("key", "delete", key_id)
    assert c.disconnected.wait(1.5), \
        f"a client whose key was revoked must be disconnected within a second\n{env.server.log_text(limit=3000)}"
    c.client.loop_stop()
    env.client("gw-a", key=key, expect_rc=5)
    env.client("gw-a").disconnect()  # other keys still work


def test_deleting_the_gateway_disconnects_it(env):
    c = env.client("gw-b")
    env.cli("gateway", "delete", "gw-b")
    assert c.disconnected.wait(1.5), "a deleted gateway must be disconnected within a second"
    c.client.loop_stop()


def test_second_connection_of_a_gateway_takes_over(env):
    first = env.client("gw-a", client_id="first")
    second = env.client("gw-a", client_id="second")
    assert first.disconnected.wait(2), "the older connection of the gateway must be closed"
    first.client.loop_stop()  # no automatic reconnect: it would take the session back
    assert not second.disconnected.is_set()
    env.wait_state("gw-a", lambda s: s.get("connected"), "connected after the takeover")
    second.disconnect()


# -- ACL ----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["down", "errors"])
def test_own_read_topics_can_be_subscribed(env, frontend, kind):
    c = env.client("gw-a")
    assert c.subscribe(frontend.topic("gw-a", kind), 1) == [1]
    c.disconnect()


@pytest.mark.parametrize("kind", ["up", "status", "tx_ack"])
def test_write_only_topics_cannot_be_subscribed(env, frontend, kind):
    if frontend.topic("gw-a", kind) is None:
        pytest.skip(f"{frontend.name} has no {kind} topic")
    c = env.client("gw-a")
    assert c.subscribe(frontend.topic("gw-a", kind), 0) == [128]
    c.disconnect()


@pytest.mark.parametrize("kind", ["down", "errors", "up"])
def test_other_gateways_topics_cannot_be_subscribed(env, frontend, kind):
    c = env.client("gw-a")
    assert c.subscribe(frontend.topic("gw-b", kind), 0) == [128]
    assert c.subscribe(frontend.topic("+", "up"), 0) == [128]  # every gateway's uplinks: none readable
    c.disconnect()


def test_wildcard_subscription_sees_only_own_errors(env, frontend):
    a = env.client("gw-a")
    b = env.client("gw-b")
    assert a.subscribe("#", 0) == [0]
    assert b.subscribe("#", 0) == [0]
    b.publish(frontend.topic("gw-b", "up"), frontend.malformed(), qos=1)
    assert b.get(what="the error for gw-b").topic == frontend.topic("gw-b", "errors")
    a.expect_no_message(0.5)  # gateway A never sees gateway B's traffic
    a.disconnect()
    b.disconnect()


def test_publishing_on_another_gateways_topic_is_dropped(env, frontend):
    a = env.client("gw-a")
    b = env.client("gw-b")
    a.publish(frontend.topic("gw-b", "up"), plain_uplink(frontend, "gw-b"), qos=1)  # acked, dropped
    b.publish(frontend.topic("gw-b", "status"), frontend.status("gw-b"), qos=1)
    state = env.wait_state("gw-b", lambda s: s.get("statuses", 0) >= 1, "gw-b's own status")
    assert state.get("uplinks", 0) == 0, "gw-a's publish on gw-b's topic must not count as gw-b's uplink"
    assert not a.disconnected.is_set()
    a.disconnect()
    b.disconnect()


# -- traffic --------------------------------------------------------------------------------------------------------

def test_uplink_reaches_the_hub_with_every_field(env, frontend):
    c = env.client("gw-a")
    phy = bytes.fromhex("40112233448001000102030405060708")
    c.publish(frontend.topic("gw-a", "up"), frontend.uplink(
        "gw-a", phy, frequency=868300000, spreading_factor=9, bandwidth=125000, coding_rate="4/5", timestamp=4000000,
        rssi=-42.5, channel_rssi=-43.0, snr=9.25, channel_index=2, fine_timestamp=123456789,
        frequency_offset=-1234, latitude=52.5, longitude=4.75, altitude=12, second_antenna=True,
        correlation_ids=["test:up:1"]), qos=1)
    state = env.wait_state("gw-a", lambda s: s.get("uplinks", 0) >= 1 and "last_uplink" in s, "the uplink")
    up = state["last_uplink"]
    assert base64.b64decode(up["raw_payload"]) == phy
    assert up["settings"]["frequency"] == "868300000"
    assert up["settings"]["data_rate"]["lora"] == {"bandwidth": 125000, "spreading_factor": 9, "coding_rate": "4/5"}
    assert up["settings"]["timestamp"] == 4000000
    if getattr(frontend, "carries_correlation_ids", True):  # TTN v2 messages have no correlation IDs
        assert "test:up:1" in up["correlation_ids"]
    md = up["rx_metadata"]
    assert len(md) == 2
    first, second = md
    assert first["gateway_ids"]["gateway_id"] == "gw-a" and second["gateway_ids"]["gateway_id"] == "gw-a"
    # The Things Stack's protojson (spec §3.3), as the application API writes it: zero values are omitted.
    assert "antenna_index" not in first and second["antenna_index"] == 1
    assert first["timestamp"] == 4000000
    assert first["rssi"] == -42.5 and first["channel_rssi"] == -43.0 and first["snr"] == 9.25
    assert first["channel_index"] == 2
    assert first["fine_timestamp"] == "123456789" and first["frequency_offset"] == "-1234"
    assert first["location"]["latitude"] == 52.5 and first["location"]["longitude"] == 4.75
    assert first["location"]["altitude"] == 12
    assert first["uplink_token"], "antenna 0 gets an uplink token"
    assert "uplink_token" not in second, "only antenna 0 gets an uplink token"
    assert first["received_at"].endswith("Z")
    c.disconnect()


def test_status_is_stored(env, frontend):
    c = env.client("gw-a")
    c.publish(frontend.topic("gw-a", "status"), frontend.status(
        "gw-a", versions={"model": "tst", "firmware": "1.2.3"}, ips=["192.0.2.1"], metrics={"rxin": 3.0},
        latitude=1.5, longitude=2.5, altitude=3), qos=1)
    state = env.wait_state("gw-a", lambda s: "last_status" in s, "the status")
    status = state["last_status"]
    assert status["versions"] == {"model": "tst", "firmware": "1.2.3"}
    assert status["ip"] == ["192.0.2.1"]
    assert status["metrics"] == {"rxin": 3.0}
    assert status["antenna_locations"][0]["latitude"] == 1.5
    assert state["statuses"] == 1
    c.disconnect()


def test_malformed_message_is_dropped_counted_and_explained(env, frontend):
    c = env.client("gw-a")
    c.subscribe(frontend.topic("gw-a", "errors"), 0)
    c.publish(frontend.topic("gw-a", "up"), frontend.malformed(), qos=1)
    err = json.loads(c.get(what="an error report").payload)
    assert err["topic"] == frontend.topic("gw-a", "up")
    assert err["reason"]
    # The connection lives on and valid traffic still flows.
    c.publish(frontend.topic("gw-a", "up"), plain_uplink(frontend, "gw-a"), qos=1)
    state = env.wait_state("gw-a", lambda s: s.get("uplinks", 0) >= 1, "a valid uplink after a malformed one")
    assert sum(state["dropped"].values()) == 1
    assert not c.disconnected.is_set()
    c.disconnect()


def test_qos_1_uplink_is_acknowledged(env, frontend):
    c = env.client("gw-a")
    info = c.client.publish(frontend.topic("gw-a", "up"), plain_uplink(frontend, "gw-a"), qos=1)
    info.wait_for_publish(timeout=5)
    assert info.is_published()
    c.disconnect()
