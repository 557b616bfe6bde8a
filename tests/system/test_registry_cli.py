"""System tests for the registry commands: `tether gateway|application|device|key create|list|show|delete`.

Each test runs the real binary ($TETHER_BIN, default <repo>/build/tether) as separate processes against a
fresh --data-dir, and checks exit codes (0 ok, 1 failure, 2 usage), stdout/stderr and persistence.
"""
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from cli_runner import Cli, db_bytes
from server_control import TETHER_BIN


DEV_EUI = "0004A30B001C0530"
JOIN_EUI = "70B3D57ED0000000"
APP_KEY = "2B7E151628AED2A6ABF7158809CF4F3C"
KEY_RE = re.compile(r"NNSXS\.([A-Z2-7]{39})\.([A-Z2-7]{52})")

pytestmark = pytest.mark.skipif(not os.access(TETHER_BIN, os.X_OK), reason=f"no tether binary at {TETHER_BIN}")


@pytest.fixture
def tether(tmp_path):
    return Cli(tmp_path / "data")


# -- gateways ---------------------------------------------------------------------------------------------

def test_gateway_create_list_show_delete(tether):
    out = tether.run("gateway", "create", "gw1", "--eui", "70b3d57ed0000001", "--frequency-plan", "EU_863_870",
                     "--name", "Roof").stdout
    assert "gw1" in out
    tether.run("gateway", "create", "gw2")
    listing = tether.run("gateway", "list").stdout
    assert "gw1" in listing and "gw2" in listing and "70B3D57ED0000001" in listing
    gateways = tether.json("gateway", "list")
    assert [g["gateway_id"] for g in gateways] == ["gw1", "gw2"]
    shown = tether.json("gateway", "show", "gw1")
    assert shown["eui"] == "70B3D57ED0000001"
    assert shown["frequency_plan_id"] == "EU_863_870"
    assert shown["name"] == "Roof"
    assert "Roof" in tether.run("gateway", "show", "gw1").stdout
    tether.run("gateway", "delete", "gw1")
    assert [g["gateway_id"] for g in tether.json("gateway", "list")] == ["gw2"]
    assert "not found" in tether.error("gateway", "show", "gw1", expect=1)
    assert "not found" in tether.error("gateway", "delete", "gw1", expect=1)


def test_gateway_location(tether):
    tether.run("gateway", "create", "gw1", "--latitude", "52.3731", "--longitude", "4.8922", "--altitude", "12")
    loc = tether.json("gateway", "show", "gw1")["location"]
    assert loc == {"latitude": 52.3731, "longitude": 4.8922, "altitude": 12.0}
    tether.error("gateway", "create", "gw2", "--latitude", "95", "--longitude", "0", expect=2)


@pytest.mark.parametrize("bad_id", ["GW1", "gw_1", "gw-", "gw--1", "g", "x" * 37])
def test_gateway_bad_id_is_a_usage_error(tether, bad_id):
    message = tether.error("gateway", "create", bad_id, expect=2)
    assert "invalid ID" in message


def test_gateway_bad_eui_and_plan(tether):
    assert "hexadecimal" in tether.error("gateway", "create", "gw1", "--eui", "70B3D57ED000000Z", expect=2)
    assert "wrong length" in tether.error("gateway", "create", "gw1", "--eui", "70B3D57ED00000", expect=2)
    assert "frequency plan" in tether.error("gateway", "create", "gw1", "--frequency-plan", "MARS_1", expect=2)
    tether.error("gateway", "create", "gw1", "--no-such-flag", expect=2)
    assert tether.json("gateway", "list") == []


def test_gateway_duplicates_are_failures(tether):
    tether.run("gateway", "create", "gw1", "--eui", "70B3D57ED0000001")
    assert "already exists" in tether.error("gateway", "create", "gw1", expect=1)
    assert "70B3D57ED0000001" in tether.error("gateway", "create", "gw2", "--eui", "70B3D57ED0000001", expect=1)


