"""--log-format json: every line the server logs is one JSON object with time, level, logger and message, and a
warning about a gateway carries the gateway's ID as a field. Provoked with a real MQTT gateway client: a bad
login (refused, logged with its client ID) and a malformed uplink (a warning with gateway_id)."""
import json
import re
import subprocess
import time

import pytest

from paho_helpers import PahoClient
from server_control import TETHER_BIN, Server, free_port

pytestmark = pytest.mark.tether_only

KEY_RE = re.compile(r"NNSXS\.[A-Z2-7]{39}\.[A-Z2-7]{52}")
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def json_lines(server):
    lines = [line for line in server.log_text().splitlines() if line and not line.startswith("=== start")]
    return [json.loads(line) for line in lines]  # each one must parse


def wait_for(server, predicate, what, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [e for e in json_lines(server) if predicate(e)]
        if found:
            return found[0]
        time.sleep(0.1)
    raise AssertionError(f"no log line with {what}:\n{server.log_text()}")


@pytest.fixture
def server():
    gw_port = free_port()
    s = Server(extra_args=["--gateway-v3-listen", f"127.0.0.1:{gw_port}", "--log-format", "json"])
    s.gw_port = gw_port
    proc = subprocess.run([TETHER_BIN, "gateway", "create", "gw1", "--data-dir", str(s.data_dir)],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    proc = subprocess.run([TETHER_BIN, "key", "create", "--gateway", "gw1", "--rights", "RIGHT_GATEWAY_LINK",
                           "--data-dir", str(s.data_dir)], capture_output=True, text=True, timeout=30)
    s.gw_key = KEY_RE.search(proc.stdout).group(0)
    s.start()
    yield s
    s.cleanup()


def test_every_line_is_json_and_a_gateway_warning_names_the_gateway(server):
    endpoint = type("E", (), {"host": "127.0.0.1", "port": server.gw_port})
    bad = PahoClient(endpoint, client_id="intruder-1", username="gw1", password="NNSXS.WRONG.KEY")
    bad.connect(expect_rc=None)
    bad.close()
    refused = wait_for(server, lambda e: e.get("client_id") == "intruder-1", "the refused client's ID")
    assert "refused" in refused["message"]

    gw = PahoClient(endpoint, client_id="gw1-client", username="gw1", password=server.gw_key)
    gw.connect()
    gw.publish("v3/gw1/up", b"\xff\xff\xff\xff not a protobuf", qos=1)
    warning = wait_for(server, lambda e: e["level"] == "warning" and e.get("gateway_id") == "gw1",
                       "a warning with gateway_id")
    assert warning["client_id"] == "gw1-client"
    assert "dropped a message" in warning["message"]
    assert warning["component"] == "gateway-v3"
    gw.close()

    lines = json_lines(server)
    assert len(lines) > 3
    for e in lines:
        assert RFC3339.match(e["time"]), e
        assert e["level"] in ("trace", "debug", "info", "warning", "error", "critical"), e
        assert e["logger"] and isinstance(e["message"], str), e
    assert any(e.get("component") == "http" or "listening" in e["message"] for e in lines)


def test_a_dropped_uplink_is_a_warning_with_the_devices_ids_and_correlation_ids():
    from test_uplink_path import ABP_ADDR, APP_S_KEY, NWK_S_KEY, Network, device
    net = Network(extra_args=["--log-format", "json"])
    try:
        net.uplink("gw1", device("data", ABP_ADDR, "5", "1", "01", NWK_S_KEY, APP_S_KEY))
        # FCnt 3 after 5: a replay, dropped.
        net.uplink("gw1", device("data", ABP_ADDR, "3", "1", "02", NWK_S_KEY, APP_S_KEY),
                   correlation_ids=["gw:uplink:test-1", "trace 7"])
        drop = wait_for(net.server, lambda e: "dropped uplink" in e["message"], "the replay's drop line")
        assert drop["level"] == "warning", "a lost frame must be visible at --log-level warn"
        assert (drop["application_id"], drop["device_id"], drop["dev_addr"]) == ("app1", "abp-dev", ABP_ADDR.upper())
        assert drop["gateway_id"] == "gw1"
        assert drop["correlation_ids"] == ["gw:uplink:test-1", "trace 7"]
        assert "replay" in drop["message"]
    finally:
        net.close()
