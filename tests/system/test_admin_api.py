"""The JSON admin API under /api/v1/ on --http-listen, with http.client: every endpoint (gateways, applications,
devices, API keys: create, list, get, update, delete), bad input (malformed JSON, unknown fields, wrong types),
admin keys in `Authorization: Bearer` (none or a wrong one: 401; RIGHT_ADMIN_READ writing: 403), unknown entities
(404) and conflicts (409); what the API writes is what `tether ... show` reads, and a device created over the API
joins through a gateway of the running server."""
import http.client
import json
import re
import subprocess
import time

import pytest

from server_control import TETHER_BIN, Server, free_port
from test_uplink_path import APP_KEY, JOIN_EUI, Network, device
from ttsv3_proto import pb

pytestmark = pytest.mark.tether_only

KEY_RE = re.compile(r"NNSXS\.[A-Z2-7]{39}\.[A-Z2-7]{52}")
API_DEV_EUI = "0004A30B001C0999"


class ApiNetwork(Network):
    """tether serve with gateway, application and HTTP listeners; gateway gw1 (with a key) and an admin key of
    each kind, made with the CLI before the server starts. The rest the tests make over the API."""

    def __init__(self):
        self.gw_port, self.app_port, self.http_port = free_port(), free_port(), free_port()
        self.server = Server(extra_args=["--gateway-v3-listen", f"127.0.0.1:{self.gw_port}",
                                         "--application-listen", f"127.0.0.1:{self.app_port}",
                                         "--http-listen", f"127.0.0.1:{self.http_port}"])
        self.gateways = {}
        self.cli("gateway", "create", "gw1")
        self.gateway_keys = {"gw1": self.key("--gateway", "gw1", "RIGHT_GATEWAY_LINK")}
        self.admin = self.admin_key("RIGHT_ADMIN_ALL")
        self.reader = self.admin_key("RIGHT_ADMIN_READ")
        self.server.start()

    def admin_key(self, rights):
        out = self.cli("key", "create", "--admin", "--rights", rights, "--name", "tests")
        assert "for the admin API" in out
        return KEY_RE.search(out).group(0)

    def api(self, method, path, body=None, key="admin", raw=None, headers=None):
        """(status, parsed JSON body, headers); `key` names a key of this network, or is the key itself."""
        conn = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=5)
        try:
            h = dict(headers or {})
            if key is not None:
                h["Authorization"] = "Bearer " + {"admin": self.admin, "reader": self.reader}.get(key, key)
            payload = raw if raw is not None else (json.dumps(body) if body is not None else None)
            if payload is not None:
                h["Content-Type"] = "application/json"
            conn.request(method, "/api/v1/" + path, body=payload, headers=h)
            res = conn.getresponse()
            data = res.read()
            assert res.getheader("Content-Type") == "application/json", data
            return res.status, json.loads(data), dict(res.getheaders())
        finally:
            conn.close()

    def ok(self, method, path, body=None, status=200, key="admin"):
        got, data, _ = self.api(method, path, body, key=key)
        assert got == status, data
        return data


@pytest.fixture(scope="module")
def net():
    n = ApiNetwork()
    yield n
    n.close()


def cli_json(net, *args):
    return json.loads(net.cli(*args, "--json"))