# -- applications -----------------------------------------------------------------------------------------

def test_application_create_list_show_delete(tether):
    tether.run("application", "create", "app1", "--name", "Sensors")
    tether.run("application", "create", "app2")
    assert [a["application_id"] for a in tether.json("application", "list")] == ["app1", "app2"]
    assert tether.json("application", "show", "app1")["name"] == "Sensors"
    assert "app2" in tether.run("application", "list").stdout
    assert "already exists" in tether.error("application", "create", "app1", expect=1)
    assert "invalid ID" in tether.error("application", "create", "App1", expect=2)
    tether.run("application", "delete", "app1")
    assert "not found" in tether.error("application", "show", "app1", expect=1)


# -- devices ----------------------------------------------------------------------------------------------

def create_otaa(tether, app="app1", dev="dev1", dev_eui=DEV_EUI, *extra, expect=0):
    return tether.run("device", "create", app, dev, "--dev-eui", dev_eui, "--join-eui", JOIN_EUI, "--app-key",
                      APP_KEY, *extra, expect=expect)


def test_device_otaa_and_abp(tether):
    tether.run("application", "create", "app1")
    create_otaa(tether, "app1", "dev1", DEV_EUI, "--class", "C")
    tether.run("device", "create", "app1", "dev2", "--dev-addr", "26011bda", "--nwk-s-key", APP_KEY,
               "--app-s-key", "2B7E151628AED2A6ABF7158809CF4F3D", "--lorawan-version", "1.0.2")
    devices = tether.json("device", "list", "app1")
    assert [(d["device_id"], d["activation"]) for d in devices] == [("dev1", "OTAA"), ("dev2", "ABP")]
    dev1 = tether.json("device", "show", "app1", "dev1")
    assert dev1["dev_eui"] == DEV_EUI and dev1["join_eui"] == JOIN_EUI and dev1["app_key"] == APP_KEY
    assert dev1["class"] == "C" and dev1["lorawan_version"] == "1.0.3"
    dev2 = tether.json("device", "show", "app1", "dev2")
    assert dev2["dev_addr"] == "26011BDA" and dev2["lorawan_version"] == "1.0.2" and dev2["class"] == "A"
    assert "dev2" in tether.run("device", "list", "app1").stdout
    tether.run("device", "delete", "app1", "dev1")
    assert "not found" in tether.error("device", "show", "app1", "dev1", expect=1)
    assert "not found" in tether.error("device", "delete", "app1", "dev1", expect=1)


def test_device_errors(tether):
    # Unknown application: a failure (1), not a usage error.
    message = tether.error("device", "create", "app9", "dev1", "--dev-eui", DEV_EUI, "--join-eui", JOIN_EUI,
                           "--app-key", APP_KEY, expect=1)
    assert "app9" in message and "does not exist" in message
    assert "does not exist" in tether.error("device", "list", "app9", expect=1)
    tether.run("application", "create", "app1")
    create_otaa(tether)
    assert "already exists" in create_otaa(tether, expect=1).stderr
    assert "already used" in create_otaa(tether, "app1", "dev2", expect=1).stderr
    # Usage errors: bad hex, wrong lengths, bad IDs, incomplete or mixed activation, class, version.
    usage = [
        ["device", "create", "app1", "dev3", "--dev-eui", "XYZ", "--join-eui", JOIN_EUI, "--app-key", APP_KEY],
        ["device", "create", "app1", "dev3", "--dev-eui", DEV_EUI, "--join-eui", JOIN_EUI, "--app-key", APP_KEY[:-2]],
        ["device", "create", "app1", "dev3", "--dev-addr", "26011B", "--nwk-s-key", APP_KEY, "--app-s-key", APP_KEY],
        ["device", "create", "app1", "Dev3", "--dev-eui", DEV_EUI, "--join-eui", JOIN_EUI, "--app-key", APP_KEY],
        ["device", "create", "app1", "dev3", "--dev-eui", DEV_EUI, "--join-eui", JOIN_EUI],
        ["device", "create", "app1", "dev3", "--dev-eui", DEV_EUI, "--join-eui", JOIN_EUI, "--app-key", APP_KEY,
         "--dev-addr", "26011BDA"],
        ["device", "create", "app1", "dev3", "--dev-eui", "0004A30B001C0599", "--join-eui", JOIN_EUI, "--app-key",
         APP_KEY, "--class", "B"],
        ["device", "create", "app1", "dev3", "--dev-eui", "0004A30B001C0599", "--join-eui", JOIN_EUI, "--app-key",
         APP_KEY, "--lorawan-version", "2.0"],
        ["device", "create", "app1", "dev3"],
    ]
    for args in usage:
        tether.error(*args, expect=2)
    wrong_length = tether.error("device", "create", "app1", "dev3", "--dev-eui", DEV_EUI, "--join-eui", JOIN_EUI,
                                "--app-key", APP_KEY[:-2], expect=2)
    assert "--app-key" in wrong_length and "wrong length" in wrong_length
    assert [d["device_id"] for d in tether.json("device", "list", "app1")] == ["dev1"]


