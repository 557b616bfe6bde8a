"""The TTN v2 gateway connector (--gateway-v2-listen): the shared gateway conformance suite bound to the v2
protobuf format, plus what is particular to v2 (issue 14): both credential layouts, the connect/disconnect
payload checks, the will, a graceful stop and an abrupt close, the uplink reaching the application JSON with
v2 metadata, the downlink on {id}/down with RX1 timing, and a frame heard by a v2 and a v3 gateway at once.
Gateways speak paho-mqtt and mosquitto_pub with protobuf built from Python classes of our proto/ttnv2/."""
import base64
import json
import subprocess
import time

import paho.mqtt.client as mqtt
import pytest

from gateway_conformance import *  # noqa: F401,F403 (the shared suite runs in this module)
from gateway_conformance import GatewayEnv, plain_uplink
from paho_helpers import PahoClient, unique_id
from server_control import free_port
from test_uplink_path import ABP_ADDR, APP_KEY, APP_S_KEY, DEV_EUI, JOIN_EUI, NWK_S_KEY, Network, device
from ttnv2_proto import modules, pb

pytestmark = pytest.mark.tether_only

lorawan = modules["lorawan"]
v2types = modules["types"]

# Counters and fields of gateway.Status by the metric name Tether shows them under.
STATUS_METRICS = {"rxin": "rx_in", "rxok": "rx_ok", "txin": "tx_in", "txok": "tx_ok", "lmok": "lm_ok",
                  "rtt_ms": "rtt"}
STATUS_VERSIONS = ("platform", "hal", "frequency_plan", "description", "contact_email")


class TtnV2:
    name = "ttnv2"
    listen_flag = "--gateway-v2-listen"
    acknowledges_transmissions = False
    carries_correlation_ids = False

    def credentials(self, gateway_id, key):
        # What the C library, mp_pkt_fwd and The Things Gateway send.
        return {"client_id": gateway_id, "username": gateway_id, "password": key}

    def topic(self, gateway_id, kind):
        return {"up": f"{gateway_id}/up", "status": f"{gateway_id}/status", "tx_ack": None,
                "down": f"{gateway_id}/down", "errors": f"{gateway_id}/errors"}[kind]

    def uplink(self, gateway_id, raw_payload, frequency=868100000, spreading_factor=7, bandwidth=125000,
               coding_rate="4/5", timestamp=1000, rssi=-60.0, channel_rssi=None, snr=7.5, channel_index=0,
               fine_timestamp=0, frequency_offset=0, latitude=None, longitude=None, altitude=0,
               second_antenna=False, correlation_ids=(), **_):
        up = pb.UplinkMessage(payload=raw_payload)
        lw = up.protocol_metadata.lorawan
        lw.modulation = lorawan.LORA
        lw.data_rate = f"SF{spreading_factor}BW{bandwidth // 1000}"
        lw.coding_rate = coding_rate
        gm = up.gateway_metadata
        gm.gateway_id = gateway_id
        gm.timestamp = timestamp
        gm.time = time.time_ns()
        gm.rf_chain = 0
        gm.channel = channel_index
        gm.frequency = frequency
        gm.rssi = rssi
        gm.snr = snr
        if latitude is not None:
            gm.location.latitude, gm.location.longitude, gm.location.altitude = latitude, longitude, altitude
        if second_antenna or fine_timestamp or frequency_offset or channel_rssi not in (None, rssi):
            for antenna in ([0, 1] if second_antenna else [0]):
                a = gm.antennas.add(antenna=antenna, channel=channel_index, rssi=rssi, snr=snr,
                                    fine_time=fine_timestamp, frequency_offset=frequency_offset)
                a.channel_rssi = rssi if channel_rssi is None else channel_rssi
        return up.SerializeToString()

    def status(self, gateway_id, versions=None, ips=(), metrics=None, latitude=None, longitude=None, altitude=0):
        s = pb.Status(time=time.time_ns())
        s.ip.extend(ips)
        for k, v in (versions or {}).items():
            if k in STATUS_VERSIONS:
                setattr(s, k, v)
        for k, v in (metrics or {}).items():
            if k in STATUS_METRICS:
                setattr(s, STATUS_METRICS[k], int(v))
        if latitude is not None:
            s.location.latitude, s.location.longitude, s.location.altitude = latitude, longitude, altitude
        return s.SerializeToString()

    def malformed(self):
        return b"\xff\xff\xff\xff not a protobuf"


