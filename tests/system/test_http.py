"""The HTTP side of `tether serve` (--http-listen) with real clients: http.client for /healthz, /readyz, /metrics
and bad requests, `promtool check metrics` on the exposition, and a real Prometheus (Debian's `prometheus`, started
here on a loopback port with its own storage) scraping /metrics every second while `tether sim` sends uplinks;
the test asks Prometheus's HTTP API for the uplink counter rising and for a gateway drop with its reason label."""
import http.client
import json
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.parse
from pathlib import Path

import pytest

from paho_helpers import PahoClient
from server_control import TETHER_BIN, Server, free_port

pytestmark = pytest.mark.tether_only

KEY_RE = re.compile(r"NNSXS\.[A-Z2-7]{39}\.[A-Z2-7]{52}")
PROMETHEUS = shutil.which("prometheus") or "/usr/bin/prometheus"
PROMTOOL = shutil.which("promtool") or "/usr/bin/promtool"


def start_server():
    gw_port, app_port, http_port = free_port(), free_port(), free_port()
    server = Server(extra_args=["--gateway-v3-listen", f"127.0.0.1:{gw_port}",
                                "--application-listen", f"127.0.0.1:{app_port}",
                                "--http-listen", f"127.0.0.1:{http_port}"])
    server.start()
    server.gw_port, server.app_port, server.http_port = gw_port, app_port, http_port
    return server


@pytest.fixture(scope="module")
def network():
    server = start_server()
    yield server
    server.stop()
    server.cleanup()