def test_deleting_an_application_deletes_its_devices_and_keys(tether):
    tether.run("application", "create", "app1")
    create_otaa(tether)
    tether.run("key", "create", "--application", "app1", "--rights", "RIGHT_APPLICATION_LINK")
    tether.run("application", "delete", "app1")
    tether.run("application", "create", "app1")
    assert tether.json("device", "list", "app1") == []
    assert tether.json("key", "list", "--application", "app1") == []


# -- API keys ---------------------------------------------------------------------------------------------

def test_key_is_shown_once_and_only_its_hash_is_stored(tether):
    tether.run("gateway", "create", "gw1")
    out = tether.run("key", "create", "--gateway", "gw1", "--rights", "RIGHT_GATEWAY_LINK,RIGHT_GATEWAY_INFO").stdout
    match = KEY_RE.search(out)
    assert match, out
    key_id, secret = match.group(1), match.group(2)
    assert "not be shown again" in out
    # Never again: not in list, show or their JSON.
    for args in (["key", "list", "--gateway", "gw1"], ["key", "show", key_id]):
        for extra in ([], ["--json"]):
            text = tether.run(*args, *extra).stdout
            assert key_id in text
            assert secret not in text
    shown = tether.json("key", "show", key_id)
    assert shown["gateway_id"] == "gw1"
    assert shown["rights"] == ["RIGHT_GATEWAY_INFO", "RIGHT_GATEWAY_LINK"]
    # The database holds the key ID but not the secret (nor the full key).
    stored = db_bytes(tether.data_dir)
    assert key_id.encode() in stored
    assert secret.encode() not in stored
    assert match.group(0).encode() not in stored


def test_key_json_create(tether):
    tether.run("application", "create", "app1")
    proc = tether.run("key", "create", "--application", "app1", "--rights",
                      "RIGHT_APPLICATION_TRAFFIC_READ,RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE", "--json")
    created = json.loads(proc.stdout)
    assert KEY_RE.fullmatch(created["key"])
    assert created["key"].split(".")[1] == created["key_id"]
    assert created["application_id"] == "app1"
    assert "not be shown again" in proc.stderr
    assert [k["key_id"] for k in tether.json("key", "list", "--application", "app1")] == [created["key_id"]]


def test_key_revocation(tether):
    tether.run("gateway", "create", "gw1")
    key_ids = [KEY_RE.search(tether.run("key", "create", "--gateway", "gw1", "--rights",
                                        "RIGHT_GATEWAY_LINK").stdout).group(1) for _ in range(2)]
    tether.run("key", "delete", key_ids[0])
    assert [k["key_id"] for k in tether.json("key", "list", "--gateway", "gw1")] == [key_ids[1]]
    assert "not found" in tether.error("key", "delete", key_ids[0], expect=1)
    assert "not found" in tether.error("key", "show", key_ids[0], expect=1)
    # Deleting the gateway revokes its remaining keys.
    tether.run("gateway", "delete", "gw1")
    assert "not found" in tether.error("key", "show", key_ids[1], expect=1)