def test_gateways_create_list_get_update_delete(net):
    created = net.ok("POST", "gateways", {"gateway_id": "api-gw", "eui": "70B3D57ED000AB01", "name": "Roof"}, 201)
    assert created["gateway_id"] == "api-gw" and created["eui"] == "70B3D57ED000AB01"
    assert created["frequency_plan_id"] == "EU_863_870"
    # One representation: the API's body is the CLI's --json.
    assert cli_json(net, "gateway", "list") == net.ok("GET", "gateways")
    assert [g["gateway_id"] for g in net.ok("GET", "gateways")] == ["api-gw", "gw1"]
    got = net.ok("GET", "gateways/api-gw")
    assert got == cli_json(net, "gateway", "show", "api-gw")
    assert got["connection"] is None
    updated = net.ok("PATCH", "gateways/api-gw", {"frequency_plan_id": "US_902_928_FSB_2",
                                                 "location": {"latitude": 52.5, "longitude": 4.25, "altitude": 3}})
    assert updated["name"] == "Roof" and updated["frequency_plan_id"] == "US_902_928_FSB_2"
    assert updated["location"] == {"latitude": 52.5, "longitude": 4.25, "altitude": 3}
    assert "US_902_928_FSB_2" in net.cli("gateway", "show", "api-gw")
    cleared = net.ok("PATCH", "gateways/api-gw", {"eui": None, "location": None})
    assert cleared["eui"] is None and "location" not in cleared
    assert net.ok("DELETE", "gateways/api-gw") == {"deleted": {"gateway_id": "api-gw"}}
    status, err, _ = net.api("GET", "gateways/api-gw")
    assert (status, err["error"], err["message"]) == (404, "not_found", "gateway 'api-gw' not found")


def test_applications_and_their_keys(net):
    net.ok("POST", "applications", {"application_id": "api-app", "name": "Meters"}, 201)
    assert net.ok("GET", "applications/api-app")["name"] == "Meters"
    assert net.ok("PATCH", "applications/api-app", {"name": "Water"})["name"] == "Water"
    assert cli_json(net, "application", "show", "api-app")["name"] == "Water"
    assert "api-app" in [a["application_id"] for a in net.ok("GET", "applications")]
    key = net.ok("POST", "applications/api-app/keys", {"rights": ["RIGHT_APPLICATION_TRAFFIC_READ"], "name": "k"},
                 201)
    assert KEY_RE.fullmatch(key["key"]) and key["application_id"] == "api-app"
    listed = net.ok("GET", "applications/api-app/keys")
    assert [k["key_id"] for k in listed] == [key["key_id"]] and "key" not in listed[0]
    assert net.ok("GET", f"keys/{key['key_id']}")["rights"] == ["RIGHT_APPLICATION_TRAFFIC_READ"]
    assert cli_json(net, "key", "list", "--application", "api-app") == listed
    assert net.ok("PATCH", f"keys/{key['key_id']}", {"name": "renamed"})["name"] == "renamed"
    assert net.cli("key", "update", key["key_id"], "--name", "again") == f"Renamed API key {key['key_id']}\n"
    assert net.ok("GET", f"keys/{key['key_id']}")["name"] == "again"
    status, err, _ = net.api("PATCH", f"keys/{key['key_id']}", {"rights": ["RIGHT_APPLICATION_ALL"]})
    assert (status, err["error"]) == (400, "unknown_field"), "a key's rights are fixed at creation"
    status, err, _ = net.api("PATCH", "keys/NOPE", {"name": "x"})
    assert (status, err["error"]) == (404, "not_found")
    gw_key = net.ok("POST", "gateways/gw1/keys", {"rights": ["RIGHT_GATEWAY_LINK"]}, 201)
    assert gw_key["key_id"] in [k["key_id"] for k in net.ok("GET", "gateways/gw1/keys")]
    assert net.ok("DELETE", f"keys/{gw_key['key_id']}") == {"deleted": {"key_id": gw_key["key_id"]}}
    status, err, _ = net.api("POST", "gateways/gw1/keys", {"rights": ["RIGHT_APPLICATION_LINK"]})
    assert (status, err["error"], err["field"]) == (400, "right_not_for_entity", "rights")
    assert err["message"] == "rights: RIGHT_APPLICATION_LINK is not a gateway right"
    status, err, _ = net.api("POST", "gateways/gw1/keys", {"rights": ["RIGHT_NOPE"]})
    assert (status, err["error"]) == (400, "unknown_right")
    status, err, _ = net.api("POST", "gateways/gw1/keys", {})
    assert (status, err["error"]) == (400, "no_rights")
    status, err, _ = net.api("POST", "gateways/gw9/keys", {"rights": ["RIGHT_GATEWAY_LINK"]})
    assert (status, err["error"], err["message"]) == (404, "unknown_gateway", "gateway 'gw9' does not exist")
    assert net.ok("DELETE", "applications/api-app") == {"deleted": {"application_id": "api-app"}}
    status, err, _ = net.api("GET", f"keys/{key['key_id']}")
    assert status == 404, "an application's keys go with it"


