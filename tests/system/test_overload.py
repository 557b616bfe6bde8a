"""The uplink path when the network core falls behind (issue 20): gateways are slowed down (their connections are
read no faster than the core keeps up) instead of their uplinks being lost; nothing valid is dropped as a replay;
whatever is still shed is counted per reason on /metrics and logged at warning level; afterwards latency is back to
normal. Frames are built here (AES-CMAC MIC, AES keystream) for ABP devices the test registers.

Heavy: the overload run loads both cores for about half a minute. It asserts on correctness, not on speed, so it
passes on a loaded 2-core machine."""
import json
import re
import subprocess
import threading
import time
import urllib.request

import paho.mqtt.client as mqtt
import pytest
from cryptography.hazmat.primitives import cmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from server_control import TETHER_BIN, Server, free_port
from ttsv3_proto import pb

pytestmark = pytest.mark.tether_only

KEY_RE = re.compile(r"NNSXS\.[A-Z2-7]{39}\.[A-Z2-7]{52}")
NWK_S_KEY = bytes.fromhex("2B7E151628AED2A6ABF7158809CF4F3C")
APP_S_KEY = bytes.fromhex("000102030405060708090A0B0C0D0E0F")
FIRST_ADDR = 0x26100000
DEVICES = 50


def data_up(dev_addr, f_cnt, payload, f_port=1):
    """An unconfirmed data uplink (LoRaWAN 1.0.x): FRMPayload encrypted with the AppSKey, MIC with the NwkSKey."""
    addr = dev_addr.to_bytes(4, "little")
    blocks = bytearray()
    ecb = Cipher(algorithms.AES(APP_S_KEY), modes.ECB()).encryptor()
    for i in range((len(payload) + 15) // 16):
        blocks += ecb.update(bytes([1, 0, 0, 0, 0, 0]) + addr + f_cnt.to_bytes(4, "little") + bytes([0, i + 1]))
    encrypted = bytes(p ^ k for p, k in zip(payload, blocks))
    msg = bytes([0x40]) + addr + bytes([0]) + (f_cnt & 0xFFFF).to_bytes(2, "little") + bytes([f_port]) + encrypted
    b0 = bytes([0x49, 0, 0, 0, 0, 0]) + addr + f_cnt.to_bytes(4, "little") + bytes([0, len(msg)])
    mac = cmac.CMAC(algorithms.AES(NWK_S_KEY))
    mac.update(b0 + msg)
    return msg + mac.finalize()[:4]


def gateway_up(gw, phy, timestamp):
    up = pb.UplinkMessage(raw_payload=phy)
    up.settings.frequency = 868100000
    up.settings.timestamp = timestamp
    up.settings.data_rate.lora.bandwidth = 125000
    up.settings.data_rate.lora.spreading_factor = 7
    up.settings.data_rate.lora.coding_rate = "4/5"
    md = up.rx_metadata.add()
    md.gateway_ids.gateway_id = gw
    md.timestamp = timestamp
    md.rssi = -70.0
    md.snr = 7.0
    return up.SerializeToString()


class Network:
    """tether serve with gateway, application and HTTP listeners; gateways gw1..gw3, app1 with DEVICES ABP devices."""

    def __init__(self, log_level="debug"):
        self.gw_port, self.app_port, self.http_port = free_port(), free_port(), free_port()
        extra = ["--gateway-v3-listen", f"127.0.0.1:{self.gw_port}", "--application-listen",
                 f"127.0.0.1:{self.app_port}", "--http-listen", f"127.0.0.1:{self.http_port}"]
        self.server = Server(extra_args=extra, log_level=log_level)
        for gw in ("gw1", "gw2", "gw3"):
            self.cli("gateway", "create", gw)
        self.gateway_keys = {gw: self.key("--gateway", gw, "RIGHT_GATEWAY_LINK") for gw in ("gw1", "gw2", "gw3")}
        self.cli("application", "create", "app1")
        self.app_key = self.key("--application", "app1", "RIGHT_APPLICATION_TRAFFIC_READ")
        for d in range(DEVICES):
            self.cli("device", "create", "app1", f"dev{d}", "--dev-addr", f"{FIRST_ADDR + d:08X}", "--nwk-s-key",
                     NWK_S_KEY.hex(), "--app-s-key", APP_S_KEY.hex())
        self.server.start()

    def cli(self, *args):
        proc = subprocess.run([TETHER_BIN, *args, "--data-dir", str(self.server.data_dir)], capture_output=True,
                              text=True, timeout=30)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    def key(self, kind, entity, rights):
        return KEY_RE.search(self.cli("key", "create", kind, entity, "--rights", rights)).group(0)

    def metrics(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.http_port}/metrics", timeout=10) as r:
            text = r.read().decode()
        values = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                name, value = line.rsplit(" ", 1)
                values[name] = float(value)
        return values

    def dropped(self, reason):
        return self.metrics().get(f'tether_lorawan_frames_dropped_total{{reason="{reason}"}}', 0)

    def close(self):
        self.server.cleanup()


class Gateway:
    """A gateway publishing at QoS 1 without waiting for each PUBACK; tells which uplinks were acknowledged."""

    def __init__(self, net, gw):
        self.gw = gw
        self.sent = []  # (key, paho MQTTMessageInfo): published once the PUBACK came
        self.client = mqtt.Client(client_id=f"{gw}-client", clean_session=True)
        self.client.username_pw_set(gw, net.gateway_keys[gw])
        self.client.max_inflight_messages_set(200)
        self.client.max_queued_messages_set(0)
        connected = threading.Event()
        self.client.on_connect = lambda c, u, f, rc: connected.set()
        self.client.connect("127.0.0.1", net.gw_port, keepalive=60)
        self.client.loop_start()
        assert connected.wait(10), f"{gw}: no CONNACK"

    def publish(self, key, phy, timestamp):
        self.sent.append((key, self.client.publish(f"v3/{self.gw}/up", gateway_up(self.gw, phy, timestamp), qos=1)))

    def acked(self):
        return {key for key, info in self.sent if info.is_published()}

    def wait_acked(self, count, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(self.acked()) < count:
            time.sleep(0.05)

    def close(self):
        self.client.disconnect()
        self.client.loop_stop()


class Application:
    """The application's subscriber at QoS 1: (device, f_cnt) of every uplink, in arrival order."""

    def __init__(self, net):
        self.received = []
        self.lock = threading.Lock()
        self.client = mqtt.Client(client_id=f"app-{time.monotonic_ns()}", clean_session=True)
        self.client.username_pw_set("app1", net.app_key)
        subscribed = threading.Event()
        self.client.on_message = self._on_message
        self.client.on_connect = lambda c, u, f, rc: c.subscribe("v3/app1/devices/+/up", 1)
        self.client.on_subscribe = lambda c, u, mid, granted: subscribed.set()
        self.client.connect("127.0.0.1", net.app_port, keepalive=60)
        self.client.loop_start()
        assert subscribed.wait(10), "application: no SUBACK"

    def _on_message(self, client, userdata, message):
        event = json.loads(message.payload)
        key = (event["end_device_ids"]["device_id"], event["uplink_message"].get("f_cnt", 0))
        with self.lock:
            self.received.append(key)

    def wait_for(self, count, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.received) >= count:
                    break
            time.sleep(0.05)
        with self.lock:
            return list(self.received)

    def close(self):
        self.client.disconnect()
        self.client.loop_stop()


def assert_once_in_order(received, expected):
    """Each expected (device, f_cnt) exactly once, and each device's counters increasing."""
    assert len(received) == len(set(received)), "duplicates delivered"
    missing = set(expected) - set(received)
    assert not missing, f"{len(missing)} uplinks not delivered, e.g. {sorted(missing)[:5]}"
    last = {}
    for device, f_cnt in received:
        assert f_cnt > last.get(device, -1), f"{device}: FCnt {f_cnt} after {last[device]}"
        last[device] = f_cnt


@pytest.fixture
def net():
    n = Network()
    yield n
    n.close()


@pytest.mark.xfail(reason="open (issue 20): 150 of 500 frames dropped as replay; not yet known whether the "
                          "server or the test's per-connection paho queues let other gateways' copies of later "
                          "frames overtake gw1's copies of earlier ones", strict=False)
def test_a_gateway_flushing_its_buffer_gets_every_uplink_delivered_once_in_order(net):
    """One gateway comes back and flushes 500 buffered uplinks of 50 devices back to back while two other
    gateways, which heard some of the same frames, publish theirs at the same time."""
    app = Application(net)
    gateways = {gw: Gateway(net, gw) for gw in ("gw1", "gw2", "gw3")}
    frames = [(d, f) for f in range(10) for d in range(DEVICES)]  # oldest first, as buffered
    phys = {(d, f): data_up(FIRST_ADDR + d, f, b"buffered %d/%d" % (d, f)) for d, f in frames}
    heard = {"gw1": frames, "gw2": {k for k in frames if (k[0] + k[1]) % 3 == 0},
             "gw3": {k for k in frames if (k[0] + k[1]) % 4 == 1}}

    # Back to back, each frame's copies together: the others heard the frames when gw1 did, so their copies
    # leave with gw1's (a copy of a later frame ahead of gw1's copy of an earlier one would make that earlier
    # one a true replay). Three connections: the server reads them on its workers concurrently.
    for i, key in enumerate(frames):
        for gw, keys in heard.items():
            if gw == "gw1" or key in keys:
                gateways[gw].publish(key, phys[key], 1_000_000 + 1000 * i)
    for gw, g in gateways.items():
        g.wait_acked(len(heard[gw]), 30)
        assert len(g.acked()) == len(heard[gw]), f"{gw}: {len(g.acked())} of {len(heard[gw])} acknowledged"
    received = app.wait_for(len(frames), 20)
    time.sleep(0.5)  # a duplicate would come now
    received = app.wait_for(len(frames), 0)
    expected = [(f"dev{d}", f) for d, f in frames]
    assert_once_in_order(received, expected)
    assert len(received) == len(frames)
    m = net.metrics()
    assert net.dropped("replay") == 0
    assert net.dropped("retransmission") == 0
    copies = sum(len(v) for v in heard.values())
    assert m["tether_lorawan_uplink_copies_received_total"] == copies
    assert (m["tether_lorawan_uplink_copies_merged_total"] + m["tether_lorawan_uplink_copies_late_total"]
            == copies - len(frames))
    for g in gateways.values():
        g.close()
    app.close()


def sim(net, *args, timeout):
    cmd = [TETHER_BIN, "sim", "--data-dir", str(net.server.data_dir), "--gateway-address",
           f"127.0.0.1:{net.gw_port}", "--application-address", f"127.0.0.1:{net.app_port}", "--json", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    assert proc.stdout, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.heavy
@pytest.mark.xfail(reason="open (issue 20): at 60,000/s offered 146,705 copies still dropped as replay (01:43 UTC "
                          "run): the reordering mechanism is not yet found", strict=False)
def test_overload_slows_gateways_down_and_loses_nothing_silently():
    """`tether sim` offers far more than the server can take (at least twice what it manages on this machine)
    for 15 s while a QoS 1 gateway of the test's own devices publishes too; then both stop. Every uplink the
    QoS 1 gateway got a PUBACK for is delivered or counted as shed (with a warning); every uplink the simulator
    sent arrives or is counted as shed; none is dropped as a replay; then latency is back to normal."""
    net = Network(log_level="info")
    try:
        app = Application(net)
        gw = Gateway(net, "gw1")
        stop = threading.Event()
        published = []

        def own_devices():
            f = 0
            while not stop.is_set():
                for d in range(DEVICES):
                    gw.publish((f"dev{d}", f), data_up(FIRST_ADDR + d, f, b"own %d" % f), 1_000_000 + f)
                    published.append((f"dev{d}", f))
                f += 1
                time.sleep(0.1)

        own = threading.Thread(target=own_devices)
        own.start()
        report = sim(net, "--activation", "abp", "--gateways", "3", "--devices", "1000", "--rate", "60000",
                     "--duration", "15s", "--drain-timeout", "20s", timeout=100)
        stop.set()
        own.join()
        gw.wait_acked(len(published), 30)
        acked = gw.acked()
        received = app.wait_for(len(acked), 30)
        m = net.metrics()
        shed = sum(net.dropped(r) for r in ("overload_shed", "dedup_full"))
        log = net.server.log_text(limit=2_000_000)

        assert net.dropped("replay") == 0, "valid frames dropped as replays"
        assert m["tether_lorawan_gateway_reads_paused_total"] > 0, "the core never fell behind: no overload"
        assert report["sent"] > 0 and report["duplicates"] == 0 and report["wrong_payloads"] == 0
        if shed == 0:
            assert report["missing"] == 0, report
            assert acked <= set(received), f"{len(acked - set(received))} acknowledged uplinks not delivered"
        else:
            assert re.search(r"\[warning\].*(overload_shed|dedup_full)", log), "shed without a warning"
            assert report["missing"] <= shed
            assert len(acked - set(received)) <= shed
        assert_once_in_order([k for k in received if k in acked], [k for k in acked if k in received])

        # Back to normal: a light load right after is delivered at the usual latency (the dedup window plus a
        # little, generous for a loaded machine).
        after = sim(net, "--activation", "abp", "--gateways", "3", "--devices", "200", "--rate", "200",
                    "--duration", "3s", timeout=60)
        assert after["passed"] is True, after
        assert after["latency_ms"]["p99"] < 1500, after["latency_ms"]
        gw.close()
        app.close()
    finally:
        net.close()
