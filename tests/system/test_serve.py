"""`tether serve` as a list of frontend modules (issue 13): the listeners each module opens and logs, a taken port
stopping the server with exit code 1, flags that exist only with their frontend, and module flags set from a
TOML --config file or a TETHER_* variable."""
import re
import socket
import subprocess
import time

import pytest

import mqtt_raw
from server_control import TETHER_BIN, Server, free_port

pytestmark = pytest.mark.tether_only

# Every listener flag `serve` has, with the label its realm logs and the transport it logs.
LISTENERS = [
    (f"--{prefix}-{kind}listen", label, transport)
    for prefix, label in (("mqtt", "mqtt"), ("gateway-v3", "gateway-v3"), ("gateway-v2", "gateway-v2"),
                          ("application", "application"))
    for kind, transport in (("", "tcp"), ("tls-", "tls"), ("ws-", "ws"), ("wss-", "wss"))
]
# Listener flags whose default address is not empty: off in these tests unless a test sets them.
DEFAULTED = ("--gateway-v3-listen", "--gateway-v3-tls-listen", "--gateway-v2-listen", "--application-listen",
             "--application-tls-listen", "--http-listen")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1, enough for a TLS listener to open."""
    d = tmp_path_factory.mktemp("cert")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-keyout", "server.key", "-out", "server.pem"], cwd=d, check=True, capture_output=True)
    return ["--tls-cert", str(d / "server.pem"), "--tls-key", str(d / "server.key")]


def serve_cmd(data_dir, *args):
    """`tether serve` with only the listeners given in args (the defaulted ones turned off)."""
    cmd = [TETHER_BIN, "serve", "--data-dir", str(data_dir)]
    for flag in DEFAULTED:
        if flag not in args:
            cmd += [flag, ""]
    return cmd + list(args)


def run_serve(tmp_path, *args, timeout=10):
    """Runs `tether serve` that is expected to exit by itself; returns (exit code, output)."""
    out = subprocess.run(serve_cmd(tmp_path / "data", *args), capture_output=True, text=True, timeout=timeout)
    return out.returncode, out.stdout + out.stderr


def wait_for_ports(server, ports, timeout=10.0):
    deadline = time.monotonic() + timeout
    for port in ports:
        while True:
            assert server.alive(), f"server exited\n{server.log_text(limit=3000)}"
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1.0):
                    break
            except OSError:
                assert time.monotonic() < deadline, f"nothing listens on {port}\n{server.log_text(limit=3000)}"
                time.sleep(0.05)


def listening_lines(server):
    return [line for line in server.log_text().splitlines() if " listening on " in line]


def wait_for_log(server, pattern, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not re.search(pattern, server.log_text()):
        assert time.monotonic() < deadline, f"no log line matches {pattern!r}\n{server.log_text(limit=3000)}"
        time.sleep(0.05)


def test_each_opened_listener_logs_one_line_with_label_transport_and_address(make_broker, certificate):
    opened = {flag: free_port() for flag, _, _ in LISTENERS if flag != "--mqtt-listen"}
    args = [a for flag, port in opened.items() for a in (flag, f"127.0.0.1:{port}")] + certificate
    server = make_broker(extra_args=args)
    opened["--mqtt-listen"] = server.port
    wait_for_log(server, r"tether serving with")
    lines = listening_lines(server)
    for flag, label, transport in LISTENERS:
        expected = f"{label} listening on 127.0.0.1:{opened[flag]} ({transport})"
        assert sum(expected in line for line in lines) == 1, f"{flag}: want one line '{expected}' in\n" + \
            "\n".join(lines)
    assert len(lines) == len(LISTENERS), "one line per opened listener, no more:\n" + "\n".join(lines)


def test_only_the_listeners_asked_for_open_and_log(make_broker):
    server = make_broker()  # the plain broker only: every defaulted listener is turned off
    wait_for_log(server, r"tether serving with")
    lines = listening_lines(server)
    assert len(lines) == 1 and f"mqtt listening on 127.0.0.1:{server.port} (tcp)" in lines[0], "\n".join(lines)


def test_a_tls_listener_without_certificate_stays_closed_with_a_warning_naming_its_flag(make_broker):
    port = free_port()
    # "--flag=value": Server waits only for listeners given as "--flag value", and this one never opens.
    server = make_broker(extra_args=[f"--mqtt-tls-listen=127.0.0.1:{port}"])
    wait_for_log(server, r"tether serving with")
    assert f"--mqtt-tls-listen 127.0.0.1:{port} not opened: TLS listeners need --tls-cert" in server.log_text()
    assert not any("(tls)" in line for line in listening_lines(server))


@pytest.mark.parametrize("flag", [flag for flag, _, _ in LISTENERS])
def test_a_taken_port_stops_the_server_with_exit_1_and_one_line_naming_the_port(tmp_path, certificate, flag):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.monotonic()
        code, output = run_serve(tmp_path, flag, f"127.0.0.1:{port}", *certificate)
    assert code == 1, output
    assert time.monotonic() - started < 5, "a taken port must stop the server at once"
    errors = [line for line in output.splitlines() if "[error]" in line]
    assert len(errors) == 1, output
    assert f"{flag} 127.0.0.1:{port}: cannot listen: port {port} is already in use" in errors[0], output
    assert "listening on" not in output and "tether serving" not in output, output


def test_a_taken_port_after_others_opened_still_stops_the_server(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, output = run_serve(tmp_path, "--mqtt-listen", f"127.0.0.1:{free_port()}", "--gateway-v3-listen",
                                 f"127.0.0.1:{free_port()}", "--application-listen", f"127.0.0.1:{port}")
    assert code == 1, output
    assert f"--application-listen 127.0.0.1:{port}: cannot listen: port {port} is already in use" in output


def test_a_malformed_listen_address_names_its_flag(tmp_path):
    code, output = run_serve(tmp_path, "--gateway-v3-ws-listen", "127.0.0.1")
    assert code == 1, output
    assert "--gateway-v3-ws-listen: expected HOST:PORT, got '127.0.0.1'" in output, output


@pytest.mark.parametrize("flag", ["--nosuch-listen"])
def test_a_listener_of_a_frontend_not_built_yet_is_an_unknown_flag(tmp_path, flag):
    code, output = run_serve(tmp_path, flag, "127.0.0.1:1")
    assert code == 2, output
    assert flag in output, output


@pytest.mark.parametrize("flag", ["nosuch-listen"])
def test_help_does_not_offer_listeners_of_frontends_not_built_yet(flag):
    out = subprocess.run([TETHER_BIN, "serve", "--help"], capture_output=True, text=True, timeout=10)
    assert out.returncode == 0 and "--gateway-v3-listen" in out.stdout
    assert flag not in out.stdout


def _anonymous_connack(port):
    client = mqtt_raw.RawClient("127.0.0.1", port)
    try:
        client.send(mqtt_raw.connect("serve-test"))
        return client.recv_packet().raw
    except mqtt_raw.Closed:
        return None
    finally:
        client.sock.close()


def test_a_config_file_sets_the_flags_of_modules(tmp_path, make_broker):
    ws_port, gateway_port = free_port(), free_port()
    config = tmp_path / "tether.toml"
    config.write_text(f'application-ws-listen = "127.0.0.1:{ws_port}"\n'
                      f'gateway-v3-ws-listen = "127.0.0.1:{gateway_port}"\n'
                      "mqtt-allow-anonymous = true\n")
    server = make_broker(allow_anonymous=False, extra_args=["--config", str(config)])
    wait_for_ports(server, [ws_port, gateway_port])
    wait_for_log(server, rf"application listening on 127\.0\.0\.1:{ws_port} \(ws\)")
    wait_for_log(server, rf"gateway-v3 listening on 127\.0\.0\.1:{gateway_port} \(ws\)")
    assert _anonymous_connack(server.port) == mqtt_raw.connack(0), "mqtt-allow-anonymous from the config file"


def test_tether_variables_set_the_flags_of_modules(make_broker, monkeypatch):
    gateway_port = free_port()
    monkeypatch.setenv("TETHER_GATEWAY_V3_WS_LISTEN", f"127.0.0.1:{gateway_port}")
    monkeypatch.setenv("TETHER_MQTT_ALLOW_ANONYMOUS", "true")
    server = make_broker(allow_anonymous=False)
    wait_for_ports(server, [gateway_port])
    wait_for_log(server, rf"gateway-v3 listening on 127\.0\.0\.1:{gateway_port} \(ws\)")
    assert _anonymous_connack(server.port) == mqtt_raw.connack(0), "TETHER_MQTT_ALLOW_ANONYMOUS"


def test_without_anonymous_access_the_broker_refuses_a_client_without_credentials(make_broker):
    server = make_broker(allow_anonymous=False)
    assert _anonymous_connack(server.port) != mqtt_raw.connack(0)


def test_the_command_line_and_tether_variables_win_over_the_config_file(tmp_path, make_broker, monkeypatch):
    file_port, env_port, cli_port = free_port(), free_port(), free_port()
    config = tmp_path / "tether.toml"
    config.write_text(f'gateway-v3-ws-listen = "127.0.0.1:{file_port}"\n'
                      f'application-ws-listen = "127.0.0.1:{file_port}"\n')
    monkeypatch.setenv("TETHER_GATEWAY_V3_WS_LISTEN", f"127.0.0.1:{env_port}")
    server = make_broker(extra_args=["--config", str(config), "--application-ws-listen", f"127.0.0.1:{cli_port}"])
    wait_for_ports(server, [env_port, cli_port])
    wait_for_log(server, r"tether serving with")
    assert f"gateway-v3 listening on 127.0.0.1:{env_port} (ws)" in server.log_text()
    assert f"application listening on 127.0.0.1:{cli_port} (ws)" in server.log_text()
    assert str(file_port) not in "\n".join(listening_lines(server))


@pytest.mark.parametrize("text, message", [
    ("nosuch-listen = \"127.0.0.1:1\"\n", "'nosuch-listen' is not a flag of `tether serve`"),
    ("[serve]\nworkers = 1\n", "[serve]: no sections"),
    ("workers = 0\n", "--workers: Value 0 not in range"),
])
def test_a_config_file_with_an_unknown_key_or_a_bad_value_is_a_usage_error(tmp_path, text, message):
    config = tmp_path / "tether.toml"
    config.write_text(text)
    code, output = run_serve(tmp_path, "--config", str(config))
    assert code == 2, output
    assert message in output, output