@pytest.fixture
def frontend():
    return TtnV2()


def session_message(gateway_id, key, kind="connect"):
    cls = v2types.ConnectMessage if kind == "connect" else v2types.DisconnectMessage
    return cls(id=gateway_id, key=key).SerializeToString()


def abrupt_close(c):
    """Closes the TCP connection without DISCONNECT (as a gateway losing power or its network)."""
    c.client.loop_stop()
    c.client.socket().close()
    c.started = False


# -- the conformance suite's status test, with v2's fixed Status fields -------------------------------------------

def test_status_is_stored(env, frontend):
    """v2 variant of the suite's test: gateway.Status has fixed fields, shown as versions and metrics."""
    c = env.client("gw-a")
    s = pb.Status(time=time.time_ns(), platform="IMST + Rpi", hal="5.1.0", frequency_plan="EU_863_870", fpga=1,
                  contact_email="ops@example.org", description="roof", rx_in=10, rx_ok=9, tx_in=3, tx_ok=2, rtt=42)
    s.ip.append("192.0.2.1")
    s.os.load_1, s.os.memory_percentage, s.os.temperature = 0.5, 40.0, 51.5
    s.location.latitude, s.location.longitude, s.location.altitude = 1.5, 2.5, 3  # as old clients' `gps`
    s.messages.append("debug text")
    c.publish("gw-a/status", s.SerializeToString(), qos=1)
    state = env.wait_state("gw-a", lambda st: "last_status" in st, "the status")
    status = state["last_status"]
    assert status["versions"] == {"platform": "IMST + Rpi", "hal": "5.1.0", "frequency_plan": "EU_863_870",
                                  "fpga": "1", "contact_email": "ops@example.org", "description": "roof"}
    assert status["ip"] == ["192.0.2.1"]
    metrics = status["metrics"]
    assert {k: metrics[k] for k in ("rxin", "rxok", "txin", "txok", "rtt_ms")} == \
        {"rxin": 10.0, "rxok": 9.0, "txin": 3.0, "txok": 2.0, "rtt_ms": 42.0}
    assert metrics["load_1"] == 0.5 and metrics["memory_percentage"] == 40.0 and metrics["temp"] == 51.5
    assert status["antenna_locations"][0]["latitude"] == 1.5
    assert state["statuses"] == 1
    assert state["protocol"] == "ttnv2"
    c.disconnect()


# -- credentials ------------------------------------------------------------------------------------------------

def test_key_as_username_without_password_connects(env):
    """The protocol document's layout: username = key, no password, client ID = gateway ID."""
    c = PahoClient(env.endpoint, client_id="gw-a", username=env.keys["gw-a"], password=None)
    c.connect()
    env.wait_state("gw-a", lambda s: s.get("connected"), "connected")
    c.disconnect()


@pytest.mark.parametrize("case", ["other_gateways_key", "key_of_another_client_id", "no_credentials",
                                  "no_link_right"])
def test_key_as_username_is_checked_too(env, case):
    client_id, username = "gw-a", env.keys["gw-a"]
    if case == "other_gateways_key":
        username = env.keys["gw-b"]
    elif case == "key_of_another_client_id":
        client_id = "gw-b"
    elif case == "no_credentials":
        username = None
    elif case == "no_link_right":
        username = env.create_key("gw-a", "RIGHT_GATEWAY_INFO")
    c = PahoClient(env.endpoint, client_id=client_id, username=username, password=None)
    rc, _ = c.connect(expect_rc=None)
    c.close()
    assert rc in (4, 5), rc
    assert "connection refused" in env.server.log_text()


def test_mqtt_3_1_client_connects(env, frontend):
    c = PahoClient(env.endpoint, client_id="gw-a", username="gw-a", password=env.keys["gw-a"],
                   protocol=mqtt.MQTTv31)
    c.connect()
    c.publish("gw-a/up", plain_uplink(frontend, "gw-a"), qos=1)
    env.wait_state("gw-a", lambda s: s.get("uplinks", 0) == 1, "the MQTT 3.1 uplink")
    c.disconnect()


