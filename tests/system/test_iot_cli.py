"""System tests for the IoT platform registry commands: `tether iot org|type|device|gateway|apikey|group ...`.

Each test runs the real binary ($TETHER_BIN, default <repo>/build/tether) as separate processes against a
fresh --data-dir and checks exit codes (0 ok, 1 failure, 2 usage), stdout/stderr, --json and persistence.
"""
import json
import os
import re
import sqlite3
from pathlib import Path

import pytest

from cli_runner import Cli, db_bytes
from server_control import TETHER_BIN

KEY_RE = re.compile(r"^a-acme01-[a-z0-9]{10}$")
TOKEN_RE = re.compile(r"^[A-Za-z0-9]{24}$")
DEFAULT_GROUP = "gw_def_res_grp:acme01:hub:gw1"

pytestmark = pytest.mark.skipif(not os.access(TETHER_BIN, os.X_OK), reason=f"no tether binary at {TETHER_BIN}")


@pytest.fixture
def tether(tmp_path):
    return Cli(tmp_path / "data", prefix=("iot",))


@pytest.fixture
def org(tether):
    """Org acme01 with device type `sensor` and gateway type `hub`."""
    tether.run("org", "create", "acme01")
    tether.run("type", "create", "acme01", "sensor")
    tether.run("type", "create", "acme01", "hub", "--class", "gateway")
    return tether


def db_query(data_dir, sql, *params):
    with sqlite3.connect(str(Path(data_dir) / "tether.db")) as db:
        return db.execute(sql, params).fetchall()


# -- organizations ----------------------------------------------------------------------------------------

def test_org_create_list_show_delete(tether):
    assert "acme01" in tether.run("org", "create", "acme01").stdout
    created = tether.json("org", "create", "beta02")
    assert created["org_id"] == "beta02" and created["created_at"].endswith("Z")
    assert [o["org_id"] for o in tether.json("org", "list")] == ["acme01", "beta02"]
    assert "beta02" in tether.run("org", "list").stdout
    assert tether.json("org", "show", "acme01")["org_id"] == "acme01"
    assert "acme01" in tether.run("org", "show", "acme01").stdout
    assert tether.json("org", "delete", "beta02") == {"deleted": {"org_id": "beta02"}}
    assert [o["org_id"] for o in tether.json("org", "list")] == ["acme01"]
    assert "not found" in tether.error("org", "show", "beta02", expect=1)
    assert "not found" in tether.error("org", "delete", "beta02", expect=1)
    assert "already exists" in tether.error("org", "create", "acme01", expect=1)
    tether.run("org", "delete", "acme01")
    assert "No organizations." in tether.run("org", "list").stdout


@pytest.mark.parametrize("bad", ["acme0", "acme012", "Acme01", "acme-1", "acme_1"])
def test_org_bad_id_is_a_usage_error(tether, bad):
    assert "6 lowercase letters and digits" in tether.error("org", "create", bad, expect=2)
    tether.error("org", "show", bad, expect=2)
    tether.error("org", "delete", bad, expect=2)


def test_iot_usage_errors(tether):
    tether.error(expect=2)
    tether.error("org", expect=2)
    tether.error("org", "create", expect=2)
    tether.error("org", "create", "acme01", "--no-such-flag", expect=2)
    tether.error("device", "create", "acme01", "sensor", expect=2)


# -- device types -----------------------------------------------------------------------------------------

def test_type_create_list_show_delete(org):
    assert org.json("type", "create", "acme01", "cam.v2")["class"] == "device"
    types = org.json("type", "list", "acme01")
    assert [(t["type_id"], t["class"]) for t in types] == [("cam.v2", "device"), ("hub", "gateway"),
                                                           ("sensor", "device")]
    assert "gateway" in org.run("type", "list", "acme01").stdout
    assert org.json("type", "show", "acme01", "hub")["class"] == "gateway"
    assert "gateway" in org.run("type", "show", "acme01", "hub").stdout
    org.run("type", "delete", "acme01", "cam.v2")
    assert "not found" in org.error("type", "show", "acme01", "cam.v2", expect=1)
    assert "already exists" in org.error("type", "create", "acme01", "hub", expect=1)
    assert "device or gateway" in org.error("type", "create", "acme01", "x", "--class", "robot", expect=2)
    assert "invalid ID" in org.error("type", "create", "acme01", "a:b", expect=2)
    assert "does not exist" in org.error("type", "create", "zzzzzz", "t", expect=1)
    assert "not found" in org.error("type", "list", "zzzzzz", expect=1)