def request(server, method, path, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", server.http_port, timeout=5)
    try:
        conn.request(method, path, headers=headers or {})
        res = conn.getresponse()
        return res.status, dict(res.getheaders()), res.read()
    finally:
        conn.close()


def cli(server, *args):
    proc = subprocess.run([TETHER_BIN, *args, "--data-dir", str(server.data_dir)], capture_output=True, text=True,
                          timeout=30)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_healthz_answers(network):
    status, headers, body = request(network, "GET", "/healthz")
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == {"status": "ok"}


def test_readyz_is_ready_with_every_listener_open_and_the_store_writable(network):
    status, _, body = request(network, "GET", "/readyz")
    assert status == 200, body
    assert json.loads(body) == {"ready": True, "checks": {"listeners": {"ready": True}, "store": {"ready": True}}}


def test_readyz_is_503_and_names_the_store_while_the_database_is_gone():
    server = start_server()
    try:
        db = server.data_dir / "tether.db"
        moved = server.data_dir / "moved.db"
        db.rename(moved)
        status, _, body = request(server, "GET", "/readyz")
        assert status == 503, body
        report = json.loads(body)
        assert report["ready"] is False
        assert report["checks"]["listeners"] == {"ready": True}
        assert report["checks"]["store"]["ready"] is False
        assert "tether.db" in report["checks"]["store"]["reason"]
        moved.rename(db)
        assert request(server, "GET", "/readyz")[0] == 200
    finally:
        server.stop()
        server.cleanup()


def test_an_unknown_path_is_404_and_another_method_405(network):
    status, headers, body = request(network, "GET", "/nothing-here")
    assert status == 404 and json.loads(body)["error"] == "not_found"
    status, headers, body = request(network, "POST", "/metrics")
    assert status == 405 and headers["Allow"] == "GET, HEAD"
    assert json.loads(body)["error"] == "method_not_allowed"
    status, headers, body = request(network, "DELETE", "/healthz")
    assert status == 405


def test_head_sends_the_headers_only(network):
    status, headers, body = request(network, "HEAD", "/healthz")
    assert status == 200 and body == b""
    assert headers["Content-Length"] == "16"


def test_a_request_over_the_header_limit_is_431(network):
    status, _, _ = request(network, "GET", "/healthz", headers={"X-Big": "a" * 20000})
    assert status == 431


def test_a_malformed_request_is_400_and_closed(network):
    with socket.create_connection(("127.0.0.1", network.http_port), timeout=5) as s:
        s.sendall(b"NOT HTTP AT ALL\r\n\r\n")
        reply = s.recv(4096)
        assert reply.startswith(b"HTTP/1.1 400"), reply
        assert s.recv(4096) == b""  # closed


def test_keep_alive_serves_several_requests_on_one_connection(network):
    conn = http.client.HTTPConnection("127.0.0.1", network.http_port, timeout=5)
    try:
        for path in ("/healthz", "/readyz", "/metrics"):
            conn.request("GET", path)
            res = conn.getresponse()
            res.read()
            assert res.status == 200
    finally:
        conn.close()


def parse_exposition(text):
    """{family: type}, [(name, labels, value)]; asserts each sample follows its family's HELP and TYPE."""
    types, helps, samples = {}, set(), []
    sample_re = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
    label_re = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')
    current = None
    for line in text.splitlines():
        if line.startswith("# HELP "):
            helps.add(line.split(" ")[2])
        elif line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            assert name not in types, f"family {name} written twice"
            assert name in helps, f"TYPE before HELP for {name}"
            types[name] = kind
            current = name
        else:
            m = sample_re.match(line)
            assert m, f"not a sample line: {line!r}"
            name, labels = m.group(1), dict(label_re.findall(m.group(3) or ""))
            assert current and (name == current or name.startswith(current + "_")), f"{name} outside its family"
            samples.append((name, labels, float(m.group(4))))
    return types, samples


def test_metrics_is_the_prometheus_text_format(network):
    status, headers, body = request(network, "GET", "/metrics")
    assert status == 200
    assert headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    types, samples = parse_exposition(body.decode())
    for name, kind in types.items():
        assert kind in ("counter", "gauge", "histogram")
        if kind == "counter":
            assert name.endswith("_total"), name
    names = {s[0] for s in samples}
    for expected in ("tether_mqtt_connections_total", "tether_mqtt_bytes_received_total", "tether_gateways_connected",
                     "tether_lorawan_uplinks_total", "tether_lorawan_frames_dropped_total",
                     "tether_lorawan_downlinks_total", "tether_http_requests_total", "tether_mqtt_messages_queued",
                     "tether_mqtt_messages_inflight", "tether_mqtt_publish_drops_total",
                     "tether_mqtt_connections_refused_total"):
        assert expected in names, expected
    realms = {s[1].get("realm") for s in samples if s[0] == "tether_mqtt_connections_total"}
    assert realms == {"mqtt", "gateway-v3", "application"}  # Server also opens the plain broker
    for family in ("tether_mqtt_messages_queued", "tether_mqtt_messages_inflight"):
        assert {s[1]["realm"] for s in samples if s[0] == family} == realms, family
    reasons = {s[1]["reason"] for s in samples if s[0] == "tether_lorawan_frames_dropped_total"}
    assert {"mic_failed", "unknown_dev_addr", "dedup_full", "replay"} <= reasons
    drop_reasons = {(s[1]["realm"], s[1]["reason"]) for s in samples if s[0] == "tether_mqtt_publish_drops_total"}
    assert {(r, why) for r in realms for why in ("queue_full", "session_closed", "publish_denied",
                                                 "retained_store_full", "message_expired",
                                                 "too_large_for_client", "payload_format_invalid")} == drop_reasons
    codes = {(s[1]["realm"], s[1]["code"]) for s in samples if s[0] == "tether_mqtt_connections_refused_total"}
    assert {(r, str(c)) for r in realms for c in range(1, 6)} <= codes
    assert types["tether_lorawan_downlink_failures_total"] == "counter"
    for _, labels, _ in samples:  # bounded labels only
        assert set(labels) <= {"realm", "reason", "outcome", "version", "counter", "le", "store", "code",
                               "error"}, labels
    assert types["tether_uplink_latency_seconds"] == "histogram"
    assert types["tether_storage_group_commit_seconds"] == "histogram"
    stores = {s[1]["store"] for s in samples if s[0] == "tether_storage_group_commit_changes_count"}
    assert stores == {"mqtt_state", "device_sessions", "downlink_queues", "event_log"}
    inf = [s for s in samples if s[0] == "tether_uplink_latency_seconds_bucket" and s[1]["le"] == "+Inf"]
    count = [s for s in samples if s[0] == "tether_uplink_latency_seconds_count"]
    assert len(inf) == 1 and inf[0][2] == count[0][2]


def test_promtool_accepts_the_exposition(network):
    _, _, body = request(network, "GET", "/metrics")
    proc = subprocess.run([PROMTOOL, "check", "metrics"], input=body, capture_output=True, timeout=30)
    assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()


def metric(server, name, **labels):
    """The value of one sample of /metrics (None when absent)."""
    _, _, body = request(server, "GET", "/metrics")
    _, samples = parse_exposition(body.decode())
    for n, ls, value in samples:
        if n == name and all(ls.get(k) == v for k, v in labels.items()):
            return value
    return None


def raw_connect(host, port, client_id, level=4):
    """A hand-built MQTT CONNECT (clean session, keepalive 60); returns the socket and the CONNACK's return code."""
    s = socket.create_connection((host, port), timeout=5)
    cid = client_id.encode()
    body = b"\x00\x04MQTT" + bytes([level, 0x02, 0x00, 0x3c]) + len(cid).to_bytes(2, "big") + cid
    s.sendall(bytes([0x10, len(body)]) + body)
    connack = s.recv(4)
    assert connack[:2] == b"\x20\x02", connack
    return s, connack[3]


def test_metrics_count_queued_and_inflight_messages_drops_and_refusals():
    """Per realm: a persistent session's queue, QoS 1 messages a client never acknowledges, the drop past the
    queue limit with its reason, and a CONNACK refusal by its code."""
    http_port = free_port()
    server = Server(max_queued=2, extra_args=["--http-listen", f"127.0.0.1:{http_port}"])
    server.start()
    server.http_port = http_port
    try:
        assert metric(server, "tether_mqtt_messages_queued", realm="mqtt") == 0
        # An offline persistent session: two QoS 1 messages wait, the third is over its limit of 2.
        away = PahoClient(server, client_id="away", clean=False)
        away.connect()
        away.subscribe("q/t", 1)
        away.disconnect()
        # A client that never sends PUBACK: its QoS 1 messages stay in flight.
        silent, rc = raw_connect(server.host, server.port, "silent")
        assert rc == 0
        topic = b"f/t"
        silent.sendall(bytes([0x82, 2 + 2 + len(topic) + 1]) + b"\x00\x01" + len(topic).to_bytes(2, "big") + topic +
                       b"\x01")
        assert silent.recv(5)[:2] == b"\x90\x03"
        publisher = PahoClient(server, client_id="pub")
        publisher.connect()
        for i in range(3):
            publisher.publish("q/t", f"m{i}".encode(), qos=1)
            publisher.publish("f/t", f"m{i}".encode(), qos=1)
        wait_for("3 in flight", lambda: metric(server, "tether_mqtt_messages_inflight", realm="mqtt") == 3, 5)
        assert metric(server, "tether_mqtt_messages_queued", realm="mqtt") == 2
        assert metric(server, "tether_mqtt_publish_drops_total", realm="mqtt", reason="queue_full") == 1
        assert metric(server, "tether_mqtt_publish_dropped_total", realm="mqtt") == 1
        # MQTT protocol level 7 does not exist: CONNACK 1.
        refused, rc = raw_connect(server.host, server.port, "future", level=7)
        assert rc == 1
        refused.close()
        assert metric(server, "tether_mqtt_connections_refused_total", realm="mqtt", code="1") == 1
        assert metric(server, "tether_mqtt_connections_refused_total", realm="mqtt", code="5") == 0
        publisher.disconnect()
        silent.close()
    finally:
        server.stop()
        server.cleanup()


def test_qos0_past_an_online_subscribers_hard_limit_is_a_counted_drop():
    """An online subscriber that stops reading: once its socket buffers and its queue (max_queued × 100) are
    full, further QoS 0 messages are lost to it, and that is counted and logged like a QoS 1 loss."""
    http_port = free_port()
    server = Server(max_queued=2, extra_args=["--http-listen", f"127.0.0.1:{http_port}"])
    server.start()
    server.http_port = http_port
    try:
        stuck, rc = raw_connect(server.host, server.port, "stuck")
        assert rc == 0
        stuck.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        topic = b"z/t"
        stuck.sendall(bytes([0x82, 2 + 2 + len(topic) + 1]) + b"\x00\x01" + len(topic).to_bytes(2, "big") + topic +
                      b"\x00")
        assert stuck.recv(5)[:2] == b"\x90\x03"
        # Tiny QoS 0 publishes, so that one read of the publisher's socket holds more than the hard limit of
        # 200 (the broker pauses a publisher between reads, not within one). Sent until the broker stops
        # reading us; the socket buffers on both sides take the first few MiB.
        flood, rc = raw_connect(server.host, server.port, "flood")
        assert rc == 0
        packet = bytes([0x30, 2 + len(topic) + 8]) + len(topic).to_bytes(2, "big") + topic + b"12345678"
        chunk = packet * 4096
        flood.settimeout(3)
        try:
            for _ in range(256):
                flood.sendall(chunk)
        except socket.timeout:
            pass
        wait_for("a queue_full drop", lambda: metric(server, "tether_mqtt_publish_drops_total", realm="mqtt",
                                                     reason="queue_full") > 0, 20)
        assert "queue of client 'stuck' full" in server.log_text() and "dropped QoS 0 message" in server.log_text()
        stuck.close()
        flood.close()
    finally:
        server.stop()
        server.cleanup()


# -- a real Prometheus ---------------------------------------------------------------------------------------------

class Prometheus:
    """Debian's prometheus on a loopback port, its own config and storage in a temp dir; stopped by stop()."""

    def __init__(self, target_port):
        self.dir = Path(tempfile.mkdtemp(prefix="tether-systest-prometheus-"))
        self.port = free_port()
        config = self.dir / "prometheus.yml"
        config.write_text("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                          "scrape_configs:\n  - job_name: tether\n"
                          f"    static_configs:\n      - targets: ['127.0.0.1:{target_port}']\n")
        self.log = open(self.dir / "prometheus.log", "wb")
        self.proc = subprocess.Popen([PROMETHEUS, f"--config.file={config}", f"--storage.tsdb.path={self.dir}/data",
                                      f"--web.listen-address=127.0.0.1:{self.port}"],
                                     stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT,
                                     cwd=str(self.dir), start_new_session=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log_text()
            try:
                if self.get("/-/ready")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("prometheus not ready in 20 s\n" + self.log_text())

    def get(self, path):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            conn.request("GET", path)
            res = conn.getresponse()
            return res.status, res.read()
        finally:
            conn.close()

    def query(self, expr):
        status, body = self.get("/api/v1/query?" + urllib.parse.urlencode({"query": expr}))
        assert status == 200, body
        reply = json.loads(body)
        assert reply["status"] == "success", reply
        return reply["data"]["result"]

    def log_text(self):
        self.log.flush()
        return (self.dir / "prometheus.log").read_text(errors="replace")[-3000:]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def prometheus(network):
    if not Path(PROMETHEUS).exists():
        pytest.skip("prometheus not installed (run `make deps`)")
    p = Prometheus(network.http_port)
    yield p
    p.stop()


def value_of(result, **labels):
    for r in result:
        if all(r["metric"].get(k) == v for k, v in labels.items()):
            return float(r["value"][1])
    return None


def wait_for(what, fn, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = fn()
        if got:
            return got
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def send_a_malformed_uplink(network):
    cli(network, "gateway", "create", "bad-gw")
    key = KEY_RE.search(cli(network, "key", "create", "--gateway", "bad-gw", "--rights", "RIGHT_GATEWAY_LINK")).group(0)
    endpoint = type("E", (), {"host": "127.0.0.1", "port": network.gw_port})
    c = PahoClient(endpoint, client_id="bad-gw-client", username="bad-gw", password=key)
    c.connect()
    c.publish("v3/bad-gw/up", b"\xff\xff\xff\xff not a protobuf", qos=1)
    c.publish("v3/someone-else/up", b"not its topic", qos=1)  # denied: dropped by the broker, with its reason
    return c


def send_bad_logins_and_a_failing_downlink(network):
    """A gateway with a wrong key (CONNACK 5), and a downlink pushed for a device that does not exist."""
    endpoint = type("E", (), {"host": "127.0.0.1", "port": network.gw_port})
    refused = PahoClient(endpoint, client_id="bad-gw-2", username="bad-gw", password="NNSXS.WRONG")
    refused.connect(expect_rc=5)
    refused.close()
    cli(network, "application", "create", "mon-app")
    key = KEY_RE.search(cli(network, "key", "create", "--application", "mon-app", "--rights",
                            "RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE")).group(0)
    subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(network.app_port), "-u", "mon-app", "-P", key,
                    "-q", "1", "-t", "v3/mon-app/devices/nobody/down/push",
                    "-m", '{"downlinks":[{"f_port":1,"frm_payload":"AQ=="}]}'], check=True, timeout=10)


def test_prometheus_sees_uplinks_rising_and_a_drop_with_its_reason(network, prometheus):
    wait_for("the first scrape", lambda: value_of(prometheus.query('up{job="tether"}')) == 1, 10)
    gateway = send_a_malformed_uplink(network)
    send_bad_logins_and_a_failing_downlink(network)
    sim = subprocess.Popen([TETHER_BIN, "sim", "--data-dir", str(network.data_dir),
                            "--gateway-address", f"127.0.0.1:{network.gw_port}",
                            "--application-address", f"127.0.0.1:{network.app_port}",
                            "--activation", "abp", "--gateways", "1", "--devices", "3", "--rate", "10",
                            "--duration", "8s", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        expr = 'tether_lorawan_uplinks_total{outcome="delivered"}'
        first = wait_for("uplinks in Prometheus", lambda: (value_of(prometheus.query(expr)) or 0) > 0 and
                         value_of(prometheus.query(expr)), 12)
        wait_for("the uplink counter rising", lambda: value_of(prometheus.query(expr)) > first, 8)
        assert value_of(prometheus.query(f"rate({expr}[5s])")) > 0
        drops = wait_for("a gateway drop", lambda: prometheus.query("tether_gateway_drops_total"), 5)
        assert len(drops) == 1 and drops[0]["metric"]["reason"], drops
        assert float(drops[0]["value"][1]) >= 1
        assert value_of(prometheus.query('tether_gateway_messages_dropped_total{realm="gateway-v3"}')) >= 1
        assert value_of(prometheus.query("tether_uplink_latency_seconds_count")) > 0
        p99 = value_of(prometheus.query("histogram_quantile(0.99, rate(tether_uplink_latency_seconds_bucket[10s]))"))
        assert p99 is not None and 0 < p99 < 5, p99
        # Broker drops by reason, refusals by CONNACK code, downlink failures by TTS error name.
        assert value_of(prometheus.query('tether_mqtt_publish_drops_total{realm="gateway-v3"}'),
                        reason="publish_denied") >= 1
        assert value_of(prometheus.query('tether_mqtt_connections_refused_total{realm="gateway-v3"}'), code="5") >= 1
        failures = wait_for("a downlink failure", lambda: prometheus.query("tether_lorawan_downlink_failures_total"), 5)
        assert value_of(failures, error="unknown_device") >= 1, failures
        assert value_of(prometheus.query('tether_mqtt_messages_queued{realm="application"}')) is not None
        assert value_of(prometheus.query('tether_mqtt_messages_inflight{realm="gateway-v3"}')) is not None
    finally:
        out, err = sim.communicate(timeout=20)
        gateway.close()
    assert sim.returncode == 0, out.decode() + err.decode()


def test_https_serves_the_same_endpoints_with_the_tls_certificate(tmp_path):
    import ssl
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-keyout", "server.key", "-out", "server.pem"], cwd=tmp_path, check=True, capture_output=True)
    https_port = free_port()
    server = Server(extra_args=["--http-listen", "", "--http-tls-listen", f"127.0.0.1:{https_port}",
                                "--tls-cert", str(tmp_path / "server.pem"), "--tls-key", str(tmp_path / "server.key")])
    server.start()
    try:
        context = ssl.create_default_context(cafile=str(tmp_path / "server.pem"))
        context.check_hostname = False
        conn = http.client.HTTPSConnection("127.0.0.1", https_port, timeout=5, context=context)
        try:
            conn.request("GET", "/readyz")
            res = conn.getresponse()
            assert res.status == 200 and json.loads(res.read())["ready"] is True
            conn.request("GET", "/metrics")
            res = conn.getresponse()
            assert res.status == 200 and b"tether_http_requests_total" in res.read()
        finally:
            conn.close()
        assert "http listening on 127.0.0.1:%d (https)" % https_port in server.log_text()
    finally:
        server.stop()
        server.cleanup()


def test_connections_over_the_limit_are_closed_at_once_and_counted():
    server = start_server()
    held = []
    try:
        for _ in range(64):  # http::server_options::max_connections
            held.append(socket.create_connection(("127.0.0.1", server.http_port), timeout=5))
        time.sleep(0.5)
        with socket.create_connection(("127.0.0.1", server.http_port), timeout=5) as extra:
            try:
                extra.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                assert extra.recv(4096) == b""  # closed without an answer
            except ConnectionResetError:
                pass  # closed before our request arrived
        for s in held:
            s.close()
        held.clear()
        time.sleep(0.3)
        _, _, body = request(server, "GET", "/metrics")
        assert re.search(rb"^tether_http_connections_refused_total [1-9]", body, re.M), body[-600:]
        assert "connection(s) refused" in server.log_text()
    finally:
        for s in held:
            s.close()
        server.stop()
        server.cleanup()