# -- connect / disconnect messages, will, graceful stop, abrupt close ------------------------------------------

def test_connect_and_disconnect_messages_must_name_the_connection(env):
    a = env.client("gw-a")
    b = env.client("gw-b")
    assert a.subscribe("gw-a/errors", 0) == [0]
    a.publish("connect", session_message("gw-a", env.keys["gw-a"]), qos=1)  # what the C library sends
    a.expect_no_message(0.5)
    for topic, payload, why in (
            ("disconnect", session_message("gw-b", env.keys["gw-b"], "disconnect"), "another gateway"),
            ("connect", session_message("gw-b", env.keys["gw-b"]), "another gateway"),
            ("disconnect", session_message("gw-a", env.keys["gw-b"], "disconnect"), "key")):
        a.publish(topic, payload, qos=1)
        err = json.loads(a.get(what=f"the error for {topic}").payload)
        assert err["topic"] == topic and why in err["reason"], err
    # Nothing changed: gw-a and gw-b are still connected (read back after the refusals were written).
    state = env.wait_state("gw-a", lambda s: sum(s.get("dropped", {}).values()) == 3, "three refusals counted")
    assert state["connected"]
    assert env.state("gw-b").get("connected")
    assert not a.disconnected.is_set() and not b.disconnected.is_set()
    a.disconnect()
    b.disconnect()


@pytest.mark.parametrize("how", ["will", "graceful", "abrupt"])
def test_the_gateway_is_marked_disconnected(env, how):
    key = env.keys["gw-a"]
    will = ("disconnect", session_message("gw-a", key, "disconnect"), 1, False) if how == "will" else None
    c = PahoClient(env.endpoint, client_id="gw-a", username="gw-a", password=key, will=will, keepalive=20)
    c.connect()
    c.publish("connect", session_message("gw-a", key), qos=1)
    c.subscribe("gw-a/down", 1)
    env.wait_state("gw-a", lambda s: s.get("connected"), "connected")
    if how == "graceful":  # the C library's stop: DisconnectMessage, then DISCONNECT
        c.publish("disconnect", session_message("gw-a", key, "disconnect"), qos=1)
        c.disconnect()
    else:
        abrupt_close(c)
    state = env.wait_state("gw-a", lambda s: s and not s.get("connected"), f"disconnected ({how})")
    assert sum(state.get("dropped", {}).values()) == 0, state  # the will and the messages were all valid
    env.client("gw-a").disconnect()  # and it may come back


# -- the network: uplink to the application JSON, downlink with RX1 timing, mixed v2 + v3 ---------------------------

class V2Network(Network):
    """test_uplink_path's network (v3 gateways gw1..gw3, application app1) plus the v2 listener."""

    def __init__(self, extra_args=()):
        super().__init__()
        self.v2_port = free_port()
        self.server.stop()
        self.server.extra_args += ["--gateway-v2-listen", f"127.0.0.1:{self.v2_port}", *extra_args]
        self.server.start()
        self.write_key = self.key("--application", "app1", "RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE")
        self.v2 = {}

    def v2_gateway(self, gw):
        if gw not in self.v2:
            endpoint = type("E", (), {"host": "127.0.0.1", "port": self.v2_port})
            key = self.gateway_keys[gw]
            c = PahoClient(endpoint, client_id=gw, username=gw, password=key, keepalive=20,
                           will=("disconnect", session_message(gw, key, "disconnect"), 1, False))
            c.connect()
            c.publish("connect", session_message(gw, key), qos=1)
            c.subscribe(f"{gw}/down", 1)
            self.v2[gw] = c
        return self.v2[gw]

    def v2_uplink(self, gw, phy_hex, rssi=-60.0, snr=7.5, timestamp=1_000_000, frequency=868100000, sf=7, **kw):
        payload = TtnV2().uplink(gw, bytes.fromhex(phy_hex), frequency=frequency, spreading_factor=sf,
                                 timestamp=timestamp, rssi=rssi, snr=snr, **kw)
        self.v2_gateway(gw).publish(f"{gw}/up", payload, qos=1)

    def push(self, body, device_id="abp-dev"):
        proc = subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(self.app_port), "-u", "app1",
                               "-P", self.write_key, "-q", "1", "-t", f"v3/app1/devices/{device_id}/down/push",
                               "-m", json.dumps(body)], capture_output=True, text=True, timeout=10)
        assert proc.returncode == 0, proc.stderr

    def close(self):
        for c in self.v2.values():
            c.close()
        super().close()