def test_type_with_devices_is_not_deleted(org):
    org.run("device", "create", "acme01", "sensor", "d1")
    assert "still has devices" in org.error("type", "delete", "acme01", "sensor", expect=1)
    org.run("device", "delete", "acme01", "sensor", "d1")
    org.run("type", "delete", "acme01", "sensor")


# -- devices ----------------------------------------------------------------------------------------------

def test_device_create_list_show_delete(org):
    out = org.run("device", "create", "acme01", "sensor", "d1").stdout
    token = re.search(r"token: (\S+)", out).group(1)
    assert TOKEN_RE.match(token)
    assert "will not be shown again" in out
    proc = org.run("device", "create", "acme01", "sensor", "d2", "--token", "my-Token_1!", "--json")
    created = json.loads(proc.stdout)
    assert created["token"] == "my-Token_1!"
    assert created["device_id"] == "d2" and created["class"] == "device"
    assert "will not be shown again" in proc.stderr
    devices = org.json("device", "list", "acme01")
    assert [d["device_id"] for d in devices] == ["d1", "d2"]
    assert all("token" not in d for d in devices)
    listing = org.run("device", "list", "acme01").stdout
    assert "d1" in listing and "d2" in listing
    shown = org.json("device", "show", "acme01", "sensor", "d1")
    assert shown["registration"]["source"] == "cli" and shown["registration"]["by"] is None
    assert shown["connection"] == {"connected": False, "last_connect_at": None, "last_disconnect_at": None}
    assert shown["last_location"] is None
    assert "token" not in shown
    text = org.run("device", "show", "acme01", "sensor", "d1").stdout
    assert "with the CLI" in text and "never connected" in text and "last_location" in text
    assert token not in text
    assert org.json("device", "delete", "acme01", "sensor", "d1") == {
        "deleted": {"org_id": "acme01", "type_id": "sensor", "device_id": "d1"}}
    assert "not found" in org.error("device", "show", "acme01", "sensor", "d1", expect=1)
    assert "not found" in org.error("device", "delete", "acme01", "sensor", "d1", expect=1)
    org.run("device", "delete", "acme01", "sensor", "d2")
    assert "No devices in organization acme01." in org.run("device", "list", "acme01").stdout


def test_device_errors(org):
    org.run("device", "create", "acme01", "sensor", "d1")
    assert "already exists" in org.error("device", "create", "acme01", "sensor", "d1", expect=1)
    assert "does not exist" in org.error("device", "create", "acme01", "nope", "d1", expect=1)
    assert "does not exist" in org.error("device", "create", "zzzzzz", "sensor", "d1", expect=1)
    assert "other class" in org.error("device", "create", "acme01", "hub", "d1", expect=1)
    assert "invalid ID" in org.error("device", "create", "acme01", "sensor", "d/1", expect=2)
    assert "invalid ID" in org.error("device", "create", "acme01", "sensor", "x" * 37, expect=2)
    assert "invalid ID" in org.error("device", "show", "acme01", "sensor", "a+b", expect=2)
    assert "8 to 36" in org.error("device", "create", "acme01", "sensor", "d2", "--token", "short", expect=2)
    assert "8 to 36" in org.error("device", "create", "acme01", "sensor", "d2", "--token", "x" * 37, expect=2)
    assert "unknown resource group" in org.error("device", "create", "acme01", "sensor", "d2", "--group", "nope",
                                                 expect=1)
    # A device is not a gateway.
    assert "not found" in org.error("gateway", "show", "acme01", "sensor", "d1", expect=1)
    assert "not found" in org.error("device", "list", "zzzzzz", expect=1)


def test_tokens_are_stored_hashed(org, tmp_path):
    given = "Given-Token-42!"
    org.run("device", "create", "acme01", "sensor", "d1", "--token", given)
    generated = org.json("device", "create", "acme01", "sensor", "d2")["token"]
    gw = org.json("gateway", "create", "acme01", "hub", "gw1")["token"]
    key = org.json("apikey", "create", "acme01")
    data = db_bytes(org.data_dir)
    assert b"acme01" in data
    for secret in (given, generated, gw, key["token"]):
        assert secret.encode() not in data
    hashes = db_query(org.data_dir, "SELECT length(token_hash) FROM iot_devices")
    assert hashes and all(h == (48,) for h in hashes)


