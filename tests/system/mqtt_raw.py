"""Minimal MQTT 3.1 / 3.1.1 packet builder and a raw-socket client for byte-precise system tests.

Written for Tether's tests; deliberately tiny and independent of any MQTT library so that a test controls every
byte on the wire (malformed packets, withheld acknowledgements, abrupt closes).
"""
import socket
import struct
import time

CONNECT, CONNACK, PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP = 1, 2, 3, 4, 5, 6, 7
SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK, PINGREQ, PINGRESP, DISCONNECT = 8, 9, 10, 11, 12, 13, 14

PINGREQ_BYTES = b"\xc0\x00"
PINGRESP_BYTES = b"\xd0\x00"
DISCONNECT_BYTES = b"\xe0\x00"


def hexstr(data):
    return data.hex(" ").upper() if data else "(nothing)"


def from_hex(text):
    return bytes.fromhex("".join(text.split()))


def varint(n):
    out = bytearray()
    while True:
        byte = n % 128
        n //= 128
        if n:
            byte |= 0x80
        out.append(byte)
        if not n:
            return bytes(out)


def mqtt_string(s):
    b = s.encode("utf-8") if isinstance(s, str) else bytes(s)
    return struct.pack("!H", len(b)) + b


def packet(first_byte, body):
    return bytes([first_byte]) + varint(len(body)) + body


def connect(client_id, version=4, clean=True, keepalive=60, will=None, username=None, password=None,
            properties=b""):
    """will = (topic, payload, qos, retain). `properties`: MQTT 5 CONNECT properties, already encoded."""
    name = b"MQIsdp" if version == 3 else b"MQTT"
    flags = 0x02 if clean else 0
    payload = mqtt_string(client_id)
    if will is not None:
        wtopic, wpayload, wqos, wretain = will
        flags |= 0x04 | (wqos << 3) | (0x20 if wretain else 0)
        payload += (varint(0) if version == 5 else b"") + mqtt_string(wtopic) + mqtt_string(wpayload)
    if username is not None:
        flags |= 0x80
        payload += mqtt_string(username)
    if password is not None:
        flags |= 0x40
        payload += mqtt_string(password)
    props = varint(len(properties)) + properties if version == 5 else b""
    body = mqtt_string(name) + bytes([version, flags]) + struct.pack("!H", keepalive) + props + payload
    return packet(0x10, body)


def connack(rc=0, session_present=False):
    return bytes([0x20, 0x02, 1 if session_present else 0, rc])


def publish(topic, payload=b"", qos=0, retain=False, dup=False, mid=None):
    if isinstance(payload, str):
        payload = payload.encode()
    flags = (qos << 1) | (1 if retain else 0) | (0x08 if dup else 0)
    body = mqtt_string(topic)
    if qos > 0:
        body += struct.pack("!H", mid if mid is not None else 1)
    return packet(0x30 | flags, body + payload)


def ack(kind, mid):
    first = {PUBACK: 0x40, PUBREC: 0x50, PUBREL: 0x62, PUBCOMP: 0x70, UNSUBACK: 0xB0}[kind]
    return bytes([first, 0x02]) + struct.pack("!H", mid)


def puback(mid):
    return ack(PUBACK, mid)


def pubrec(mid):
    return ack(PUBREC, mid)


def pubrel(mid):
    return ack(PUBREL, mid)


def pubcomp(mid):
    return ack(PUBCOMP, mid)


def subscribe(mid, *filters):
    """filters: (filter, qos) pairs."""
    body = struct.pack("!H", mid)
    for f, q in filters:
        body += mqtt_string(f) + bytes([q])
    return packet(0x82, body)


def suback(mid, *codes):
    return packet(0x90, struct.pack("!H", mid) + bytes(codes))


def unsubscribe(mid, *filters):
    body = struct.pack("!H", mid)
    for f in filters:
        body += mqtt_string(f)
    return packet(0xA2, body)


def unsuback(mid):
    return ack(UNSUBACK, mid)


class Packet:
    """A received packet: fixed header byte, body, and a few decoded fields for PUBLISH."""

    def __init__(self, raw, first, body):
        self.raw, self.first, self.body = raw, first, body
        self.type = first >> 4
        self.flags = first & 0x0F
        if self.type == PUBLISH:
            self.qos = (self.flags >> 1) & 3
            self.dup = bool(self.flags & 0x08)
            self.retain = bool(self.flags & 0x01)
            n = struct.unpack("!H", body[:2])[0]
            self.topic = body[2:2 + n].decode("utf-8", "replace")
            pos = 2 + n
            self.mid = None
            if self.qos:
                self.mid = struct.unpack("!H", body[pos:pos + 2])[0]
                pos += 2
            self.payload = body[pos:]

    def __repr__(self):
        return f"<Packet {hexstr(self.raw)}>"


class Closed(Exception):
    """The server closed (or reset) the connection."""