@pytest.fixture
def net():
    n = V2Network()
    yield n
    n.close()


def test_uplink_reaches_the_application_with_v2_metadata(net):
    sub = net.subscribe("v3/app1/devices/abp-dev/up", 1)
    phy = device("data", ABP_ADDR, "7", "2", "48656C6C6F", NWK_S_KEY, APP_S_KEY)
    net.v2_uplink("gw1", phy, rssi=-42.5, snr=9.25, timestamp=2887504643, channel_index=2, sf=9,
                  latitude=52.5, longitude=4.75, altitude=12)
    [(topic, event)] = net.events(sub)
    up = event["uplink_message"]
    assert base64.b64decode(up["frm_payload"]) == b"Hello" and up["f_cnt"] == 7 and up["f_port"] == 2
    assert up["settings"]["frequency"] == "868100000"
    assert up["settings"]["timestamp"] == 2887504643
    assert up["settings"]["data_rate"] == {"lora": {"bandwidth": 125000, "spreading_factor": 9, "coding_rate": "4/5"}}
    [md] = up["rx_metadata"]
    assert md["gateway_ids"]["gateway_id"] == "gw1"
    assert md["rssi"] == -42.5 and md["snr"] == 9.25 and md["channel_index"] == 2
    assert md["timestamp"] == 2887504643
    assert md["location"]["latitude"] == 52.5 and md["location"]["altitude"] == 12
    assert md["uplink_token"]


def test_pushed_downlink_arrives_on_down_with_rx1_timing(net):
    events = net.subscribe("v3/app1/devices/abp-dev/down/#", 2)
    net.push({"downlinks": [{"f_port": 7, "frm_payload": base64.b64encode(b"hello").decode()}]})
    gw = net.v2_gateway("gw1")
    net.v2_uplink("gw1", device("data", ABP_ADDR, "1", "1", "01", NWK_S_KEY, APP_S_KEY), timestamp=3_000_000)
    message = gw.get(what="a downlink on gw1/down")
    assert message.topic == "gw1/down"
    assert message.qos == 0, "v2 downlinks go out at QoS 0, as the bridge sent them"
    down = pb.DownlinkMessage.FromString(message.payload)
    config = down.gateway_configuration
    assert config.timestamp == 3_000_000 + 1_000_000  # RX1: RECEIVE_DELAY1 after the uplink
    assert config.frequency == 868100000
    assert config.power == 14  # EU868 16 dBm EIRP - 2 dB
    assert config.polarization_inversion
    assert config.rf_chain == 0
    assert down.protocol_configuration.lorawan.data_rate == "SF7BW125"
    assert down.protocol_configuration.lorawan.coding_rate == "4/5"
    assert not down.HasField("trace")
    assert len(message.payload) + len("gw1/down") + 4 < 512, "the whole packet fits a v2 gateway's buffer"
    frame = json.loads(device("downlink", down.payload.hex(), NWK_S_KEY, APP_S_KEY))
    assert frame["mic_ok"] and frame["f_port"] == 7 and bytes.fromhex(frame["payload"]) == b"hello"
    # No TxAck in v2: handed to the connection is sent.
    assert [t for t, _ in net.events(events)] == ["v3/app1/devices/abp-dev/down/queued",
                                                  "v3/app1/devices/abp-dev/down/sent"]


