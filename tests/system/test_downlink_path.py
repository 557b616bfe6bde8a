"""The downlink path end to end: an application pushes with mosquitto_pub, the next uplink opens the Class A
window, the gateway receives a GatewayDown whose PHYPayload the npm package lora-packet decrypts to the pushed
bytes, and the gateway's TxAck turns into down/sent (or down/failed) on the application listener."""
import base64
import json
import subprocess

import pytest

from test_uplink_path import ABP_ADDR, APP_S_KEY, NWK_S_KEY, Network, device  # noqa: F401 (the fixture below)
from ttsv3_proto import pb

pytestmark = pytest.mark.tether_only


@pytest.fixture
def net():
    n = Network()
    n.write_key = n.key("--application", "app1", "RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE")
    yield n
    n.close()


def push(net, body, device_id="abp-dev", kind="push"):
    proc = subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(net.app_port), "-u", "app1",
                           "-P", net.write_key, "-q", "1", "-t", f"v3/app1/devices/{device_id}/down/{kind}",
                           "-m", json.dumps(body)], capture_output=True, text=True, timeout=10)
    assert proc.returncode == 0, proc.stderr


def class_a_downlink(net, fcnt, timestamp=3_000_000):
    """Sends an uplink of the ABP device through gw1 and returns the GatewayDown's DownlinkMessage."""
    gw = net.gateway("gw1")
    net.uplink("gw1", device("data", ABP_ADDR, str(fcnt), "1", "01", NWK_S_KEY, APP_S_KEY), timestamp=timestamp)
    return pb.GatewayDown.FromString(gw.get(what="a downlink").payload).downlink_message


def tx_ack(net, down, result=0):
    ack = pb.TxAcknowledgment()
    ack.correlation_ids.extend(down.correlation_ids)
    ack.result = result
    net.gateway("gw1").publish("v3/gw1/down/ack", ack.SerializeToString(), qos=1)


def test_pushed_downlink_reaches_the_device_and_tx_ack_gives_sent(net):
    sub = net.subscribe("v3/app1/devices/abp-dev/down/#", 2)
    push(net, {"downlinks": [{"f_port": 7, "frm_payload": base64.b64encode(b"hello").decode(),
                              "priority": "HIGH", "correlation_ids": ["test:push:1"]}]})
    down = class_a_downlink(net, fcnt=1, timestamp=3_000_000)
    # Class A RX1: one second after the uplink (RECEIVE_DELAY1 of an ABP device), same channel in EU868.
    assert down.scheduled.timestamp == 3_000_000 + 1_000_000
    assert down.scheduled.frequency == 868100000
    assert down.scheduled.data_rate.lora.spreading_factor == 7
    frame = json.loads(device("downlink", down.raw_payload.hex(), NWK_S_KEY, APP_S_KEY))
    assert frame["mic_ok"]
    assert frame["dev_addr"] == ABP_ADDR
    assert frame["f_port"] == 7
    assert bytes.fromhex(frame["payload"]) == b"hello"
    tx_ack(net, down)
    events = net.events(sub)
    assert [t for t, _ in events] == ["v3/app1/devices/abp-dev/down/queued", "v3/app1/devices/abp-dev/down/sent"]
    queued, sent = events[0][1], events[1][1]
    assert queued["downlink_queued"]["priority"] == "HIGH"
    assert "test:push:1" in queued["downlink_queued"]["correlation_ids"]
    assert base64.b64decode(sent["downlink_sent"]["frm_payload"]) == b"hello"
    assert "test:push:1" in sent["downlink_sent"]["correlation_ids"]


def test_tx_ack_error_gives_failed(net):
    sub = net.subscribe("v3/app1/devices/abp-dev/down/#", 2)
    push(net, {"downlinks": [{"f_port": 3, "frm_payload": "AQI=", "correlation_ids": ["test:push:2"]}]})
    down = class_a_downlink(net, fcnt=1)
    tx_ack(net, down, result=pb.TxAcknowledgment.TOO_LATE)
    events = net.events(sub)
    assert events[-1][0] == "v3/app1/devices/abp-dev/down/failed"
    assert events[-1][1]["downlink_failed"]["error"]["name"]


def test_rejected_downlinks_are_reported_not_dropped(net):
    sub = net.subscribe("v3/app1/devices/abp-dev/down/failed", 2)
    errors = net.subscribe("v3/app1/errors", 1)
    push(net, {"downlinks": [{"f_port": 0, "frm_payload": "AQI="},
                             {"f_port": 1, "frm_payload": base64.b64encode(bytes(250)).decode()}]})
    subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(net.app_port), "-u", "app1", "-P", net.write_key,
                    "-t", "v3/app1/devices/abp-dev/down/push", "-m", "{not json"], check=True, timeout=10)
    names = sorted(e["downlink_failed"]["error"]["name"] for _, e in net.events(sub))
    assert names == ["application_downlink_too_long", "no_f_port"]
    [(topic, error)] = net.events(errors)
    assert error["topic"] == "v3/app1/devices/abp-dev/down/push" and error["reason"]


def test_replace_clears_the_queue(net):
    sub = net.subscribe("v3/app1/devices/abp-dev/down/queued", 2)
    push(net, {"downlinks": [{"f_port": 1, "frm_payload": "AQ=="}]})
    push(net, {"downlinks": [{"f_port": 2, "frm_payload": "Ag=="}]}, kind="replace")
    net.events(sub)
    down = class_a_downlink(net, fcnt=1)
    frame = json.loads(device("downlink", down.raw_payload.hex(), NWK_S_KEY, APP_S_KEY))
    assert frame["f_port"] == 2 and frame["payload"] == "02"


def test_a_key_without_down_write_cannot_push(net):
    sub = net.subscribe("v3/app1/devices/abp-dev/down/#", 1, timeout=2)
    subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(net.app_port), "-u", "app1", "-P", net.app_key,
                    "-q", "1", "-t", "v3/app1/devices/abp-dev/down/push",
                    "-m", '{"downlinks":[{"f_port":1,"frm_payload":"AQ=="}]}'], check=True, timeout=10)
    assert net.events(sub) == []