class RawClient:
    def __init__(self, host, port, timeout=5.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.timeout = timeout
        self.buf = b""
        self.pending = []  # PUBLISH packets set aside by expect_packet()

    # -- plumbing ------------------------------------------------------------------------------------------
    def send(self, data):
        self.sock.sendall(data)

    def _fill(self, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise socket.timeout("timed out")
        self.sock.settimeout(remaining)
        try:
            chunk = self.sock.recv(65536)
        except (ConnectionResetError, ConnectionAbortedError, BrokenPipeError) as e:
            raise Closed(str(e)) from e
        if not chunk:
            raise Closed("EOF")
        self.buf += chunk

    def recv_exact(self, n, timeout=None):
        """Exactly n bytes. Raises socket.timeout or Closed (with what arrived attached as .partial)."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        try:
            while len(self.buf) < n:
                self._fill(deadline)
        except (socket.timeout, Closed) as e:
            e.partial = self.buf
            raise
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def recv_packet(self, timeout=None):
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        try:
            while True:
                # fixed header + remaining length
                if len(self.buf) >= 2:
                    mult, length, i = 1, 0, 1
                    complete = False
                    while i < len(self.buf) and i <= 4:
                        b = self.buf[i]
                        length += (b & 0x7F) * mult
                        mult *= 128
                        i += 1
                        if not b & 0x80:
                            complete = True
                            break
                    if complete and len(self.buf) >= i + length:
                        raw, self.buf = self.buf[:i + length], self.buf[i + length:]
                        return Packet(raw, raw[0], raw[i:])
                self._fill(deadline)
        except (socket.timeout, Closed) as e:
            e.partial = self.buf
            raise

    def expect(self, expected, timeout=None, what="packet"):
        """Read exactly len(expected) bytes and compare them."""
        try:
            got = self.recv_exact(len(expected), timeout)
        except socket.timeout as e:
            raise AssertionError(f"{what}: timed out; expected {hexstr(expected)}, got {hexstr(e.partial)}")
        except Closed as e:
            raise AssertionError(f"{what}: connection closed; expected {hexstr(expected)}, got {hexstr(e.partial)}")
        assert got == expected, f"{what}: expected {hexstr(expected)}, got {hexstr(got)}"
        return got

    def expect_packet(self, expected, timeout=None, what="packet"):
        """Like expect(), but PUBLISH packets arriving first are set aside for expect_publish()."""
        while True:
            try:
                p = self.recv_packet(timeout)
            except socket.timeout as e:
                raise AssertionError(f"{what}: timed out; expected {hexstr(expected)}, got {hexstr(e.partial)}")
            except Closed as e:
                raise AssertionError(f"{what}: connection closed; expected {hexstr(expected)}")
            if p.type == PUBLISH and expected[0] >> 4 != PUBLISH:
                self.pending.append(p)
                continue
            assert p.raw == expected, f"{what}: expected {hexstr(expected)}, got {hexstr(p.raw)}"
            return p

    def expect_publish(self, timeout=None):
        if self.pending:
            return self.pending.pop(0)
        try:
            p = self.recv_packet(timeout)
        except socket.timeout:
            raise AssertionError("timed out waiting for a PUBLISH")
        except Closed:
            raise AssertionError("connection closed while waiting for a PUBLISH")
        assert p.type == PUBLISH, f"expected a PUBLISH, got {p!r}"
        return p

    def expect_nothing(self, timeout=1.0):
        """No packet within `timeout` (the connection may stay open)."""
        try:
            p = self.recv_packet(timeout)
        except socket.timeout:
            return
        except Closed:
            raise AssertionError("connection closed unexpectedly")
        raise AssertionError(f"expected no packet, got {p!r}")

    def closed_within(self, timeout=2.5):
        """True when the server closes the connection within `timeout` (bytes before EOF are discarded)."""
        deadline = time.monotonic() + timeout
        try:
            while True:
                self._fill(deadline)
        except Closed:
            return True
        except socket.timeout:
            return False
        except OSError:
            return True

    def expect_closed(self, timeout=2.5, what="server should close the connection"):
        assert self.closed_within(timeout), f"{what}: still open after {timeout}s"

    def ping(self, timeout=None):
        self.send(PINGREQ_BYTES)
        self.expect(PINGRESP_BYTES, timeout, "PINGRESP")

    # -- conveniences --------------------------------------------------------------------------------------
    def connect(self, client_id, version=4, clean=True, keepalive=60, rc=0, session_present=None, **kw):
        self.send(connect(client_id, version, clean, keepalive, **kw))
        p = self.recv_packet()
        assert p.type == CONNACK, f"expected CONNACK, got {p!r}"
        assert p.body[1] == rc, f"CONNACK return code {p.body[1]}, expected {rc}"
        if session_present is not None:
            assert bool(p.body[0] & 1) == session_present, f"session present flag {p.body[0]}"
        return p

    def subscribe(self, mid, *filters, codes=None):
        self.send(subscribe(mid, *filters))
        expected = codes if codes is not None else [q for _, q in filters]
        self.expect(suback(mid, *expected), what="SUBACK")

    def disconnect(self):
        try:
            self.send(DISCONNECT_BYTES)
        except OSError:
            pass
        self.close()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def abort(self):
        """Abrupt close (RST) without DISCONNECT."""
        try:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
