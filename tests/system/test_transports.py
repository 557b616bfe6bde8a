"""TLS, WebSocket and WSS listeners (issue 3): real clients (mosquitto_sub/pub, paho-mqtt) and a raw WebSocket
client for frames that split and pack MQTT packets."""
import base64
import os
import socket
import ssl
import struct
import subprocess
import time

import paho.mqtt.client as mqtt
import pytest

import mqtt_raw
from server_control import free_port

pytestmark = pytest.mark.tether_only


def _openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """A CA, a server certificate for 127.0.0.1, a client certificate, and an unrelated CA."""
    d = tmp_path_factory.mktemp("pki")
    for ca in ("ca", "rogue"):
        _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN=tether test {ca}",
                 "-keyout", f"{ca}.key", "-out", f"{ca}.pem", cwd=d)
    (d / "san.ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    for name, ext in (("server", ["-extfile", "san.ext"]), ("client", [])):
        _openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={name}", "-keyout", f"{name}.key",
                 "-out", f"{name}.csr", cwd=d)
        _openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                 "-days", "2", "-out", f"{name}.pem", *ext, cwd=d)
    return d


@pytest.fixture
def tls_server(make_broker, pki):
    ports = {k: free_port() for k in ("tls", "ws", "wss")}
    server = make_broker(extra_args=[
        "--mqtt-tls-listen", f"127.0.0.1:{ports['tls']}", "--mqtt-ws-listen", f"127.0.0.1:{ports['ws']}",
        "--mqtt-wss-listen", f"127.0.0.1:{ports['wss']}", "--tls-cert", str(pki / "server.pem"),
        "--tls-key", str(pki / "server.key")])
    server.ports = ports
    _wait_port(ports["wss"])
    return server


def _wait_port(port, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"port {port} never opened")


def _paho_roundtrip(port, transport="tcp", ca=None, certfile=None, keyfile=None, topic="t/x"):
    """Subscribe and publish through one paho client; returns the payload received."""
    got = []
    c = mqtt.Client(client_id=f"paho-{transport}-{port}", transport=transport)
    if transport == "websockets":
        c.ws_set_options(path="/mqtt")
    if ca:
        c.tls_set(ca_certs=str(ca), certfile=certfile and str(certfile), keyfile=keyfile and str(keyfile))
    c.on_message = lambda _c, _u, m: got.append(m.payload)
    assert c.connect("127.0.0.1", port, keepalive=30) == 0
    c.loop_start()
    try:
        c.subscribe(topic, qos=1)
        time.sleep(0.2)
        c.publish(topic, b"over " + transport.encode(), qos=1).wait_for_publish(5)
        deadline = time.monotonic() + 5
        while not got and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        c.loop_stop()
        c.disconnect()
    return got


def test_tls_with_mosquitto_clients(tls_server, pki):
    port = tls_server.ports["tls"]
    sub = subprocess.Popen(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "--cafile", str(pki / "ca.pem"),
                            "-t", "secure/#", "-C", "1", "-W", "8", "-v"], stdout=subprocess.PIPE, text=True)
    time.sleep(0.5)
    subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(port), "--cafile", str(pki / "ca.pem"),
                    "-t", "secure/a", "-m", "hello tls", "-q", "1"], check=True, timeout=8)
    out, _ = sub.communicate(timeout=10)
    assert out.strip() == "secure/a hello tls"


def test_tls_with_paho(tls_server, pki):
    assert _paho_roundtrip(tls_server.ports["tls"], ca=pki / "ca.pem") == [b"over tcp"]


def test_tls_client_refuses_unknown_certificate_authority(tls_server, pki):
    r = subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(tls_server.ports["tls"]), "--cafile",
                        str(pki / "rogue.pem"), "-t", "x", "-m", "y"], capture_output=True, text=True, timeout=8)
    assert r.returncode != 0


