"""Small synchronous wrapper around paho-mqtt 1.6 for system tests, plus mosquitto_pub/mosquitto_sub helpers."""
import itertools
import queue
import subprocess
import threading
import time

import paho.mqtt.client as mqtt

PROTOCOLS = {"3.1": mqtt.MQTTv31, "3.1.1": mqtt.MQTTv311}
TIMEOUT = 5.0
_ids = itertools.count(1)


def unique_id(prefix="c"):
    return f"{prefix}-{next(_ids)}-{int(time.monotonic() * 1000) % 100000}"


class PahoClient:
    def __init__(self, server, client_id=None, protocol=mqtt.MQTTv311, clean=True, keepalive=60, will=None,
                 username=None, password=None):
        self.server = server
        self.client_id = client_id if client_id is not None else unique_id()
        self.client = mqtt.Client(client_id=self.client_id, clean_session=clean, protocol=protocol)
        if will is not None:
            topic, payload, qos, retain = will
            self.client.will_set(topic, payload, qos, retain)
        if username is not None:
            self.client.username_pw_set(username, password)
        self.keepalive = keepalive
        self.messages = queue.Queue()
        self.connack = queue.Queue()
        self.subacks = {}
        self.unsubacks = set()
        self.disconnected = threading.Event()
        self.cond = threading.Condition()
        self.client.on_connect = self._on_connect
        self.client.on_message = lambda c, u, m: self.messages.put(m)
        self.client.on_subscribe = self._on_subscribe
        self.client.on_unsubscribe = self._on_unsubscribe
        self.client.on_disconnect = lambda c, u, rc: self.disconnected.set()
        self.started = False

    def _on_connect(self, client, userdata, flags, rc):
        self.connack.put((rc, flags.get("session present", 0)))

    def _on_subscribe(self, client, userdata, mid, granted):
        with self.cond:
            self.subacks[mid] = list(granted)
            self.cond.notify_all()

    def _on_unsubscribe(self, client, userdata, mid):
        with self.cond:
            self.unsubacks.add(mid)
            self.cond.notify_all()

    def connect(self, expect_rc=0, timeout=TIMEOUT):
        """Connect and wait for CONNACK; returns (rc, session_present). Asserts rc == expect_rc unless None."""
        self.client.connect(self.server.host, self.server.port, keepalive=self.keepalive)
        self.client.loop_start()
        self.started = True
        try:
            rc, present = self.connack.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"{self.client_id}: no CONNACK within {timeout}s")
        if expect_rc is not None:
            assert rc == expect_rc, f"{self.client_id}: CONNACK rc {rc}, expected {expect_rc}"
        return rc, present

    def subscribe(self, topic, qos=0, timeout=TIMEOUT):
        """Subscribe (topic may be a list of (filter, qos)); returns the granted QoS list."""
        rc, mid = self.client.subscribe(topic, qos)
        assert rc == mqtt.MQTT_ERR_SUCCESS, f"subscribe failed locally: {rc}"
        with self.cond:
            if not self.cond.wait_for(lambda: mid in self.subacks, timeout):
                raise AssertionError(f"{self.client_id}: no SUBACK for {topic!r} within {timeout}s")
            return self.subacks[mid]

    def unsubscribe(self, topic, timeout=TIMEOUT):
        rc, mid = self.client.unsubscribe(topic)
        assert rc == mqtt.MQTT_ERR_SUCCESS
        with self.cond:
            if not self.cond.wait_for(lambda: mid in self.unsubacks, timeout):
                raise AssertionError(f"{self.client_id}: no UNSUBACK within {timeout}s")

    def publish(self, topic, payload=b"", qos=0, retain=False, timeout=TIMEOUT):
        """Publish and wait until the QoS flow completes (PUBACK / PUBCOMP; written out for QoS 0)."""
        info = self.client.publish(topic, payload, qos, retain)
        info.wait_for_publish(timeout)
        assert info.is_published(), f"{self.client_id}: publish to {topic!r} (qos {qos}) not completed in {timeout}s"
        return info

    def get(self, timeout=TIMEOUT, what="a message"):
        try:
            return self.messages.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"{self.client_id}: expected {what} within {timeout}s, got nothing")

    def get_until(self, sentinel_topic, timeout=TIMEOUT):
        """All messages received before the one on `sentinel_topic` (which must arrive)."""
        got = []
        deadline = time.monotonic() + timeout
        while True:
            m = self.get(max(0.01, deadline - time.monotonic()), what=f"the sentinel on {sentinel_topic!r}")
            if m.topic == sentinel_topic:
                return got
            got.append(m)

    def expect_no_message(self, timeout=1.0):
        try:
            m = self.messages.get(timeout=timeout)
        except queue.Empty:
            return
        raise AssertionError(f"{self.client_id}: unexpected message {m.topic!r} {m.payload!r} qos {m.qos}")

    def disconnect(self):
        """Clean DISCONNECT."""
        if self.started:
            self.client.disconnect()
            self.disconnected.wait(TIMEOUT)
            self.client.loop_stop()
            self.started = False

    def close(self):
        if self.started:
            try:
                self.client.disconnect()
            except Exception:
                pass
            self.client.loop_stop()
            self.started = False