def test_devices_create_list_get_update_delete(net):
    net.ok("POST", "applications", {"application_id": "dev-app"}, 201)
    abp = {"device_id": "abp1", "dev_addr": "260B0001", "nwk_s_key": "00112233445566778899AABBCCDDEEFF",
           "app_s_key": "FFEEDDCCBBAA99887766554433221100", "name": "Meter"}
    created = net.ok("POST", "applications/dev-app/devices", abp, 201)
    assert created["activation"] == "ABP" and "nwk_s_key" not in created
    shown = cli_json(net, "device", "show", "dev-app", "abp1")
    assert net.ok("GET", "applications/dev-app/devices/abp1") == shown
    assert shown["nwk_s_key"] == abp["nwk_s_key"]
    # A read-only admin key sees the device, not its keys.
    read = net.ok("GET", "applications/dev-app/devices/abp1", key="reader")
    assert read["device_id"] == "abp1" and "nwk_s_key" not in read
    updated = net.ok("PATCH", "applications/dev-app/devices/abp1", {"class": "C", "name": "Valve"})
    assert updated["class"] == "C" and updated["name"] == "Valve"
    assert "Valve" in net.cli("device", "show", "dev-app", "abp1")
    assert [d["device_id"] for d in net.ok("GET", "applications/dev-app/devices")] == ["abp1"]
    status, err, _ = net.api("POST", "applications/dev-app/devices", abp)
    assert (status, err["error"], err["message"]) == (409, "already_exists", "device 'dev-app/abp1' already exists")
    status, err, _ = net.api("POST", "applications/dev-app/devices", {**abp, "device_id": "abp2", "dev_addr": "ZZ"})
    assert (status, err["error"], err["field"]) == (400, "invalid_hex", "dev_addr")
    status, err, _ = net.api("POST", "applications/dev-app/devices", {"device_id": "abp3", "dev_addr": "260B0002"})
    assert (status, err["error"]) == (400, "invalid_activation")
    status, err, _ = net.api("PATCH", "applications/dev-app/devices/abp1", {"class": "B"})
    assert (status, err["error"], err["field"]) == (400, "invalid_device_class", "class")
    status, err, _ = net.api("PATCH", "applications/dev-app/devices/abp1", {"dev_addr": "260B0003"})
    assert (status, err["error"]) == (400, "unknown_field"), "keys and activation are fixed at creation"
    status, err, _ = net.api("GET", "applications/app404/devices")
    assert (status, err["error"]) == (404, "unknown_application")
    assert net.ok("DELETE", "applications/dev-app/devices/abp1") == {
        "deleted": {"application_id": "dev-app", "device_id": "abp1"}}
    status, err, _ = net.api("DELETE", "applications/dev-app/devices/abp1")
    assert (status, err["error"]) == (404, "not_found")


def test_admin_keys_over_the_api(net):
    created = net.ok("POST", "admin/keys", {"rights": ["RIGHT_ADMIN_READ"], "name": "dashboard"}, 201)
    assert created["admin"] is True and KEY_RE.fullmatch(created["key"])
    assert created["key_id"] in [k["key_id"] for k in net.ok("GET", "admin/keys")]
    assert net.ok("GET", "gateways", key=created["key"])
    net.ok("DELETE", f"keys/{created['key_id']}")
    status, err, headers = net.api("GET", "gateways", key=created["key"])
    assert (status, err["error"]) == (401, "unauthorized"), "a revoked key counts at once"
    status, err, _ = net.api("POST", "admin/keys", {"rights": ["RIGHT_GATEWAY_LINK"]})
    assert (status, err["error"]) == (400, "right_not_for_entity")


