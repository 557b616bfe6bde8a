"""The Things Stack v3 gateway API (--gateway-v3-listen): the shared gateway conformance suite bound to the v3
protobuf format, plus what is particular to v3 (validation reasons, TLS and WebSocket listeners)."""
import json

import pytest

from gateway_conformance import *  # noqa: F401,F403 (the shared suite runs in this module)
from gateway_conformance import GatewayEnv, plain_uplink
from ttsv3_proto import pb

pytestmark = pytest.mark.tether_only


class TtsV3:
    name = "ttsv3"
    listen_flag = "--gateway-v3-listen"
    acknowledges_transmissions = True

    def credentials(self, gateway_id, key):
        return {"client_id": None, "username": gateway_id, "password": key}

    def topic(self, gateway_id, kind):
        return {"up": f"v3/{gateway_id}/up", "status": f"v3/{gateway_id}/status",
                "tx_ack": f"v3/{gateway_id}/down/ack", "down": f"v3/{gateway_id}/down",
                "errors": f"v3/{gateway_id}/errors"}[kind]

    def uplink(self, gateway_id, raw_payload, frequency=868100000, spreading_factor=7, bandwidth=125000,
               coding_rate="4/5", timestamp=1000, rssi=-60.0, channel_rssi=-60.0, snr=7.5, channel_index=0,
               fine_timestamp=0, frequency_offset=0, latitude=None, longitude=None, altitude=0,
               second_antenna=False, correlation_ids=(), with_settings=True, with_data_rate=True):
        up = pb.UplinkMessage()
        up.raw_payload = raw_payload
        if with_settings:
            up.settings.frequency = frequency
            up.settings.timestamp = timestamp
            if with_data_rate:
                up.settings.data_rate.lora.bandwidth = bandwidth
                up.settings.data_rate.lora.spreading_factor = spreading_factor
                up.settings.data_rate.lora.coding_rate = coding_rate
        for antenna in ([0, 1] if second_antenna else [0]):
            md = up.rx_metadata.add()
            md.gateway_ids.gateway_id = gateway_id
            md.antenna_index = antenna
            md.timestamp = timestamp
            md.rssi = rssi
            md.channel_rssi = channel_rssi
            md.snr = snr
            md.channel_index = channel_index
            md.fine_timestamp = fine_timestamp
            md.frequency_offset = frequency_offset
            if latitude is not None:
                md.location.latitude = latitude
                md.location.longitude = longitude
                md.location.altitude = altitude
        up.correlation_ids.extend(correlation_ids)
        return up.SerializeToString()

    def status(self, gateway_id, versions=None, ips=(), metrics=None, latitude=None, longitude=None, altitude=0):
        s = pb.GatewayStatus()
        s.time.GetCurrentTime()
        for k, v in (versions or {}).items():
            s.versions[k] = v
        s.ip.extend(ips)
        for k, v in (metrics or {}).items():
            s.metrics[k] = v
        if latitude is not None:
            loc = s.antenna_locations.add()
            loc.latitude, loc.longitude, loc.altitude = latitude, longitude, altitude
        return s.SerializeToString()

    def malformed(self):
        return b"\xff\xff\xff\xff not a protobuf"


@pytest.fixture
def frontend():
    return TtsV3()


def test_username_with_tenant_is_accepted(env):
    """Multi-tenant The Things Stack: username `gateway-id@tenant-id` (moved from gateway_conformance.py)."""
    env.client("gw-a", username="gw-a@ttn").disconnect()


def test_subscription_to_an_unknown_topic_is_refused(env):
    c = env.client("gw-a")
    assert c.subscribe("v3/+/x", 0) == [128]  # (moved from gateway_conformance.py)
    c.disconnect()