class Clients:
    """Creates PahoClients and closes all of them at the end of a test."""

    def __init__(self, server, protocol=mqtt.MQTTv311):
        self.server = server
        self.protocol = protocol
        self.all = []

    def new(self, client_id=None, connect=True, **kw):
        kw.setdefault("protocol", self.protocol)
        c = PahoClient(self.server, client_id, **kw)
        self.all.append(c)
        if connect:
            c.connect()
        return c

    def close_all(self):
        for c in self.all:
            c.close()


# -- mosquitto_pub / mosquitto_sub ------------------------------------------------------------------------

def version_arg(protocol):
    return {mqtt.MQTTv31: "mqttv31", mqtt.MQTTv311: "mqttv311"}[protocol]


class MosquittoSub:
    """`mosquitto_sub -d` in the background; start() returns once its SUBACK arrived."""

    def __init__(self, server, topic, qos=0, count=1, protocol=mqtt.MQTTv311, extra=()):
        # stdbuf: mosquitto_sub's stdout is a pipe here; without it the "-d" lines would sit in its buffer
        self.cmd = ["stdbuf", "-oL", "mosquitto_sub", "-h", server.host, "-p", str(server.port), "-t", topic, "-q", str(qos),
                    "-C", str(count), "-W", "9", "-V", version_arg(protocol), "-v", "-d",
                    "-i", unique_id("sub")] + list(extra)
        self.lines = queue.Queue()
        self.proc = None

    def start(self, timeout=TIMEOUT):
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._reader, daemon=True).start()
        deadline = time.monotonic() + timeout
        seen = []
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            seen.append(line)
            if "received SUBACK" in line:
                return self
        self.stop()
        raise AssertionError(f"mosquitto_sub did not get its SUBACK: {seen}")

    def _reader(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def output(self, timeout=TIMEOUT):
        """Wait for the process to end (after -C messages) and return its non-debug output lines."""
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            raise AssertionError("mosquitto_sub did not receive its messages in time")
        out = []
        while True:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                break
            if line is None:
                break
            out.append(line)
        return out

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=5)


def mosquitto_pub(server, topic, message, qos=0, retain=False, protocol=mqtt.MQTTv311, extra=()):
    cmd = ["mosquitto_pub", "-h", server.host, "-p", str(server.port), "-t", topic, "-m", message,
           "-q", str(qos), "-V", version_arg(protocol), "-i", unique_id("pub")] + (["-r"] if retain else []) + list(extra)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
    assert r.returncode == 0, f"mosquitto_pub failed ({r.returncode}): {r.stdout} {r.stderr}"
    return r