def test_plain_mqtt_on_tls_port_is_refused_and_server_lives(tls_server):
    c = socket.create_connection(("127.0.0.1", tls_server.ports["tls"]), timeout=5)
    c.sendall(mqtt_raw.connect("plain-on-tls"))
    c.settimeout(5)
    try:
        data = c.recv(100)
    except ConnectionResetError:
        data = b""
    assert not data.startswith(b"\x20\x02"), "a plain CONNECT on the TLS port must not get a CONNACK"
    assert _paho_roundtrip(tls_server.port) == [b"over tcp"]


def test_client_certificate_required_with_tls_ca(make_broker, pki):
    port = free_port()
    make_broker(extra_args=["--mqtt-tls-listen", f"127.0.0.1:{port}", "--tls-cert", str(pki / "server.pem"),
                            "--tls-key", str(pki / "server.key"), "--tls-ca", str(pki / "ca.pem")])
    _wait_port(port)
    base = ["mosquitto_pub", "-h", "127.0.0.1", "-p", str(port), "--cafile", str(pki / "ca.pem"), "-t", "x", "-m", "y"]
    assert subprocess.run(base, capture_output=True, timeout=8).returncode != 0, "no client certificate: refused"
    ok = subprocess.run(base + ["--cert", str(pki / "client.pem"), "--key", str(pki / "client.key")],
                        capture_output=True, text=True, timeout=8)
    assert ok.returncode == 0, ok.stderr


def test_websocket_with_paho(tls_server):
    assert _paho_roundtrip(tls_server.ports["ws"], transport="websockets") == [b"over websockets"]


def test_wss_with_paho(tls_server, pki):
    assert _paho_roundtrip(tls_server.ports["wss"], transport="websockets", ca=pki / "ca.pem") == [b"over websockets"]


# -- raw WebSocket: packets split across frames and packed into one -----------------------------------------

class RawWebSocket:
    def __init__(self, port, path="/mqtt", protocol="mqtt"):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: {protocol}\r\n\r\n")
        self.sock.sendall(request.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                break
            head += chunk
        self.status_line = head.split(b"\r\n", 1)[0].decode()
        self.headers = head.decode().lower()
        self.buffer = b""

    def send_frame(self, payload, opcode=0x2):
        mask = os.urandom(4)
        header = bytes([0x80 | opcode])
        n = len(payload)
        header += bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + struct.pack("!H", n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def recv_bytes(self, count, timeout=5):
        self.sock.settimeout(timeout)
        while len(self.buffer) < count:
            b0, b1 = self._exact(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._exact(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._exact(8))[0]
            payload = self._exact(n)
            assert b0 & 0x0F == 0x2, f"expected a binary frame, got opcode {b0 & 0x0F}"
            self.buffer += payload
        out, self.buffer = self.buffer[:count], self.buffer[count:]
        return out

    def _exact(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise AssertionError("connection closed")
            data += chunk
        return data


def test_websocket_packets_split_and_packed(tls_server):
    ws = RawWebSocket(tls_server.ports["ws"])
    assert " 101 " in ws.status_line
    assert "sec-websocket-protocol: mqtt" in ws.headers
    connect = mqtt_raw.connect("ws-split")
    ws.send_frame(connect[:5])  # one CONNECT across two frames
    ws.send_frame(connect[5:])
    assert ws.recv_bytes(4) == bytes.fromhex("20020000")
    # SUBSCRIBE and PINGREQ packed into one frame
    ws.send_frame(bytes.fromhex("8206 0001 0001 70 00") + bytes.fromhex("c000"))
    assert ws.recv_bytes(5) == bytes.fromhex("9003000100")
    assert ws.recv_bytes(2) == bytes.fromhex("d000")


def test_websocket_wrong_path_refused(tls_server):
    ws = RawWebSocket(tls_server.ports["ws"], path="/other")
    assert " 400 " in ws.status_line
    assert _paho_roundtrip(tls_server.ports["ws"], transport="websockets") == [b"over websockets"]


def test_websocket_text_frame_closes_connection(tls_server):
    ws = RawWebSocket(tls_server.ports["ws"])
    ws.send_frame(mqtt_raw.connect("ws-text"), opcode=0x1)
    ws.sock.settimeout(5)
    with pytest.raises((AssertionError, ConnectionResetError)):
        ws.recv_bytes(4)