@pytest.mark.parametrize("case,reason", [
    ("no_settings", "settings"),
    ("no_data_rate", "data rate"),
    ("low_frequency", "100 kHz"),
    ("other_gateway_metadata", "gateway"),
])
def test_invalid_uplinks_are_dropped_with_a_reason(env, frontend, case, reason):
    if case == "no_settings":
        payload = frontend.uplink("gw-a", b"\x40\x01\x02\x03\x04\x00\x00\x00\x01", with_settings=False)
    elif case == "no_data_rate":
        payload = frontend.uplink("gw-a", b"\x40\x01\x02\x03\x04\x00\x00\x00\x01", with_data_rate=False)
    elif case == "low_frequency":
        payload = frontend.uplink("gw-a", b"\x40\x01\x02\x03\x04\x00\x00\x00\x01", frequency=99999)
    else:
        payload = frontend.uplink("gw-b", b"\x40\x01\x02\x03\x04\x00\x00\x00\x01")  # claims gw-b's antenna
    c = env.client("gw-a")
    c.subscribe("v3/gw-a/errors", 0)
    c.publish("v3/gw-a/up", payload, qos=1)
    err = json.loads(c.get(what="an error report").payload)
    assert err["topic"] == "v3/gw-a/up"
    assert reason in err["reason"], err
    state = env.wait_state("gw-a", lambda s: sum(s.get("dropped", {}).values()) >= 1, "the drop counted")
    assert state.get("uplinks", 0) == 0
    assert any(reason in r for r in state["dropped"]), state["dropped"]
    c.disconnect()


def test_invalid_status_is_dropped(env, frontend):
    c = env.client("gw-a")
    c.subscribe("v3/gw-a/errors", 0)
    c.publish("v3/gw-a/status", frontend.status("gw-a", ips=["not-an-ip"]), qos=1)
    err = json.loads(c.get(what="an error report").payload)
    assert err["topic"] == "v3/gw-a/status"
    c.disconnect()


def test_tx_ack_is_counted(env, frontend):
    c = env.client("gw-a")
    ack = pb.TxAcknowledgment()
    ack.correlation_ids.append("gs:down:token:3")
    ack.result = pb.TxAcknowledgment.TOO_LATE
    c.publish("v3/gw-a/down/ack", ack.SerializeToString(), qos=1)
    env.wait_state("gw-a", lambda s: s.get("tx_acks", 0) == 1, "the TxAck")
    c.disconnect()


def test_websocket_listener(frontend):
    port = free_port()
    e = GatewayEnv(frontend)
    try:
        e.server.stop()
        e.server.extra_args += ["--gateway-v3-ws-listen", f"127.0.0.1:{port}"]
        e.server.start()
        import paho.mqtt.client as mqtt
        c = mqtt.Client(client_id="ws-gw", transport="websockets")
        c.ws_set_options(path="/mqtt")
        c.username_pw_set("gw-a", e.keys["gw-a"])
        c.connect("127.0.0.1", port)
        c.loop_start()
        info = c.publish("v3/gw-a/up", plain_uplink(frontend, "gw-a"), qos=1)
        info.wait_for_publish(5)
        assert info.is_published()
        e.wait_state("gw-a", lambda s: s.get("uplinks", 0) == 1 and s.get("connected"), "the WebSocket uplink")
        c.disconnect()
        c.loop_stop()
    finally:
        e.close()


def test_tls_listener(frontend, tmp_path):
    """The TLS gateway listener (--gateway-v3-tls-listen) with a real client: mosquitto_pub --cafile."""
    import subprocess
    for args in (["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=tether gw ca",
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
        e.server.extra_args += ["--gateway-v3-tls-listen", f"127.0.0.1:{port}", "--tls-cert",
                                str(tmp_path / "server.pem"), "--tls-key", str(tmp_path / "server.key")]
        e.server.start()
        payload = tmp_path / "up.bin"
        payload.write_bytes(plain_uplink(frontend, "gw-a"))
        proc = subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(port), "--cafile",
                               str(tmp_path / "ca.pem"), "-u", "gw-a", "-P", e.keys["gw-a"], "-q", "1",
                               "-t", "v3/gw-a/up", "-f", str(payload)], capture_output=True, text=True, timeout=10)
        assert proc.returncode == 0, proc.stderr
        e.wait_state("gw-a", lambda s: s.get("uplinks", 0) == 1, "the uplink over TLS")
        bad = subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(port), "--cafile",
                              str(tmp_path / "ca.pem"), "-u", "gw-a", "-P", "NNSXS.WRONG.KEY", "-t", "v3/gw-a/up",
                              "-m", "x"], capture_output=True, text=True, timeout=10)
        assert bad.returncode != 0 and "not authori" in (bad.stderr + bad.stdout).lower()
    finally:
        e.close()