def test_missing_or_wrong_key_is_401(net):
    status, err, headers = net.api("GET", "gateways", key=None)
    assert (status, err["error"]) == (401, "unauthorized") and headers["WWW-Authenticate"] == "Bearer"
    assert net.api("GET", "gateways", key="NNSXS.AAAA.BBBB")[0] == 401
    # A gateway's own key is not an admin key.
    assert net.api("GET", "gateways", key=net.gateway_keys["gw1"])[0] == 401
    assert net.api("GET", "gateways", key=None, headers={"Authorization": "Basic " + net.admin})[0] == 401


def test_read_only_key_cannot_write_403(net):
    assert net.api("GET", "gateways", key="reader")[0] == 200
    for method, path, body in [("POST", "gateways", {"gateway_id": "ro-gw"}), ("PATCH", "gateways/gw1", {"name": "x"}),
                               ("DELETE", "gateways/gw1", None), ("POST", "admin/keys", {"rights": ["RIGHT_ADMIN_ALL"]})]:
        status, err, _ = net.api(method, path, body, key="reader")
        assert (status, err["error"]) == (403, "forbidden"), (method, path)
        assert "RIGHT_ADMIN_ALL" in err["message"]
    assert net.api("GET", "gateways/ro-gw")[0] == 404


def test_read_only_key_cannot_write_devices_403(net):
    created = net.api("POST", "applications", {"application_id": "ro-app"})
    assert created[0] == 201, created
    device = {"device_id": "ro-dev", "dev_eui": "0004A30B001C05F0", "join_eui": "70B3D57ED0000000",
              "app_key": "2B7E151628AED2A6ABF7158809CF4F3C"}
    assert net.api("POST", "applications/ro-app/devices", device)[0] == 201
    for method, path, body in [("POST", "applications/ro-app/devices", dict(device, device_id="ro-dev2")),
                               ("PATCH", "applications/ro-app/devices/ro-dev", {"class": "C"}),
                               ("DELETE", "applications/ro-app/devices/ro-dev", None)]:
        status, err, _ = net.api(method, path, body, key="reader")
        assert (status, err["error"]) == (403, "forbidden"), (method, path)
    assert net.api("GET", "applications/ro-app/devices/ro-dev")[1]["class"] == "A"
    # An unknown application is 404 for every method.
    for method, body in [("GET", None), ("PATCH", {"name": "x"}), ("DELETE", None)]:
        assert net.api(method, "applications/no-app", body)[0] == 404, method


def test_admin_api_requests_are_counted_by_outcome(net):
    assert net.api("GET", "gateways", key=None)[0] == 401
    conn = http.client.HTTPConnection("127.0.0.1", net.http_port, timeout=5)
    try:
        conn.request("GET", "/metrics")
        text = conn.getresponse().read().decode()
    finally:
        conn.close()
    counts = dict(re.findall(r'^tether_http_admin_api_requests_total\{outcome="(\w+)"\} (\d+)$', text, re.M))
    assert set(counts) == {"served", "unauthorized", "forbidden", "rejected", "failed"}, text
    assert int(counts["unauthorized"]) >= 1 and int(counts["served"]) >= 1


def test_bad_bodies_are_400(net):
    cases = [
        ("{not json", "malformed_json"),
        ("[1, 2]", "malformed_json"),
        ("", "malformed_json"),
        (json.dumps({"gateway_id": "bad-gw", "colour": "red"}), "unknown_field"),
        (json.dumps({"gateway_id": 42}), "invalid_field"),
        (json.dumps({"name": "no id"}), "missing_field"),
        (json.dumps({"gateway_id": "bad-gw", "location": {"latitude": 1}}), "invalid_field"),
        (json.dumps({"gateway_id": "bad-gw", "location": {"latitude": 1, "longitude": 2, "x": 3}}), "unknown_field"),
        (json.dumps({"gateway_id": "bad-gw", "location": {"latitude": 91, "longitude": 2}}), "invalid_location"),
        (json.dumps({"gateway_id": "Bad_GW"}), "invalid_id"),
        (json.dumps({"gateway_id": "bad-gw", "frequency_plan_id": "XX_1"}), "invalid_frequency_plan"),
        (json.dumps({"gateway_id": "bad-gw", "eui": "12"}), "wrong_length"),
    ]
    for raw, name in cases:
        status, err, _ = net.api("POST", "gateways", raw=raw)
        assert (status, err["error"]) == (400, name), raw
        assert err["message"]
    assert net.api("GET", "gateways/bad-gw")[0] == 404, "nothing was created"
    status, err, _ = net.api("POST", "gateways/gw1/keys", {"rights": "RIGHT_GATEWAY_LINK"})
    assert (status, err["error"]) == (400, "invalid_field")