def test_key_errors(tether):
    tether.run("gateway", "create", "gw1")
    tether.run("application", "create", "app1")
    assert "RIGHT_GATEWAY_NOPE" in tether.error("key", "create", "--gateway", "gw1", "--rights",
                                                "RIGHT_GATEWAY_LINK,RIGHT_GATEWAY_NOPE", expect=2)
    assert "not a gateway right" in tether.error("key", "create", "--gateway", "gw1", "--rights",
                                                 "RIGHT_APPLICATION_TRAFFIC_READ", expect=2)
    tether.error("key", "create", "--gateway", "gw1", expect=2)  # --rights missing
    tether.error("key", "create", "--rights", "RIGHT_GATEWAY_LINK", expect=2)  # no owner
    tether.error("key", "create", "--gateway", "gw1", "--application", "app1", "--rights", "RIGHT_GATEWAY_LINK",
                 expect=2)
    tether.error("key", "create", "--gateway", "GW1", "--rights", "RIGHT_GATEWAY_LINK", expect=2)
    message = tether.error("key", "create", "--gateway", "gw9", "--rights", "RIGHT_GATEWAY_LINK", expect=1)
    assert "gw9" in message and "does not exist" in message
    assert "does not exist" in tether.error("key", "create", "--application", "app9", "--rights",
                                            "RIGHT_APPLICATION_INFO", expect=1)
    assert "does not exist" in tether.error("key", "list", "--gateway", "gw9", expect=1)
    assert tether.json("key", "list", "--gateway", "gw1") == []


# -- persistence, environment, usage ----------------------------------------------------------------------

def test_everything_persists_across_invocations(tether, tmp_path):
    tether.run("gateway", "create", "gw1", "--eui", "70B3D57ED0000001")
    tether.run("application", "create", "app1")
    create_otaa(tether)
    key_id = KEY_RE.search(tether.run("key", "create", "--application", "app1", "--rights",
                                      "RIGHT_APPLICATION_ALL").stdout).group(1)
    # A new process with the same data dir, and the database file where DESIGN says it is.
    assert (Path(tether.data_dir) / "tether.db").is_file()
    again = Cli(tether.data_dir)
    assert again.json("gateway", "show", "gw1")["eui"] == "70B3D57ED0000001"
    assert again.json("device", "show", "app1", "dev1")["dev_eui"] == DEV_EUI
    assert again.json("key", "show", key_id)["rights"] == ["RIGHT_APPLICATION_ALL"]
    # Another data dir is another registry.
    other = Cli(tmp_path / "other")
    assert other.json("gateway", "list") == []


def test_data_dir_from_environment(tmp_path):
    env = dict(os.environ, TETHER_DATA_DIR=str(tmp_path / "envdata"))
    subprocess.run([TETHER_BIN, "application", "create", "app1"], env=env, check=True, capture_output=True,
                   timeout=30)
    assert (tmp_path / "envdata" / "tether.db").is_file()
    assert Cli(tmp_path / "envdata").json("application", "list")[0]["application_id"] == "app1"


def test_missing_subcommand_is_a_usage_error(tether):
    for args in (["gateway"], ["device", "create", "app1"], ["key", "frobnicate"]):
        proc = subprocess.run([TETHER_BIN, *args], capture_output=True, text=True, timeout=30)
        assert proc.returncode == 2, (args, proc.stderr)


def test_newer_schema_is_refused(tether):
    tether.run("application", "create", "app1")
    import sqlite3
    con = sqlite3.connect(str(Path(tether.data_dir) / "tether.db"))
    con.execute("PRAGMA user_version = 9999")
    con.commit()
    con.close()
    message = tether.error("application", "list", expect=1)
    assert "upgrade tether" in message
