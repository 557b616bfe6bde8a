"""The LoRaWAN network the system tests start: `tether serve` with a TTS v3 gateway listener and an application
listener, gateways gw1..gw3 with keys, application app1 with a traffic key, and the devices a test asks for, all
made with the CLI before the server starts. Gateways are real MQTT clients (paho) publishing TTS v3 protobuf
uplinks; applications subscribe with mosquitto_sub. Frames come from the npm package lora-packet
(tests/oracle, `make deps-npm`)."""
import json
import pathlib
import re
import subprocess
import time

import pytest

from paho_helpers import PahoClient
from server_control import TETHER_BIN, Server, free_port
from ttsv3_proto import pb

ORACLE_DIR = pathlib.Path(__file__).resolve().parents[1] / "oracle"
KEY_RE = re.compile(r"NNSXS\.[A-Z2-7]{39}\.[A-Z2-7]{52}")
NODE = "/usr/bin/node"

APP_KEY = "2B7E151628AED2A6ABF7158809CF4F3C"
JOIN_EUI = "70B3D57ED0000000"
DEV_EUI = "0004A30B001C0530"
ABP_ADDR = "260B1234"
NWK_S_KEY = "00112233445566778899AABBCCDDEEFF"
APP_S_KEY = "FFEEDDCCBBAA99887766554433221100"


def device(*args):
    """tests/oracle/device.js: join-request | join-accept | data | downlink, made or read by lora-packet."""
    if not (ORACLE_DIR / "node_modules" / "lora-packet").is_dir():
        pytest.skip("lora-packet not installed (run `make deps`)")
    proc = subprocess.run([NODE, str(ORACLE_DIR / "device.js"), *args], capture_output=True, text=True, timeout=30,
                          cwd=ORACLE_DIR)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def abp_device(device_id, dev_addr, *extra):
    """`tether device create` arguments of an ABP device of app1 with the shared session keys."""
    return ("app1", device_id, "--dev-addr", dev_addr, "--nwk-s-key", NWK_S_KEY, "--app-s-key", APP_S_KEY, *extra)


OTAA_DEVICE = ("app1", "otaa-dev", "--dev-eui", DEV_EUI, "--join-eui", JOIN_EUI, "--app-key", APP_KEY)


class LoraNetwork:
    """tether serve with gateway and application listeners; gateways gw1..gw3, application app1 and `devices`
    (each the arguments of one `tether device create`)."""

    def __init__(self, devices, extra_args=()):
        self.gw_port, self.app_port = free_port(), free_port()
        self.server = Server(extra_args=["--gateway-v3-listen", f"127.0.0.1:{self.gw_port}",
                                         "--application-listen", f"127.0.0.1:{self.app_port}", *extra_args])
        for gw in ("gw1", "gw2", "gw3"):
            self.cli("gateway", "create", gw)
        self.gateway_keys = {gw: self.key("--gateway", gw, "RIGHT_GATEWAY_LINK") for gw in ("gw1", "gw2", "gw3")}
        self.cli("application", "create", "app1")
        self.app_key = self.key("--application", "app1", "RIGHT_APPLICATION_TRAFFIC_READ")
        for d in devices:
            self.cli("device", "create", *d)
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
