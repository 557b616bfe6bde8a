"""The live event stream GET /api/v1/events (Server-Sent Events) with a real HTTP client (http.client): a client
follows one device, sees its join and uplinks, drops its connection, more uplinks (and a replayed frame, dropped
with its reason) happen, and the client resumes with Last-Event-ID and gets exactly the events it missed — none
twice, none lost — in the same numbering a full replay from Last-Event-ID 0 shows. Also a gateway's connect,
status, drop and disconnect, and every refusal (no key, wrong key, missing right, bad parameters)."""
import http.client
import json
import time

import pytest

from server_control import free_port
from test_http import metric
from test_uplink_path import (ABP_ADDR, APP_KEY, APP_S_KEY, DEV_EUI, JOIN_EUI, KEY_RE, NWK_S_KEY, Network,
                              device, pb)

pytestmark = pytest.mark.tether_only


class SseClient:
    """One text/event-stream connection; next() returns the next event as {"id", "event", "data"}."""

    def __init__(self, port, path, key=None, last_event_id=None, timeout=10):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        headers = {"Accept": "text/event-stream"}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        self.conn.request("GET", path, headers=headers)
        self.res = self.conn.getresponse()
        self.status = self.res.status
        self.comments = []
        if self.status == 200:
            assert self.res.getheader("Content-Type") == "text/event-stream"
            # The first block (a comment and the retry hint) comes once the feed is open: nothing after it is missed.
            assert self._block() == {"retry": "2000"}

    def _block(self):
        fields = {}
        while True:
            line = self.res.readline()
            if not line:
                raise EOFError("the stream ended")
            line = line.decode().rstrip("\n")
            if line == "":
                if fields:
                    return fields
                continue
            if line.startswith(":"):
                self.comments.append(line)
                continue
            name, _, value = line.partition(": ")
            fields[name] = fields[name] + "\n" + value if name in fields else value

    def next(self):
        fields = self._block()
        return {"id": int(fields["id"]), "event": fields["event"], "data": json.loads(fields["data"])}

    def take(self, n):
        return [self.next() for _ in range(n)]

    def close(self):
        # The body runs until the connection closes, so the response holds the socket: closing it hangs up.
        self.res.close()
        self.conn.close()


@pytest.fixture
def net():
    port = free_port()
    n = Network(extra_args=["--http-listen", f"127.0.0.1:{port}"])
    n.http_port = port
    yield n
    n.close()


def join(net, dev_nonce="0102"):
    gw = net.gateway("gw1")
    net.uplink("gw1", device("join-request", APP_KEY, JOIN_EUI, DEV_EUI, dev_nonce), timestamp=5_000_000)
    down = pb.GatewayDown.FromString(gw.get(what="the join-accept").payload).downlink_message
    accept = json.loads(device("join-accept", APP_KEY, down.raw_payload.hex(), dev_nonce))
    assert accept["mic_ok"]
    return accept


def uplink(net, accept, f_cnt, payload):
    net.uplink("gw2", device("data", accept["dev_addr"], str(f_cnt), "5", payload, accept["nwk_s_key"],
                             accept["app_s_key"]), rssi=-70.5, snr=6.25)


def test_a_device_feed_resumes_with_last_event_id_without_gap_or_duplicate(net):
    path = "/api/v1/events?application=app1&device=otaa-dev"
    sse = SseClient(net.http_port, path, net.app_key)
    accept = join(net)
    for f_cnt in (1, 2, 3):
        uplink(net, accept, f_cnt, f"{f_cnt:02X}")
        # Another device of the application: in the stream, not in this device's feed.
        net.uplink("gw1", device("data", ABP_ADDR, str(f_cnt), "1", "AA", NWK_S_KEY, APP_S_KEY))
    first = sse.take(4)
    assert [e["event"] for e in first] == ["join", "up", "up", "up"]
    assert first[0]["data"]["end_device_ids"]["dev_addr"] == accept["dev_addr"]
    ups = [e["data"]["uplink_message"] for e in first[1:]]
    assert [u["f_cnt"] for u in ups] == [1, 2, 3]
    md = ups[0]["rx_metadata"][0]
    assert md["gateway_ids"]["gateway_id"] == "gw2" and md["rssi"] == -70.5 and md["snr"] == 6.25
    ids = [e["id"] for e in first]
    assert ids == sorted(ids) and len(set(ids)) == 4
    sse.close()

    # While nobody listens: three more uplinks, the other device's, and a replay of FCnt 2 (dropped, with why).
    for f_cnt in (4, 5, 6):
        uplink(net, accept, f_cnt, f"{f_cnt:02X}")
        net.uplink("gw1", device("data", ABP_ADDR, str(f_cnt + 3), "1", "BB", NWK_S_KEY, APP_S_KEY))
    uplink(net, accept, 2, "02")

    resumed = SseClient(net.http_port, path, net.app_key, last_event_id=ids[-1])
    missed = resumed.take(4)
    assert [e["event"] for e in missed] == ["up", "up", "up", "drop"]
    assert [e["data"]["uplink_message"]["f_cnt"] for e in missed[:3]] == [4, 5, 6]
    drop = missed[3]["data"]
    assert drop["drop"]["reason"] == "replay" and drop["drop"]["f_cnt"] == 2
    assert drop["end_device_ids"]["device_id"] == "otaa-dev"
    assert drop["drop"]["rx_metadata"][0]["gateway_ids"]["gateway_id"] == "gw2"
    assert missed[0]["id"] > ids[-1]
    resumed.close()

    # The full replay of the device's stream is exactly what the two connections saw, in order.
    replay = SseClient(net.http_port, path, net.app_key, last_event_id=0)
    everything = replay.take(8)
    replay.close()
    assert [e["id"] for e in everything] == ids + [e["id"] for e in missed]
    assert [e["event"] for e in everything] == [e["event"] for e in first + missed]