def test_a_downlink_larger_than_the_v2_gateway_reads_fails_with_a_reason():
    """A frame whose packet would not fit the gateway's read buffer is never sent: with no other gateway or
    window to take it, it ends in down/failed naming why, and the gateway stays usable. Every LoRaWAN frame
    fits the 512 bytes of the C library, so this gateway's limit is lowered to 128 bytes."""
    n = V2Network(extra_args=["--gateway-v2-max-packet-size", "128"])
    try:
        events = n.subscribe("v3/app1/devices/abp-dev/down/#", 2)
        n.push({"downlinks": [{"f_port": 7, "frm_payload": base64.b64encode(bytes(100)).decode()}]})
        gw = n.v2_gateway("gw1")
        n.v2_uplink("gw1", device("data", ABP_ADDR, "1", "1", "01", NWK_S_KEY, APP_S_KEY), timestamp=3_000_000)
        got = n.events(events)
        assert [t for t, _ in got] == ["v3/app1/devices/abp-dev/down/queued", "v3/app1/devices/abp-dev/down/failed"]
        failed = got[1][1]["downlink_failed"]
        assert failed["downlink"]["f_port"] == 7
        assert failed["error"]["name"] == "gateway_packet_too_large"
        assert "at most 128 bytes" in failed["error"]["message_format"], failed["error"]
        gw.expect_no_message(0.5)
        # A downlink that fits still goes through the same gateway.
        sent = n.subscribe("v3/app1/devices/abp-dev/down/sent", 1)
        n.push({"downlinks": [{"f_port": 8, "frm_payload": "AQI="}]})
        n.v2_uplink("gw1", device("data", ABP_ADDR, "2", "1", "01", NWK_S_KEY, APP_S_KEY), timestamp=9_000_000)
        message = gw.get(what="the small downlink on gw1/down")
        assert len(message.payload) + len("gw1/down") + 4 <= 128
        assert [t for t, _ in n.events(sent)] == ["v3/app1/devices/abp-dev/down/sent"]
    finally:
        n.close()


def test_otaa_join_through_a_v2_gateway(net):
    sub = net.subscribe("v3/app1/devices/otaa-dev/#", 2)
    gw = net.v2_gateway("gw1")
    net.v2_uplink("gw1", device("join-request", APP_KEY, JOIN_EUI, DEV_EUI, "0a0b"), timestamp=5_000_000)
    down = pb.DownlinkMessage.FromString(gw.get(what="the join-accept").payload)
    assert down.gateway_configuration.timestamp == 5_000_000 + 5_000_000  # JOIN_ACCEPT_DELAY1
    assert down.gateway_configuration.frequency == 868100000
    accept = json.loads(device("join-accept", APP_KEY, down.payload.hex(), "0a0b"))
    assert accept["mic_ok"]
    net.v2_uplink("gw1", device("data", accept["dev_addr"], "1", "5", "CAFE", accept["nwk_s_key"],
                                accept["app_s_key"]))
    events = dict(net.events(sub))
    assert events["v3/app1/devices/otaa-dev/join"]["end_device_ids"]["dev_addr"] == accept["dev_addr"]
    up = events["v3/app1/devices/otaa-dev/up"]["uplink_message"]
    assert base64.b64decode(up["frm_payload"]) == b"\xca\xfe"
    assert up["rx_metadata"][0]["gateway_ids"]["gateway_id"] == "gw1"


@pytest.mark.parametrize("better", ["v2", "v3"])
def test_a_frame_heard_by_a_v2_and_a_v3_gateway(net, better):
    """One uplink with both gateways' rx_metadata; the downlink goes to the better of the two."""
    sub = net.subscribe("v3/app1/devices/abp-dev/up", 2, timeout=3)
    net.push({"downlinks": [{"f_port": 3, "frm_payload": "AQI="}]})
    v2 = net.v2_gateway("gw1")
    v3 = net.gateway("gw2")
    phy = device("data", ABP_ADDR, "1", "1", "AABB", NWK_S_KEY, APP_S_KEY)
    good, bad = (-50.0, 9.0), (-110.0, -12.0)
    v2_radio, v3_radio = (good, bad) if better == "v2" else (bad, good)
    net.v2_uplink("gw1", phy, rssi=v2_radio[0], snr=v2_radio[1], timestamp=2_000_000)
    net.uplink("gw2", phy, rssi=v3_radio[0], snr=v3_radio[1], timestamp=7_000_000)
    events = net.events(sub)
    assert len(events) == 1
    md = events[0][1]["uplink_message"]["rx_metadata"]
    assert {m["gateway_ids"]["gateway_id"]: m["rssi"] for m in md} == {"gw1": v2_radio[0], "gw2": v3_radio[0]}
    winner, loser = (v2, v3) if better == "v2" else (v3, v2)
    message = winner.get(what=f"the downlink on the {better} gateway")
    if better == "v2":
        assert pb.DownlinkMessage.FromString(message.payload).gateway_configuration.timestamp == 3_000_000
    loser.expect_no_message(0.5)