# -- gateways ---------------------------------------------------------------------------------------------

def test_gateway_create_list_show_delete(org):
    created = org.json("gateway", "create", "acme01", "hub", "gw1")
    assert TOKEN_RE.match(created["token"])
    assert created["role"] == "privileged"
    assert created["groups"] == [DEFAULT_GROUP]
    out = org.run("gateway", "create", "acme01", "hub", "gw2", "--role", "standard", "--token", "gw2-token").stdout
    assert "standard" in out and "gw2-token" in out
    gateways = org.json("gateway", "list", "acme01")
    assert [(g["gateway_id"], g["role"]) for g in gateways] == [("gw1", "privileged"), ("gw2", "standard")]
    assert "standard" in org.run("gateway", "list", "acme01").stdout
    shown = org.json("gateway", "show", "acme01", "hub", "gw1")
    assert shown["groups"] == [DEFAULT_GROUP] and shown["registration"]["source"] == "cli"
    assert DEFAULT_GROUP in org.run("gateway", "show", "acme01", "hub", "gw1").stdout
    assert org.json("device", "list", "acme01") == []  # gateways are not listed as devices
    group = org.json("group", "show", "acme01", DEFAULT_GROUP)
    assert group["default_of"] == {"type_id": "hub", "id": "gw1"}
    assert "default resource group" in org.error("group", "delete", "acme01", DEFAULT_GROUP, expect=1)
    org.run("gateway", "delete", "acme01", "hub", "gw1")
    assert "not found" in org.error("group", "show", "acme01", DEFAULT_GROUP, expect=1)
    assert "not found" in org.error("gateway", "delete", "acme01", "hub", "gw1", expect=1)


def test_gateway_errors(org):
    assert "standard or privileged" in org.error("gateway", "create", "acme01", "hub", "gw1", "--role", "root",
                                                 expect=2)
    assert "other class" in org.error("gateway", "create", "acme01", "sensor", "gw1", expect=1)
    org.run("gateway", "create", "acme01", "hub", "gw1")
    assert "already exists" in org.error("gateway", "create", "acme01", "hub", "gw1", expect=1)
    assert "default resource group" in org.error("gateway", "create", "acme01", "hub", "gw2", "--group",
                                                 DEFAULT_GROUP, expect=1)


def test_devices_join_a_gateways_group(org):
    org.run("gateway", "create", "acme01", "hub", "gw1")
    shown = org.json("device", "create", "acme01", "sensor", "d1", "--group", DEFAULT_GROUP)
    assert shown["groups"] == [DEFAULT_GROUP]
    org.run("group", "create", "acme01", "floor1")
    org.json("gateway", "create", "acme01", "hub", "gw2", "--group", "floor1")
    org.run("group", "add", "acme01", "floor1", "sensor", "d1")
    assert org.json("device", "show", "acme01", "sensor", "d1")["groups"] == ["floor1", DEFAULT_GROUP]
    floor = org.json("group", "show", "acme01", "floor1")
    assert floor["members"] == [{"type_id": "sensor", "id": "d1"}]
    assert floor["gateways"] == [{"type_id": "hub", "id": "gw2"}]
    assert "floor1" in org.run("group", "list", "acme01").stdout
    assert [g["group_id"] for g in org.json("group", "list", "acme01")] == [
        "floor1", DEFAULT_GROUP, "gw_def_res_grp:acme01:hub:gw2"]
    assert "already exists" in org.error("group", "add", "acme01", "floor1", "sensor", "d1", expect=1)
    assert "not found" in org.error("group", "add", "acme01", "floor1", "sensor", "d9", expect=1)
    assert "does not exist" in org.error("group", "add", "acme01", "nope", "sensor", "d1", expect=1)
    org.run("group", "remove", "acme01", "floor1", "sensor", "d1")
    assert "is not in group" in org.error("group", "remove", "acme01", "floor1", "sensor", "d1", expect=1)
    assert org.json("group", "delete", "acme01", "floor1") == {"deleted": {"org_id": "acme01",
                                                                          "group_id": "floor1"}}
    assert "already exists" in org.error("group", "create", "acme01", DEFAULT_GROUP, expect=1)
    assert "invalid ID" in org.error("group", "create", "acme01", "a b", expect=2)


