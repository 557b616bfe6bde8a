"""The uplink path end to end: gateways publish TTS v3 protobuf uplinks built from frames that the npm package
lora-packet made (an independent device implementation), the network core joins, deduplicates, verifies and
decrypts, and the application receives The Things Stack JSON on the application listener via mosquitto_sub."""
import base64
import json
import re
import subprocess
import time

import pytest

from lora_network import (ABP_ADDR, APP_KEY, APP_S_KEY, DEV_EUI, JOIN_EUI, KEY_RE, NODE, NWK_S_KEY,  # noqa: F401
                          ORACLE_DIR, OTAA_DEVICE, LoraNetwork, abp_device, device)
from paho_helpers import PahoClient
from ttsv3_proto import pb

pytestmark = pytest.mark.tether_only

RFC3339_NS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3}|\.\d{6}|\.\d{9})?Z$")


class Network(LoraNetwork):
    """The shared network with an ABP device (abp-dev) and an OTAA one (otaa-dev); other tests build on it."""

    def __init__(self, extra_args=()):
        super().__init__([abp_device("abp-dev", ABP_ADDR), OTAA_DEVICE], extra_args)


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
    # Past the 1 s in which the same bytes again count as a late gateway copy (copies_late), not a replay.
    time.sleep(1.2)
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
