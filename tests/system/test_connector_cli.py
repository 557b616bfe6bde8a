"""System tests for `tether connector create|list|show|delete` (issue 17, Deliver 1): the real binary against a
fresh --data-dir; exit codes (0 ok, 1 failure, 2 usage), --json output, and bad URIs/templates refused at create.
"""
import json
import os
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
TETHER_BIN = os.environ.get("TETHER_BIN") or str(REPO_ROOT / "build" / "tether")

pytestmark = pytest.mark.skipif(not os.access(TETHER_BIN, os.X_OK), reason=f"no tether binary at {TETHER_BIN}")


def run(data_dir, *args, expect=0):
    env = dict(os.environ)
    env.pop("TETHER_DATA_DIR", None)
    proc = subprocess.run([TETHER_BIN, *args, "--data-dir", str(data_dir)], capture_output=True, text=True,
                          timeout=30, env=env)
    assert proc.returncode == expect, f"tether {' '.join(args)}: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    if expect:
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    return proc


@pytest.fixture
def data_dir(tmp_path):
    run(tmp_path, "application", "create", "app1")
    run(tmp_path, "application", "create", "app2")
    return tmp_path


def test_create_list_show_delete(data_dir):
    out = run(data_dir, "connector", "create", "app1", "conn1", "--uri", "mqtts://us%40er:s3cret@broker.example:8884",
              "--topic-up", "lora/{application}/{device}/{type}", "--topic-down", "/downstream",
              "--types", "uplink,downlink_request,error", "--client-id", "my-client", "--json")
    created = json.loads(out.stdout)
    assert created["uri"] == "mqtts://us%40er:***@broker.example:8884"  # the password is never printed
    assert created["host"] == "broker.example" and created["port"] == 8884 and created["scheme"] == "mqtts"
    assert created["types"] == ["uplink", "downlink_request", "error"]
    assert created["client_id"] == "my-client"
    run(data_dir, "connector", "create", "app2", "conn2", "--uri", "ws://localhost", "--topic-up", "/lora/{type}")

    everything = json.loads(run(data_dir, "connector", "list", "--json").stdout)
    assert [(c["application_id"], c["name"]) for c in everything] == [("app1", "conn1"), ("app2", "conn2")]
    ws = everything[1]
    assert ws["port"] == 80 and ws["client_id"] == "tether-app2-conn2"
    assert ws["types"] == ["uplink", "join_request", "downlink", "downlink_request", "status_response"]
    assert [c["name"] for c in json.loads(run(data_dir, "connector", "list", "app1", "--json").stdout)] == ["conn1"]
    assert "No connectors in application app1." not in run(data_dir, "connector", "list", "app1").stdout

    shown = json.loads(run(data_dir, "connector", "show", "app1", "conn1", "--json").stdout)
    assert shown["topic_down"] == "/downstream"
    assert "s3cret" not in run(data_dir, "connector", "show", "app1", "conn1").stdout

    deleted = json.loads(run(data_dir, "connector", "delete", "app1", "conn1", "--json").stdout)
    assert deleted == {"deleted": {"application_id": "app1", "name": "conn1"}}
    assert "not found" in run(data_dir, "connector", "show", "app1", "conn1", expect=1).stderr
    assert "No connectors in application app1." in run(data_dir, "connector", "list", "app1").stdout
    run(data_dir, "connector", "delete", "app1", "conn1", expect=1)


@pytest.mark.parametrize("uri,reason", [
    ("http://broker", "unknown scheme 'http'"),
    ("broker:1883", "scheme://"),
    ("mqtt://", "no host"),
    ("mqtt://broker:99999", "port '99999'"),
    ("mqtt://broker/path", "no path"),
    ("mqtt://u:bad%zz@broker", "%-escape"),
])
def test_bad_uri_is_refused(data_dir, uri, reason):
    err = run(data_dir, "connector", "create", "app1", "conn1", "--uri", uri, "--topic-up", "t", expect=2).stderr
    assert "--uri" in err and reason in err
    assert json.loads(run(data_dir, "connector", "list", "--json").stdout) == []


@pytest.mark.parametrize("template,reason", [
    ("lora/{devices}", "unknown placeholder {devices}"),
    ("lora/{type", "unclosed '{'"),
    ("lora/type}", "unmatched '}'"),
    ("lora/#", "wildcard"),
    ("", "empty"),
])
def test_bad_template_is_refused(data_dir, template, reason):
    err = run(data_dir, "connector", "create", "app1", "conn1", "--uri", "mqtt://b", "--topic-up", template,
              expect=2).stderr
    assert reason in err


def test_other_refusals(data_dir, tmp_path):
    base = ["connector", "create", "app1", "conn1", "--uri", "mqtt://b", "--topic-up", "t"]
    assert "unknown type 'upl'" in run(data_dir, *base, "--types", "upl", expect=2).stderr
    assert "--topic-down" in run(data_dir, *base, "--topic-down", "a/#/b", expect=2).stderr
    assert "not a readable file" in run(data_dir, *base, "--ca", str(tmp_path / "none.pem"), expect=2).stderr
    assert "does not exist" in run(data_dir, "connector", "create", "nope1", "conn1", "--uri", "mqtt://b",
                                   "--topic-up", "t", expect=1).stderr
    assert "invalid ID" in run(data_dir, "connector", "create", "app1", "X!", "--uri", "mqtt://b",
                               "--topic-up", "t", expect=2).stderr
    run(data_dir, *base)
    assert "already exists" in run(data_dir, *base, expect=1).stderr


def test_ca_file_is_stored_absolute_and_deleting_the_application_deletes_its_connectors(data_dir, tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    out = json.loads(run(data_dir, "connector", "create", "app1", "conn1", "--uri", "mqtts://b", "--topic-up", "t",
                         "--ca", str(ca), "--json").stdout)
    assert out["ca_file"] == str(ca) and out["port"] == 8883
    run(data_dir, "application", "delete", "app1")
    assert json.loads(run(data_dir, "connector", "list", "--json").stdout) == []
