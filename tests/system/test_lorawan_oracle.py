"""Cross-checks Tether's LoRaWAN library against the npm package lora-packet, both ways.

lora-packet builds random data frames, join-accepts and join-requests (random keys, counters, ports,
payloads, directions); Tether parses, verifies and decrypts each byte-exactly and rebuilds it from its
fields. Then Tether builds random frames and lora-packet decodes, verifies and decrypts them. A few frames
also go through `tether lorawan decode/encode` so the command line is checked against the same oracle.
"""

import json
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
ORACLE_DIR = ROOT / "tests" / "oracle"
ORACLE_JS = ORACLE_DIR / "lorawan_oracle.js"
NODE = "/usr/bin/node"
CASES = 15000  # 70 % data frames, 20 % join-accepts, 10 % join-requests
MIN_DATA_AND_JOIN_ACCEPTS = 10000


def _tether_bin():
    return pathlib.Path(os.environ.get("TETHER_BIN", ROOT / "build" / "tether"))


def _checker():
    return _tether_bin().parent / "tests" / "oracle" / "lorawan_oracle_check"


@pytest.fixture(scope="module", autouse=True)
def _needs_oracle():
    if not (ORACLE_DIR / "node_modules" / "lora-packet").is_dir():
        pytest.skip("lora-packet not installed (run `make deps`)")
    assert _checker().is_file(), f"{_checker()} missing: build the lorawan_oracle_check target"


def _run(cmd, stdin=None):
    proc = subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=600, cwd=ORACLE_DIR)
    assert proc.returncode == 0, f"{cmd[0]} failed: {proc.stderr}"
    return proc.stdout


def _node_generate(count, seed):
    return _run([NODE, str(ORACLE_JS), "generate", str(count), str(seed)])


def _assert_clean(report, count):
    assert report["checked"] == count
    assert report["by_kind"]["data"] + report["by_kind"]["join_accept"] >= MIN_DATA_AND_JOIN_ACCEPTS
    assert report["failures"] == [], report["failures"][:5]


def test_lora_packet_frames_decode_verify_and_decrypt_in_tether():
    lines = _node_generate(CASES, seed=20241)
    report = json.loads(_run([str(_checker()), "decode"], stdin=lines))
    _assert_clean(report, CASES)


def test_tether_frames_decode_verify_and_decrypt_in_lora_packet():
    lines = _run([str(_checker()), "generate", str(CASES), "20242"])
    report = json.loads(_run([NODE, str(ORACLE_JS), "verify"], stdin=lines))
    _assert_clean(report, CASES)


def test_corrupted_frames_are_caught_both_ways():
    """The harness itself must notice a wrong MIC, or a clean run would prove nothing."""
    def corrupt(lines):
        out = []
        for line in lines.splitlines():
            case = json.loads(line)
            wire = case["wire"]
            case["wire"] = wire[:-2] + ("00" if wire[-2:] != "00" else "01")
            out.append(json.dumps(case))
        return "\n".join(out) + "\n"

    ours = json.loads(_run([str(_checker()), "decode"], stdin=corrupt(_node_generate(50, seed=7))))
    theirs = json.loads(_run([NODE, str(ORACLE_JS), "verify"],
                             stdin=corrupt(_run([str(_checker()), "generate", "50", "7"]))))
    assert len(ours["failures"]) == 50
    assert len(theirs["failures"]) == 50


def test_cli_decode_matches_lora_packet():
    cases = [json.loads(l) for l in _node_generate(60, seed=99).splitlines()]
    data = [c for c in cases if c["kind"] == "data"][:20]
    for c in data:
        out = _run([str(_tether_bin()), "lorawan", "decode", c["wire"], "--nwk-s-key", c["nwk_s_key"],
                    "--app-s-key", c["app_s_key"], "--fcnt", str(c["fcnt"])])
        frame = json.loads(out)
        assert frame["mic_valid"] is True
        assert frame["dev_addr"] == c["dev_addr"].upper()
        assert frame["f_port"] == c["f_port"]
        assert frame.get("decrypted_payload", "") == c["payload"]
    for c in [c for c in cases if c["kind"] == "join_accept"][:5]:
        frame = json.loads(_run([str(_tether_bin()), "lorawan", "decode", c["wire"], "--app-key", c["app_key"]]))
        assert frame["mic_valid"] is True
        assert frame["net_id"] == c["net_id"].upper()


def test_cli_encode_is_accepted_by_lora_packet():
    cases = [json.loads(l) for l in _node_generate(40, seed=5).splitlines()]
    rebuilt = []
    for c in [c for c in cases if c["kind"] == "data"][:15]:
        cmd = [str(_tether_bin()), "lorawan", "encode", "data", "--dev-addr", c["dev_addr"], "--fcnt", str(c["fcnt"]),
               "--nwk-s-key", c["nwk_s_key"], "--app-s-key", c["app_s_key"], "--payload", c["payload"],
               "--f-opts", c["f_opts"]]
        if c["f_port"] is not None:
            cmd += ["--fport", str(c["f_port"])]
        if c["mtype"] in (3, 5):
            cmd.append("--downlink")
        if c["mtype"] in (4, 5):
            cmd.append("--confirmed")
        flags = {"adr": "--adr", "ack": "--ack", "adr_ack_req": "--adr-ack-req"}
        cmd += [flag for key, flag in flags.items() if c[key]]
        if c["bit4"]:
            cmd.append("--f-pending" if c["mtype"] in (3, 5) else "--class-b")
        wire = _run(cmd).strip()
        assert wire == c["wire"]
        rebuilt.append(json.dumps(dict(c, wire=wire)))
    report = json.loads(_run([NODE, str(ORACLE_JS), "verify"], stdin="\n".join(rebuilt) + "\n"))
    assert report["failures"] == []


def test_cli_usage_errors_exit_2_with_one_line():
    proc = subprocess.run([str(_tether_bin()), "lorawan", "decode", "zz"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1
    proc = subprocess.run([str(_tether_bin()), "lorawan", "decode", "4004030201"], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "truncated" in proc.stderr
