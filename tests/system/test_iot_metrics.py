"""The IoT platform realm's own counters on /metrics: logins by outcome and auto-registrations by outcome,
read with http.client while paho clients log in and a gateway introduces a new device."""
import json
import time

import pytest

from server_control import free_port
from test_http import metric
from test_iot_realm import ORG, Iot, device, gateway, pytestmark  # noqa: F401 (the same skip rules)


@pytest.fixture
def iot_http(make_broker):
    port, http_port = free_port(), free_port()
    server = make_broker(extra_args=["--iot-listen", f"127.0.0.1:{port}", "--http-listen", f"127.0.0.1:{http_port}"])
    env = Iot(server, port)
    env.http_port = http_port
    env.cli("org", "create", ORG)
    env.cli("type", "create", ORG, "sensor", "--class", "device")
    env.cli("type", "create", ORG, "gwt", "--class", "gateway")
    env.cli("device", "create", ORG, "sensor", "d1", "--token", "token-d1")
    env.cli("gateway", "create", ORG, "gwt", "g1", "--token", "token-g1", "--role", "privileged")
    return env


def wait_metric(env, value, name, **labels):
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and metric(env, name, **labels) < value:
        time.sleep(0.1)
    assert metric(env, name, **labels) == value, (name, labels)


def test_logins_and_auto_registrations_are_counted(iot_http):
    time.sleep(1.2)  # the running server picks registry changes up within a second
    assert metric(iot_http, "tether_iot_connects_total", outcome="accepted") == 0
    d = device(iot_http, "d1").connect()
    device(iot_http, "d1", token="wrong-token").connect(expect=4)
    wait_metric(iot_http, 1, "tether_iot_connects_total", outcome="accepted")
    wait_metric(iot_http, 1, "tether_iot_connects_total", outcome="refused")
    g = gateway(iot_http).connect()
    g.publish("iot-2/type/sensor/id/newcomer/evt/hello/fmt/json", json.dumps({"n": 1}), qos=1)
    wait_metric(iot_http, 1, "tether_iot_auto_registrations_total", outcome="registered")
    assert metric(iot_http, "tether_iot_drops_total", reason="registration_muted") == 0
    g.close()
    d.close()