def test_unknown_paths_and_methods(net):
    status, err, _ = net.api("GET", "nothing-here")
    assert (status, err["error"]) == (404, "not_found")
    status, err, headers = net.api("PUT", "gateways/gw1", {"name": "x"})
    assert status == 405 and headers["Allow"] == "GET, PATCH, DELETE"
    status, err, _ = net.api("GET", "gateways/gw404")
    assert (status, err["error"], err["message"]) == (404, "not_found", "gateway 'gw404' not found")
    status, err, _ = net.api("POST", "gateways", {"gateway_id": "gw1"})
    assert (status, err["error"], err["message"]) == (409, "already_exists", "gateway 'gw1' already exists")
    net.ok("POST", "gateways", {"gateway_id": "eui-gw", "eui": "70B3D57ED000AB09"}, 201)
    status, err, _ = net.api("POST", "gateways", {"gateway_id": "eui-gw2", "eui": "70B3D57ED000AB09"})
    assert (status, err["error"]) == (409, "eui_in_use")


def test_cli_update_and_admin_keys(net):
    out = net.cli("gateway", "update", "gw1", "--name", "Tower", "--latitude", "1", "--longitude", "2")
    assert out == "Updated gateway gw1\n"
    assert net.ok("GET", "gateways/gw1")["name"] == "Tower"
    listed = cli_json(net, "key", "list", "--admin")
    assert {k["key_id"] for k in listed} >= {net.admin.split(".")[1], net.reader.split(".")[1]}
    assert all(k["admin"] for k in listed)
    proc = subprocess.run([TETHER_BIN, "gateway", "update", "gw404", "--name", "x", "--data-dir",
                           str(net.server.data_dir)], capture_output=True, text=True, timeout=30)
    assert (proc.returncode, proc.stderr) == (1, "tether gateway update: gateway 'gw404' not found\n")
    proc = subprocess.run([TETHER_BIN, "key", "create", "--admin", "--rights", "RIGHT_GATEWAY_LINK", "--data-dir",
                           str(net.server.data_dir)], capture_output=True, text=True, timeout=30)
    assert (proc.returncode, proc.stderr) == (2, "tether key create: --rights: RIGHT_GATEWAY_LINK is not an admin "
                                                 "right\n")


def test_a_device_created_over_the_api_joins(net):
    net.ok("POST", "applications", {"application_id": "app1"}, 201)
    net.app_key = net.ok("POST", "applications/app1/keys", {"rights": ["RIGHT_APPLICATION_TRAFFIC_READ"]}, 201)["key"]
    net.ok("POST", "applications/app1/devices", {"device_id": "api-dev", "dev_eui": API_DEV_EUI, "join_eui": JOIN_EUI,
                                                 "app_key": APP_KEY}, 201)
    assert cli_json(net, "device", "show", "app1", "api-dev")["app_key"] == APP_KEY
    time.sleep(0.5)  # the running server polls the registry every 200 ms
    sub = net.subscribe("v3/app1/devices/api-dev/join", 1)
    dev_nonce = "0A0B"
    gw = net.gateway("gw1")
    net.uplink("gw1", device("join-request", APP_KEY, JOIN_EUI, API_DEV_EUI, dev_nonce), timestamp=5_000_000)
    down = pb.GatewayDown.FromString(gw.get(what="the join-accept").payload).downlink_message
    accept = json.loads(device("join-accept", APP_KEY, down.raw_payload.hex(), dev_nonce))
    assert accept["mic_ok"]
    [(topic, join)] = net.events(sub)
    assert join["end_device_ids"]["dev_eui"] == API_DEV_EUI
    assert join["end_device_ids"]["dev_addr"] == accept["dev_addr"]