def test_uplink_with_mosquitto_pub(env, frontend, tmp_path):
    """A real command-line client publishing a protobuf file, as mp_pkt_fwd would (user = ID, password = key)."""
    payload = tmp_path / "up.bin"
    payload.write_bytes(plain_uplink(frontend, "gw-a"))
    proc = subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(env.port), "-i", "gw-a", "-u", "gw-a",
                           "-P", env.keys["gw-a"], "-q", "1", "-t", "gw-a/up", "-f", str(payload)],
                          capture_output=True, text=True, timeout=10)
    assert proc.returncode == 0, proc.stderr
    env.wait_state("gw-a", lambda s: s.get("uplinks", 0) == 1, "the mosquitto_pub uplink")
    bad = subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(env.port), "-i", "gw-a", "-u", "gw-a",
                          "-P", env.keys["gw-b"], "-t", "gw-a/up", "-f", str(payload)],
                         capture_output=True, text=True, timeout=10)
    assert bad.returncode != 0 and "not authori" in (bad.stderr + bad.stdout).lower()


def test_websocket_listener(frontend):
    port = free_port()
    e = GatewayEnv(frontend)
    try:
        e.server.stop()
        e.server.extra_args += ["--gateway-v2-ws-listen", f"127.0.0.1:{port}"]
        e.server.start()
        c = mqtt.Client(client_id="gw-a", transport="websockets")
        c.ws_set_options(path="/mqtt")
        c.username_pw_set("gw-a", e.keys["gw-a"])
        c.connect("127.0.0.1", port)
        c.loop_start()
        info = c.publish("gw-a/up", plain_uplink(frontend, "gw-a"), qos=1)
        info.wait_for_publish(5)
        assert info.is_published()
        e.wait_state("gw-a", lambda s: s.get("uplinks", 0) == 1, "the WebSocket uplink")
        c.disconnect()
        c.loop_stop()
    finally:
        e.close()


def test_tls_listener(frontend, tmp_path):
    """--gateway-v2-tls-listen (The Things Gateway speaks mqtts) with mosquitto_pub --cafile."""
    for args in (["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=tether v2 ca",
                  "-keyout", "ca.key", "-out", "ca.pem"],
                 ["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=server", "-keyout", "server.key",
                  "-out", "server.csr"]):
        subprocess.run(["openssl", *args], cwd=tmp_path, check=True, capture_output=True)
    (tmp_path / "san.ext").write_text("subjectAltName=IP:127.0.0.1\n")
    subprocess.run(["openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                    "-CAcreateserial", "-days", "2", "-out", "server.pem", "-extfile", "san.ext"],
                   cwd=tmp_path, check=True, capture_output=True)
    port = free_port()
    e = GatewayEnv(frontend)
    try:
        e.server.stop()
        e.server.extra_args += ["--gateway-v2-tls-listen", f"127.0.0.1:{port}", "--tls-cert",
                                str(tmp_path / "server.pem"), "--tls-key", str(tmp_path / "server.key")]
        e.server.start()
        payload = tmp_path / "up.bin"
        payload.write_bytes(plain_uplink(frontend, "gw-a"))
        proc = subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(port), "--cafile",
                               str(tmp_path / "ca.pem"), "-i", "gw-a", "-u", "gw-a", "-P", e.keys["gw-a"], "-q", "1",
                               "-t", "gw-a/up", "-f", str(payload)], capture_output=True, text=True, timeout=10)
        assert proc.returncode == 0, proc.stderr
        e.wait_state("gw-a", lambda s: s.get("uplinks", 0) == 1, "the uplink over TLS")
    finally:
        e.close()
