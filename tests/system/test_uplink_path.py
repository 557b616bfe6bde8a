"""The uplink path end to end: gateways publish TTS v3 protobuf uplinks built from frames that the npm package
lora-packet made (an independent device implementation), the network core joins, deduplicates, verifies and
decrypts, and the application receives The Things Stack JSON on the application listener via mosquitto_sub."""
import base64
import json
import pathlib
import re
import subprocess
import time

import pytest

from paho_helpers import PahoClient
from server_control import TETHER_BIN, Server, free_port
from ttsv3_proto import pb

pytestmark = pytest.mark.tether_only

ORACLE_DIR = pathlib.Path(__file__).resolve().parents[1] / "oracle"
KEY_RE = re.compile(r"NNSXS\.[A-Z2-7]{39}\.[A-Z2-7]{52}")
NODE = "/usr/bin/node"

APP_KEY = "2B7E151628AED2A6ABF7158809CF4F3C"
JOIN_EUI = "70B3D57ED0000000"
DEV_EUI = "0004A30B001C0530"
ABP_ADDR = "260B1234"
NWK_S_KEY = "00112233445566778899AABBCCDDEEFF"
APP_S_KEY = "FFEEDDCCBBAA99887766554433221100"
RFC3339_NS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3}|\.\d{6}|\.\d{9})?Z$")


def device(*args):
    if not (ORACLE_DIR / "node_modules" / "lora-packet").is_dir():
        pytest.skip("lora-packet not installed (run `make deps`)")
    proc = subprocess.run([NODE, str(ORACLE_DIR / "device.js"), *args], capture_output=True, text=True, timeout=30,
                          cwd=ORACLE_DIR)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