def test_an_application_feed_has_every_device_and_live_only_without_last_event_id(net):
    net.uplink("gw1", device("data", ABP_ADDR, "1", "1", "01", NWK_S_KEY, APP_S_KEY))
    # Wait until that event is durable: a replay from 0 shows it.
    old = SseClient(net.http_port, "/api/v1/events?application=app1", net.app_key, last_event_id=0).next()
    assert old["event"] == "up" and old["id"] == 1
    live = SseClient(net.http_port, "/api/v1/events?application=app1", net.app_key)
    net.uplink("gw1", device("data", ABP_ADDR, "2", "1", "02", NWK_S_KEY, APP_S_KEY))
    e = live.next()
    assert e["id"] == 2 and e["data"]["uplink_message"]["f_cnt"] == 2
    live.close()


def test_a_gateway_feed_shows_connect_status_drop_and_disconnect(net):
    key = KEY_RE.search(net.cli("key", "create", "--gateway", "gw3", "--rights", "RIGHT_GATEWAY_STATUS_READ")).group(0)
    sse = SseClient(net.http_port, "/api/v1/events?gateway=gw3", key)
    gw = net.gateway("gw3")
    status = pb.GatewayStatus()
    status.time.GetCurrentTime()
    status.versions["firmware"] = "1.2.3"
    gw.publish("v3/gw3/status", status.SerializeToString(), qos=1)
    gw.publish("v3/gw3/up", b"\xff\xff\xff\xff not a protobuf", qos=1)
    time.sleep(0.3)
    gw.close()
    del net.gateways["gw3"]
    events = sse.take(4)
    sse.close()
    assert [e["event"] for e in events] == ["gateway/connect", "gateway/status", "gateway/drop", "gateway/disconnect"]
    assert all(e["data"]["gateway_ids"]["gateway_id"] == "gw3" for e in events)
    assert events[0]["data"]["protocol"] == "ttsv3" and events[0]["data"]["remote_address"]
    assert events[1]["data"]["status"]["versions"] == {"firmware": "1.2.3"}
    assert events[2]["data"]["reason"]
    assert [e["id"] for e in events] == [1, 2, 3, 4]


def refusal(net, path, key=None, headers=None, method="GET"):
    conn = http.client.HTTPConnection("127.0.0.1", net.http_port, timeout=5)
    h = dict(headers or {})
    if key:
        h["Authorization"] = f"Bearer {key}"
    conn.request(method, path, headers=h)
    res = conn.getresponse()
    body = res.read()
    conn.close()
    return res.status, json.loads(body)["error"] if body else None


def test_refusals(net):
    info_key = net.key("--application", "app1", "RIGHT_APPLICATION_INFO")
    app = "/api/v1/events?application=app1"
    # The admin API's names for the same refusals.
    assert refusal(net, app) == (401, "unauthorized")
    assert refusal(net, app, key="NNSXS.NOT.A-KEY") == (401, "unauthorized")
    assert refusal(net, app, key=net.gateway_keys["gw1"]) == (401, "unauthorized")  # another entity's key
    assert refusal(net, app, key=info_key) == (403, "forbidden")
    assert refusal(net, "/api/v1/events?gateway=gw1", key=net.gateway_keys["gw1"]) == (403, "forbidden")
    for bad in ("/api/v1/events", "/api/v1/events?application=app1&gateway=gw1", "/api/v1/events?device=otaa-dev",
                "/api/v1/events?application=APP1", "/api/v1/events?application=app1&colour=red",
                "/api/v1/events?application=app1&application=app1"):
        assert refusal(net, bad, key=net.app_key) == (400, "bad_request"), bad
    assert refusal(net, app, key=net.app_key, headers={"Last-Event-ID": "x1"}) == (400, "bad_request")
    assert refusal(net, app, key=net.app_key, headers={"Last-Event-ID": "99"}) == (400, "bad_request")
    assert refusal(net, app, key=net.app_key, method="POST")[0] == 405


def admin_key(net, rights):
    out = net.cli("key", "create", "--admin", "--rights", rights, "--name", "sse")
    return KEY_RE.search(out).group(0)


def test_an_admin_key_follows_any_feed_and_is_refused_once_revoked(net):
    reader = admin_key(net, "RIGHT_ADMIN_READ")
    for path in ("/api/v1/events?application=app1", "/api/v1/events?application=app1&device=otaa-dev",
                 "/api/v1/events?gateway=gw1"):
        sse = SseClient(net.http_port, path, reader)
        assert sse.status == 200, path
        sse.close()
    everything = SseClient(net.http_port, "/api/v1/events?gateway=gw1", admin_key(net, "RIGHT_ADMIN_ALL"))
    assert everything.status == 200, "RIGHT_ADMIN_ALL implies RIGHT_ADMIN_READ"
    everything.close()
    # The four streams the client ended are counted as such.
    deadline = time.time() + 5
    while metric(net, "tether_http_event_streams_closed_total") < 4 and time.time() < deadline:
        time.sleep(0.1)
    assert metric(net, "tether_http_event_streams_closed_total") >= 4
    key_id = reader.split(".")[1]
    net.cli("key", "delete", key_id)
    assert refusal(net, "/api/v1/events?application=app1", key=reader) == (401, "unauthorized")