def test_group_limits(org):
    for i in range(11):
        org.run("group", "create", "acme01", f"g{i}")
    groups = [a for i in range(10) for a in ("--group", f"g{i}")]
    # Each --group takes one value, so they may come before the positionals too.
    org.run("device", "create", *groups, "acme01", "sensor", "d1")
    assert org.json("device", "show", "acme01", "sensor", "d1")["groups"] == [f"g{i}" for i in range(10)]
    assert "10 resource groups" in org.error("group", "add", "acme01", "g10", "sensor", "d1", expect=1)
    assert "10 resource groups" in org.error("gateway", "create", "acme01", "hub", "gw1", *groups, expect=1)


# -- API keys ---------------------------------------------------------------------------------------------

def test_apikey_create_list_show_delete(org):
    created = org.json("apikey", "create", "acme01", "--role", "PD_STANDARD_APP")
    assert KEY_RE.match(created["key"]) and TOKEN_RE.match(created["token"])
    assert created["role"] == "PD_STANDARD_APP"
    out = org.run("apikey", "create", "acme01").stdout
    second = re.search(r"(a-acme01-[a-z0-9]{10})", out).group(1)
    assert "token: " in out and "will not be shown again" in out
    keys = org.json("apikey", "list", "acme01")
    assert sorted(k["key"] for k in keys) == sorted([created["key"], second])
    assert all("token" not in k for k in keys)
    assert created["key"] in org.run("apikey", "list", "acme01").stdout
    shown = org.json("apikey", "show", created["key"])
    assert shown["role"] == "PD_STANDARD_APP" and "token" not in shown
    assert created["token"] not in org.run("apikey", "show", created["key"]).stdout
    assert org.json("apikey", "delete", second) == {"deleted": {"key": second}}
    assert "not found" in org.error("apikey", "show", second, expect=1)
    assert "not found" in org.error("apikey", "delete", second, expect=1)
    assert "invalid ID" in org.error("apikey", "show", "a-acme01-short", expect=2)
    assert "PD_STANDARD_APP" in org.error("apikey", "create", "acme01", "--role", "bad role", expect=2)
    assert "does not exist" in org.error("apikey", "create", "zzzzzz", expect=1)
    assert "6 lowercase" in org.error("apikey", "create", "ACME01", expect=2)
    assert "not found" in org.error("apikey", "list", "zzzzzz", expect=1)
    org.run("apikey", "delete", created["key"])
    assert "No API keys in organization acme01." in org.run("apikey", "list", "acme01").stdout


# -- cascades ---------------------------------------------------------------------------------------------

def test_deleting_an_org_deletes_everything_in_it(org):
    org.run("gateway", "create", "acme01", "hub", "gw1")
    org.run("device", "create", "acme01", "sensor", "d1", "--group", DEFAULT_GROUP)
    org.run("group", "create", "acme01", "floor1")
    org.run("apikey", "create", "acme01")
    org.run("org", "create", "other1")
    org.run("type", "create", "other1", "sensor")
    org.run("device", "create", "other1", "sensor", "d1")
    assert "Deleted organization acme01" in org.run("org", "delete", "acme01").stdout
    for table in ("iot_types", "iot_devices", "iot_groups", "iot_group_members", "iot_gateway_groups",
                  "iot_api_keys"):
        assert db_query(org.data_dir, f"SELECT count(*) FROM {table} WHERE org_id = 'acme01'") == [(0,)], table
    assert [d["device_id"] for d in org.json("device", "list", "other1")] == ["d1"]
    # Created again, the org is empty.
    org.run("org", "create", "acme01")
    assert org.json("type", "list", "acme01") == []


def test_every_write_bumps_the_registry_version(org):
    def version():
        return db_query(org.data_dir, "SELECT version FROM registry_version")[0][0]

    v = version()
    for args in (("device", "create", "acme01", "sensor", "d1"), ("gateway", "create", "acme01", "hub", "gw1"),
                 ("apikey", "create", "acme01"), ("group", "create", "acme01", "g1"),
                 ("group", "add", "acme01", "g1", "sensor", "d1"), ("device", "delete", "acme01", "sensor", "d1"),
                 ("org", "delete", "acme01")):
        org.run(*args)
        assert version() > v, args
        v = version()