class Network:
    """tether serve with gateway and application listeners; gateways gw1..gw3, application app1 with devices."""

    def __init__(self, extra_args=()):
        self.gw_port, self.app_port = free_port(), free_port()
        self.server = Server(extra_args=["--gateway-v3-listen", f"127.0.0.1:{self.gw_port}",
                                         "--application-listen", f"127.0.0.1:{self.app_port}", *extra_args])
        for gw in ("gw1", "gw2", "gw3"):
            self.cli("gateway", "create", gw)
        self.gateway_keys = {gw: self.key("--gateway", gw, "RIGHT_GATEWAY_LINK") for gw in ("gw1", "gw2", "gw3")}
        self.cli("application", "create", "app1")
        self.app_key = self.key("--application", "app1", "RIGHT_APPLICATION_TRAFFIC_READ")
        self.cli("device", "create", "app1", "abp-dev", "--dev-addr", ABP_ADDR, "--nwk-s-key", NWK_S_KEY,
                 "--app-s-key", APP_S_KEY)
        self.cli("device", "create", "app1", "otaa-dev", "--dev-eui", DEV_EUI, "--join-eui", JOIN_EUI,
                 "--app-key", APP_KEY)
        self.server.start()
        self.gateways = {}

    def cli(self, *args):
        proc = subprocess.run([TETHER_BIN, *args, "--data-dir", str(self.server.data_dir)], capture_output=True,
                              text=True, timeout=30)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    def key(self, kind, entity, rights):
        return KEY_RE.search(self.cli("key", "create", kind, entity, "--rights", rights)).group(0)

    def gateway(self, gw):
        if gw not in self.gateways:
            endpoint = type("E", (), {"host": "127.0.0.1", "port": self.gw_port})
            c = PahoClient(endpoint, client_id=f"{gw}-client", username=gw, password=self.gateway_keys[gw])
            c.connect()
            c.subscribe(f"v3/{gw}/down", 1)
            self.gateways[gw] = c
        return self.gateways[gw]

    def uplink(self, gw, phy_hex, rssi=-60.0, snr=7.5, timestamp=1_000_000, frequency=868100000, sf=7,
               correlation_ids=()):
        up = pb.UplinkMessage(raw_payload=bytes.fromhex(phy_hex), correlation_ids=list(correlation_ids))
        up.settings.frequency = frequency
        up.settings.timestamp = timestamp
        up.settings.data_rate.lora.bandwidth = 125000
        up.settings.data_rate.lora.spreading_factor = sf
        up.settings.data_rate.lora.coding_rate = "4/5"
        md = up.rx_metadata.add()
        md.gateway_ids.gateway_id = gw
        md.timestamp = timestamp
        md.rssi = rssi
        md.channel_rssi = rssi
        md.snr = snr
        self.gateway(gw).publish(f"v3/{gw}/up", up.SerializeToString(), qos=1)

    def subscribe(self, topic, count, timeout=10):
        """mosquitto_sub on the application listener, started and subscribed before this returns."""
        sub = subprocess.Popen(["stdbuf", "-oL", "mosquitto_sub", "-h", "127.0.0.1", "-p", str(self.app_port), "-u", "app1",
                                "-P", self.app_key, "-t", topic, "-C", str(count), "-W", str(timeout), "-v",
                                "-i", f"sub-{time.monotonic_ns()}", "-d"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # -d prints the SUBACK; wait for it so nothing published next is missed.
        deadline = time.monotonic() + 5
        seen = ""
        while "SUBACK" not in seen and time.monotonic() < deadline:
            line = sub.stdout.readline()
            seen += line
        assert "SUBACK" in seen, f"mosquitto_sub did not subscribe: {seen}"
        return sub

    @staticmethod
    def events(sub):
        out, err = sub.communicate(timeout=15)
        events = []
        for line in out.splitlines():
            if line.startswith("v3/"):
                topic, payload = line.split(" ", 1)
                events.append((topic, json.loads(payload)))
        return events

    def close(self):
        for c in self.gateways.values():
            c.close()
        self.server.cleanup()


@pytest.fixture
def net():
    n = Network()
    yield n
    n.close()


def test_abp_uplink_json_field_by_field(net):
    sub = net.subscribe("v3/app1/devices/abp-dev/up", 1)
    phy = device("data", ABP_ADDR, "7", "2", "48656C6C6F", NWK_S_KEY, APP_S_KEY)
    net.uplink("gw1", phy, rssi=-42.3, snr=9.5, timestamp=2887504643)
    [(topic, event)] = net.events(sub)
    assert topic == "v3/app1/devices/abp-dev/up"
    ids = event["end_device_ids"]
    assert ids["device_id"] == "abp-dev"
    assert ids["application_ids"] == {"application_id": "app1"}
    assert ids["dev_addr"] == ABP_ADDR
    assert RFC3339_NS.match(event["received_at"])
    up = event["uplink_message"]
    assert up["f_port"] == 2
    assert up["f_cnt"] == 7
    assert base64.b64decode(up["frm_payload"]) == b"Hello"
    assert "confirmed" not in up  # zero values are omitted
    assert up["settings"]["frequency"] == "868100000"  # 64-bit integers are quoted
    assert up["settings"]["timestamp"] == 2887504643
    assert up["settings"]["data_rate"] == {"lora": {"bandwidth": 125000, "spreading_factor": 7, "coding_rate": "4/5"}}
    assert re.match(r"^0\.\d{3,9}s$", up["consumed_airtime"]), up["consumed_airtime"]
    assert RFC3339_NS.match(up["received_at"])
    [md] = up["rx_metadata"]
    assert md["gateway_ids"]["gateway_id"] == "gw1"
    assert md["rssi"] == -42.3 and md["channel_rssi"] == -42.3 and md["snr"] == 9.5
    assert md["timestamp"] == 2887504643
    assert md["uplink_token"]
    assert up["network_ids"]["net_id"] == "000013"


def test_copies_from_three_gateways_become_one_uplink_with_every_gateways_metadata(net):
    sub = net.subscribe("v3/app1/devices/abp-dev/up", 2, timeout=3)
    phy = device("data", ABP_ADDR, "1", "1", "AABB", NWK_S_KEY, APP_S_KEY)
    for gw, rssi in (("gw1", -80.0), ("gw2", -50.0), ("gw3", -110.0)):
        net.uplink(gw, phy, rssi=rssi, snr=rssi / 10)
    events = net.events(sub)  # waits up to 3 s for a second event that must not come
    assert len(events) == 1, [e["uplink_message"]["f_cnt"] for _, e in events]
    md = events[0][1]["uplink_message"]["rx_metadata"]
    assert sorted(m["gateway_ids"]["gateway_id"] for m in md) == ["gw1", "gw2", "gw3"]
    assert {m["gateway_ids"]["gateway_id"]: m["rssi"] for m in md} == {"gw1": -80.0, "gw2": -50.0, "gw3": -110.0}


def test_replayed_and_forged_frames_are_dropped(net):
    sub = net.subscribe("v3/app1/devices/abp-dev/up", 3, timeout=4)
    first = device("data", ABP_ADDR, "10", "1", "01", NWK_S_KEY, APP_S_KEY)
    forged = device("data", ABP_ADDR, "12", "1", "02", NWK_S_KEY, "00" * 16)[:-8] + "00000000"  # wrong MIC
    net.uplink("gw1", first)
    time.sleep(0.5)  # past the dedup window: the same frame again is a replay
    net.uplink("gw1", first)
    net.uplink("gw1", forged)
    net.uplink("gw1", device("data", ABP_ADDR, "11", "1", "03", NWK_S_KEY, APP_S_KEY))
    events = net.events(sub)
    assert [e["uplink_message"]["f_cnt"] for _, e in events] == [10, 11]
    assert "dropped uplink" in net.server.log_text()


def test_otaa_join_then_uplink(net):
    sub = net.subscribe("v3/app1/devices/otaa-dev/#", 2)
    dev_nonce = "0102"
    gw = net.gateway("gw1")
    net.uplink("gw1", device("join-request", APP_KEY, JOIN_EUI, DEV_EUI, dev_nonce), timestamp=5_000_000)
    message = gw.get(what="the join-accept")
    assert message.qos == 1, "downlinks go out at the QoS the gateway subscribed with"
    down = pb.GatewayDown.FromString(message.payload).downlink_message
    # Class A join-accept: RX1 at JOIN_ACCEPT_DELAY1 (5 s) after the join-request, same frequency in EU868.
    assert down.scheduled.timestamp == 5_000_000 + 5_000_000
    assert down.scheduled.frequency == 868100000
    assert down.scheduled.data_rate.lora.spreading_factor == 7
    assert down.scheduled.downlink.invert_polarization
    assert any(c.startswith("gs:down:token:") for c in down.correlation_ids)
    accept = json.loads(device("join-accept", APP_KEY, down.raw_payload.hex(), dev_nonce))
    assert accept["mic_ok"]
    assert accept["net_id"] == "000013"
    assert int(accept["dev_addr"], 16) >> 25 == 0x13 & 0x7F  # NwkID of NetID 000013 in the top 7 bits
    phy = device("data", accept["dev_addr"], "1", "5", "CAFE", accept["nwk_s_key"], accept["app_s_key"])
    net.uplink("gw2", phy)
    events = dict(net.events(sub))
    join = events["v3/app1/devices/otaa-dev/join"]
    assert join["end_device_ids"]["dev_eui"] == DEV_EUI and join["end_device_ids"]["join_eui"] == JOIN_EUI
    assert join["end_device_ids"]["dev_addr"] == accept["dev_addr"]
    assert join["join_accept"]["session_key_id"]
    up = events["v3/app1/devices/otaa-dev/up"]["uplink_message"]
    assert base64.b64decode(up["frm_payload"]) == b"\xca\xfe"
    assert up["f_port"] == 5
    assert up["session_key_id"] == join["join_accept"]["session_key_id"]


def test_reused_dev_nonce_is_refused(net):
    gw = net.gateway("gw1")
    request = device("join-request", APP_KEY, JOIN_EUI, DEV_EUI, "0007")
    net.uplink("gw1", request, timestamp=1_000_000)
    gw.get(what="the first join-accept")
    time.sleep(0.5)
    net.uplink("gw1", request, timestamp=9_000_000)
    gw.expect_no_message(1.5)
    assert "DevNonce" in net.server.log_text() or "dev_nonce" in net.server.log_text()


def test_application_sees_only_its_own_devices(net):
    net.cli("application", "create", "app2")
    other_key = net.key("--application", "app2", "RIGHT_APPLICATION_TRAFFIC_READ")
    other = subprocess.Popen(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(net.app_port), "-u", "app2",
                              "-P", other_key, "-t", "#", "-W", "3", "-v"], stdout=subprocess.PIPE, text=True)
    sub = net.subscribe("#", 1)
    time.sleep(0.3)
    net.uplink("gw1", device("data", ABP_ADDR, "3", "1", "01", NWK_S_KEY, APP_S_KEY))
    assert [t for t, _ in net.events(sub)] == ["v3/app1/devices/abp-dev/up"]
    out, _ = other.communicate(timeout=10)
    assert out == "", "app2 must never see app1's traffic"


def test_device_created_while_running_is_used_at_once(net):  # noqa: the late-dev device
    net.cli("device", "create", "app1", "late-dev", "--dev-addr", "260BFFFF", "--nwk-s-key", NWK_S_KEY,
            "--app-s-key", APP_S_KEY)
    time.sleep(0.5)  # the registry is polled every 200 ms
    sub = net.subscribe("v3/app1/devices/late-dev/up", 1)
    net.uplink("gw1", device("data", "260BFFFF", "1", "1", "0A", NWK_S_KEY, APP_S_KEY))
    [(topic, event)] = net.events(sub)
    assert base64.b64decode(event["uplink_message"]["frm_payload"]) == b"\x0a"


def test_frame_counters_survive_a_restart(net):
    sub = net.subscribe("v3/app1/devices/abp-dev/up", 1)
    net.uplink("gw1", device("data", ABP_ADDR, "5", "1", "05", NWK_S_KEY, APP_S_KEY))
    net.events(sub)
    for c in net.gateways.values():
        c.close()
    net.gateways.clear()
    net.server.kill()  # no clean shutdown: what was acknowledged must be on disk
    net.server.start()
    sub = net.subscribe("v3/app1/devices/abp-dev/up", 2, timeout=3)
    net.uplink("gw1", device("data", ABP_ADDR, "5", "1", "05", NWK_S_KEY, APP_S_KEY))  # a replay after restart
    net.uplink("gw1", device("data", ABP_ADDR, "6", "1", "06", NWK_S_KEY, APP_S_KEY))
    assert [e["uplink_message"]["f_cnt"] for _, e in net.events(sub)] == [6]


def test_revoking_an_application_key_disconnects_its_clients(net):
    key = net.key("--application", "app1", "RIGHT_APPLICATION_TRAFFIC_READ")
    endpoint = type("E", (), {"host": "127.0.0.1", "port": net.app_port})
    c = PahoClient(endpoint, client_id="app-client", username="app1", password=key)
    c.connect()
    net.cli("key", "delete", key.split(".")[1])
    assert c.disconnected.wait(1.5), "a client whose key was revoked must be disconnected within a second"
    c.client.loop_stop()
