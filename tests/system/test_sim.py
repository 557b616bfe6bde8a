"""`tether sim` against `tether serve`: simulated gateways publish TTS v3 protobuf, simulated devices join
(OTAA) or start with registry sessions (ABP), and the simulator's application client checks that every uplink
arrives exactly once and decrypted right. With --downlink-rate the simulator's application also pushes downlinks;
its devices open Class A receive windows, decrypt them and acknowledge the confirmed ones, and its gateways answer
each with a TxAck. The simulator registers its own entities in the server's data directory while the server runs."""
import json
import subprocess

import pytest

from server_control import TETHER_BIN, Server, free_port

pytestmark = pytest.mark.tether_only


@pytest.fixture(scope="module")
def network():
    gw_port, app_port = free_port(), free_port()
    server = Server(extra_args=["--gateway-v3-listen", f"127.0.0.1:{gw_port}",
                                "--application-listen", f"127.0.0.1:{app_port}"])
    server.start()
    server.gw_address = f"127.0.0.1:{gw_port}"
    server.app_address = f"127.0.0.1:{app_port}"
    yield server
    server.stop()
    server.cleanup()


def sim(network, *args, timeout=25):
    cmd = [TETHER_BIN, "sim", "--data-dir", str(network.data_dir), "--gateway-address", network.gw_address,
           "--application-address", network.app_address, *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def check_passed(proc, devices):
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads(proc.stdout)
    assert report["passed"] is True
    assert report["sent"] > 0
    assert report["received"] == report["sent"]
    assert report["missing"] == 0 and report["duplicates"] == 0
    assert report["wrong_payloads"] == 0 and report["unexpected"] == 0
    assert report["errors"] == []
    assert report["devices"] == devices
    return report


def test_abp_uplinks_arrive_once_and_decrypted(network):
    proc = sim(network, "--activation", "abp", "--gateways", "3", "--devices", "5", "--rate", "50",
               "--duration", "2s", "--json")
    report = check_passed(proc, 5)
    assert report["activation"] == "abp"
    assert report["gateways_per_device"] == 3
    assert report["gateway_publishes"] == 3 * report["sent"]  # every uplink heard by three gateways
    assert 80 <= report["sent"] <= 101
    assert 0 < report["latency_ms"]["p50"] <= report["latency_ms"]["p99"] <= report["latency_ms"]["max"]


def test_otaa_devices_join_then_send(network):
    proc = sim(network, "--activation", "otaa", "--gateways", "2", "--devices", "4", "--rate", "20",
               "--count", "40", "--json")
    report = check_passed(proc, 4)
    assert report["joined"] == 4
    assert report["join_events"] == 4
    assert report["join_requests"] >= 4
    assert report["downlinks"] >= 4  # the join-accepts
    assert report["sent"] == 40


def test_a_second_run_reuses_the_registry_and_still_passes(network):
    for _ in range(2):
        check_passed(sim(network, "--activation", "abp", "--devices", "2", "--count", "10", "--rate", "100",
                         "--json"), 2)


def test_text_report(network):
    proc = sim(network, "--activation", "abp", "--devices", "2", "--count", "6", "--rate", "100")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for label in ("uplinks", "throughput", "latency", "result"):
        assert label in proc.stdout
    assert "6 sent, 6 received, 0 missing, 0 duplicates, 0 wrong payloads" in proc.stdout
    assert proc.stdout.rstrip().endswith("PASS")


def check_downlinks(report):
    d = report["application_downlinks"]
    assert d["pushed"] > 0
    assert d["queued"] == d["pushed"]
    assert d["received"] == d["pushed"] and d["right"] == d["pushed"]  # each once, with the exact bytes
    assert d["wrong"] == 0 and d["duplicates"] == 0 and d["unexpected"] == 0
    assert d["sent"] == d["pushed"]
    assert d["acked"] == d["confirmed"]
    assert d["nacked"] == 0 and d["failed"] == 0 and d["missing"] == 0
    assert 0 < d["latency_ms"]["p50"] <= d["latency_ms"]["max"]
    w = report["windows"]
    assert w["errors"] == 0
    assert w["rx1"] + w["rx2"] == report["downlinks"]  # every GatewayDown fell in a window of its device
    assert report["tx_acks"] == report["downlinks"]
    dd = report["device_downlinks"]
    assert dd["refused"] == 0
    assert dd["accepted"] >= d["pushed"]
    assert dd["acks"] >= d["confirmed"]
    return d


def test_abp_downlinks_reach_their_devices_decrypted_and_acknowledged(network):
    proc = sim(network, "--activation", "abp", "--gateways", "2", "--devices", "4", "--rate", "10", "--duration",
               "3s", "--downlink-rate", "4", "--confirmed-downlinks", "0.5", "--json")
    report = check_passed(proc, 4)
    d = check_downlinks(report)
    assert 10 <= d["pushed"] <= 14
    assert d["confirmed"] == d["pushed"] // 2
    # The network moves ABP devices from RX1 at 1 s to its 5 s: each device's first downlink carries an
    # RXTimingSetupReq, answered in its next uplink.
    assert report["device_downlinks"]["mac_commands"] >= 4
    assert report["device_downlinks"]["mac_answers"] >= 1
    assert report["windows"]["rx1"] > 0


def test_otaa_devices_take_confirmed_downlinks(network):
    proc = sim(network, "--activation", "otaa", "--gateways", "2", "--devices", "3", "--rate", "10", "--count", "20",
               "--downlink-rate", "3", "--confirmed-downlinks", "--json")  # bare: all confirmed
    report = check_passed(proc, 3)
    assert report["joined"] == 3
    d = check_downlinks(report)
    assert d["confirmed"] == d["pushed"]
    assert d["acked"] == d["pushed"]


def test_downlink_text_report(network):
    proc = sim(network, "--activation", "abp", "--devices", "2", "--count", "10", "--rate", "10", "--downlink-rate",
               "2")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 wrong-window errors" in proc.stdout
    assert "0 failed, 0 missing" in proc.stdout
    assert "push to device: p50" in proc.stdout
    assert proc.stdout.rstrip().endswith("PASS")


def test_nothing_listening_fails_with_a_clear_error(network, tmp_path):
    port = free_port()
    proc = subprocess.run([TETHER_BIN, "sim", "--data-dir", str(tmp_path), "--gateway-address", f"127.0.0.1:{port}",
                           "--application-address", f"127.0.0.1:{port}", "--devices", "1", "--count", "1",
                           "--activation", "abp"], capture_output=True, text=True, timeout=25)
    assert proc.returncode == 1
    assert "connection refused" in proc.stdout.lower()
    assert "FAIL" in proc.stdout


@pytest.mark.parametrize("args", [["--activation", "both"], ["--duration", "ten"], ["--devices", "0"],
                                  ["--frequency-plan", "MARS"], ["--rate", "0"], ["--downlink-rate", "-1"],
                                  ["--confirmed-downlinks", "1.5"]])
def test_usage_errors_exit_2(tmp_path, args):
    proc = subprocess.run([TETHER_BIN, "sim", "--data-dir", str(tmp_path), *args], capture_output=True, text=True,
                          timeout=10)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.startswith("tether sim")
