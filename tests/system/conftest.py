"""System-test fixtures: start a real MQTT server on a free port and hand its address to the tests.

Target selection (environment):
  TETHER_TARGET=mosquitto   run against Debian's Mosquitto (/usr/sbin/mosquitto, or $MOSQUITTO_BIN), to prove
                            the tests themselves are right;
  (anything else / unset)   run against Tether: $TETHER_BIN, default <repo>/build/tether.

Fixtures:
  broker          a fresh server (free port, fresh data dir), default options; options can be set per test with
                  @pytest.mark.broker_opts(max_queued=5, acl={...}, users={...}, allow_anonymous=False, ...)
  make_broker     factory: make_broker(**opts) -> started Server (several per test are fine)
  target          "tether" or "mosquitto"

Server options (keyword arguments of make_broker / broker_opts):
  allow_anonymous=True, users={name: password} (password file), acl="text of a Mosquitto-format ACL file",
  max_queued=N, max_packet_size=BYTES, workers=N, extra_args=[...] (Tether only).

Tests that rely on a Tether-only feature use @pytest.mark.tether_only (skipped on Mosquitto).
"""
import os
import signal
import subprocess

import pytest

from server_control import (HEAVY_TEST_TIMEOUT, SERVER_FIXTURES, TARGET, TETHER_BIN, MOSQUITTO_BIN,
                            TEST_HARD_TIMEOUT, Server)



def _tether_unavailable_reason():
    """None when the Tether binary can serve MQTT, else why not. TEMPORARY guard while the broker lands."""
    if not os.path.isfile(TETHER_BIN) or not os.access(TETHER_BIN, os.X_OK):
        return f"Tether binary not found at {TETHER_BIN} (set TETHER_BIN, or TETHER_TARGET=mosquitto)"
    try:
        out = subprocess.run([TETHER_BIN, "serve", "--help"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"{TETHER_BIN} serve --help failed: {e}"
    if "--mqtt-listen" not in (out.stdout + out.stderr):
        return (f"{TETHER_BIN} does not support 'serve --mqtt-listen' yet (MQTT engine not landed); "
                "MQTT system tests skipped (run them against Mosquitto with TETHER_TARGET=mosquitto)")
    return None


# -- pytest plumbing ---------------------------------------------------------------------------------------

def pytest_configure(config):
    config.addinivalue_line("markers", "tether_only: relies on a Tether-only feature; skipped on Mosquitto")
    config.addinivalue_line("markers", "heavy: loads the machine for up to a minute and a half; its hard limit is "
                                       "HEAVY_TEST_TIMEOUT (asserts on correctness, not on speed)")
    config.addinivalue_line("markers", "broker_opts(**kw): options for the `broker` fixture (see conftest.py)")


_unavailable = None


def pytest_collection_modifyitems(config, items):
    global _unavailable
    needs_server = [i for i in items if SERVER_FIXTURES & set(getattr(i, "fixturenames", ()))
                    or i.get_closest_marker("tether_only")]
    if TARGET == "tether" and needs_server:
        _unavailable = _tether_unavailable_reason()
    for item in needs_server:
        if _unavailable:
            item.add_marker(pytest.mark.skip(reason=_unavailable))
        elif TARGET == "mosquitto" and item.get_closest_marker("tether_only"):
            item.add_marker(pytest.mark.skip(reason="Tether-only feature (TETHER_TARGET=mosquitto)"))


def pytest_report_header(config):
    if TARGET == "mosquitto":
        return f"MQTT system tests target: mosquitto ({MOSQUITTO_BIN})"
    return f"MQTT system tests target: tether ({TETHER_BIN})"


def pytest_terminal_summary(terminalreporter):
    if _unavailable:
        terminalreporter.write_line(f"NOTE: {_unavailable}", yellow=True)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    """Hard per-test timeout so that a bug never hangs the suite."""
    def on_alarm(signum, frame):
        raise TimeoutError(f"test exceeded its hard limit ({TEST_HARD_TIMEOUT}s, heavy tests {HEAVY_TEST_TIMEOUT}s)")
    old = signal.signal(signal.SIGALRM, on_alarm)
    limit = max(TEST_HARD_TIMEOUT, HEAVY_TEST_TIMEOUT) if item.get_closest_marker("heavy") else TEST_HARD_TIMEOUT
    signal.alarm(limit)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On failure, attach the log of every server the test used to the report."""
    outcome = yield
    rep = outcome.get_result()
    if rep.failed:
        since = getattr(item, "_tether_log_since", {})
        for server in getattr(item, "_tether_servers", []):
            rep.sections.append((f"server log {server!r}", server.log_text(since=since.get(id(server), 0))))


@pytest.fixture(scope="session")
def target():
    return TARGET


@pytest.fixture
def make_broker(request):
    servers = []
    request.node._tether_servers = servers

    def factory(**opts):
        server = Server(**opts)
        servers.append(server)
        server.start()
        return server

    yield factory
    for server in servers:
        server.cleanup()  # logs of failed tests were attached to the report already


@pytest.fixture
def broker(make_broker, request):
    marker = request.node.get_closest_marker("broker_opts")
    opts = dict(marker.kwargs) if marker else {}
    return make_broker(**opts)
