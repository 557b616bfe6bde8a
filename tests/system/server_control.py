"""Start and stop the MQTT server under test (Tether or Mosquitto); shared by conftest.py and the tests."""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_DIR = Path(os.environ.get("TETHER_SHARED_DIR", REPO_ROOT.parent / "shared"))
TARGET = "mosquitto" if os.environ.get("TETHER_TARGET", "").lower() == "mosquitto" else "tether"
TETHER_BIN = os.environ.get("TETHER_BIN") or str(REPO_ROOT / "build" / "tether")
MOSQUITTO_BIN = os.environ.get("MOSQUITTO_BIN", "/usr/sbin/mosquitto")
START_TIMEOUT = 10.0
# Hard limit per test (SIGALRM): a hung socket read must never hang CI.
TEST_HARD_TIMEOUT = int(os.environ.get("TETHER_TEST_TIMEOUT", "30"))
# Tests marked heavy (an overload run) get this much instead.
HEAVY_TEST_TIMEOUT = int(os.environ.get("TETHER_HEAVY_TEST_TIMEOUT", "150"))

# Fixtures that start a server; tests using any of them are skipped while Tether cannot serve MQTT yet.
SERVER_FIXTURES = {"broker", "make_broker", "sequence_broker"}


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One MQTT server process (Tether or Mosquitto) on 127.0.0.1:port with its own temp directory."""

    def __init__(self, target=TARGET, allow_anonymous=True, users=None, acl=None, max_queued=None,
                 max_packet_size=None, workers=None, extra_args=None, log_level="debug"):
        self.target = target
        self.host = "127.0.0.1"
        self.port = None
        self.allow_anonymous = allow_anonymous
        self.users = dict(users or {})
        self.acl = acl
        self.max_queued = max_queued
        self.max_packet_size = max_packet_size
        self.workers = workers
        self.log_level = log_level
        self.extra_args = list(extra_args or [])
        self.dir = Path(tempfile.mkdtemp(prefix=f"tether-systest-{target}-"))
        self.data_dir = self.dir / "data"
        self.data_dir.mkdir()
        self.log_path = self.dir / "server.log"
        self.password_file = None
        self.acl_file = None
        self.proc = None
        self._log = None
        self._starts = 0
        if self.users:
            self.password_file = self.dir / "passwords"
            write_password_file(self.target, self.password_file, self.users)
        if self.acl is not None:
            self.acl_file = self.dir / "acl"
            self.acl_file.write_text(self.acl)

    # -- command lines -------------------------------------------------------------------------------------
    def _tether_cmd(self):
        cmd = [TETHER_BIN, "serve", "--mqtt-listen", f"{self.host}:{self.port}"]
        if self.allow_anonymous:
            cmd.append("--mqtt-allow-anonymous")
        # Listeners with a default address are off unless the test asks for them in extra_args.
        for opt in ("--gateway-v3-listen", "--gateway-v3-tls-listen", "--gateway-v2-listen", "--application-listen",
                    "--application-tls-listen", "--iot-listen", "--http-listen"):
            if opt not in self.extra_args:
                cmd += [opt, ""]
        cmd += ["--data-dir", str(self.data_dir), "--log-level", self.log_level]
        if self.password_file:
            cmd += ["--mqtt-password-file", str(self.password_file)]
        if self.acl_file:
            cmd += ["--mqtt-acl-file", str(self.acl_file)]
        if self.max_queued is not None:
            cmd += ["--mqtt-max-queued", str(self.max_queued)]
        if self.max_packet_size is not None:
            cmd += ["--mqtt-max-packet-size", str(self.max_packet_size)]
        if self.workers is not None:
            cmd += ["--workers", str(self.workers)]
        return cmd + self.extra_args

    def _mosquitto_cmd(self):
        conf = [
            "per_listener_settings false",
            f"listener {self.port} {self.host}",
            f"allow_anonymous {'true' if self.allow_anonymous else 'false'}",
            "persistence false",
            "log_dest stderr",
            "log_type all",
            "connection_messages true",
            "sys_interval 1",
        ]
        if os.geteuid() == 0:
            conf.append("user root")  # otherwise it drops to user mosquitto and cannot read our 0700 temp dir
        if self.password_file:
            conf.append(f"password_file {self.password_file}")
        if self.acl_file:
            conf.append(f"acl_file {self.acl_file}")
        if self.max_queued is not None:
            conf.append(f"max_queued_messages {self.max_queued}")
        if self.max_packet_size is not None:
            conf.append(f"max_packet_size {self.max_packet_size}")
        conf_path = self.dir / "mosquitto.conf"
        conf_path.write_text("\n".join(conf) + "\n")
        # stdbuf: Mosquitto's log lines reach the file promptly, so a failing test's report can show them
        stdbuf = shutil.which("stdbuf")
        return ([stdbuf, "-oL", "-eL"] if stdbuf else []) + [MOSQUITTO_BIN, "-c", str(conf_path)]

    # -- life cycle ----------------------------------------------------------------------------------------
    def start(self):
        """Start on a fresh free port (or the same port when restarting); wait until it accepts connections."""
        keep_port = self.port is not None
        attempts = 1 if keep_port else 3
        last_error = None
        for _ in range(attempts):
            if not keep_port:
                self.port = free_port()
            try:
                self._spawn_and_wait()
                return self
            except RuntimeError as e:
                last_error = e
                self.stop()
        raise RuntimeError(f"{last_error}\n--- server log ---\n{self.log_text()}")

    def _spawn_and_wait(self):
        cmd = self._tether_cmd() if self.target == "tether" else self._mosquitto_cmd()
        self._starts += 1
        self._log = open(self.log_path, "ab")
        self._log.write(f"=== start #{self._starts}: {' '.join(repr(c) if c == '' else c for c in cmd)}\n".encode())
        self._log.flush()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
                                     cwd=str(self.dir), start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        # Every listener the test asked for, not only the broker's: they open one after the other.
        pending = [(self.host, self.port)] + self._extra_listen_addresses()
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with status {self.proc.returncode} during start-up")
            try:
                with socket.create_connection(pending[0], timeout=1.0):
                    pending.pop(0)
                    if not pending:
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"server did not accept connections on {pending[0]} within {START_TIMEOUT}s")

    def _extra_listen_addresses(self):
        if self.target != "tether":
            return []
        out = []
        for flag, value in zip(self.extra_args, self.extra_args[1:]):
            if flag.endswith("-listen") and value and ":" in value:
                host, port = value.rsplit(":", 1)
                out.append((host, int(port)))
        return out

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.terminate()
                try:
                    self.proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(timeout=5)
            self.proc = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def kill(self):
        """Abrupt stop (SIGKILL), e.g. to check what survives a crash."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=5)
        self.stop()

    def restart(self):
        """Stop gracefully and start again on the same port with the same data dir and options."""
        self.stop()
        return self.start()

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def log_size(self):
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def log_text(self, limit=60000, since=0):
        """The server log (from byte offset `since`), truncated to its last `limit` characters."""
        try:
            with open(self.log_path, "rb") as f:
                f.seek(since)
                data = f.read()
        except OSError:
            return "(no log)"
        text = data.decode("utf-8", "replace")
        return text if len(text) <= limit else "...(truncated)...\n" + text[-limit:]

    @property
    def address(self):
        return f"{self.host}:{self.port}"

    def __repr__(self):
        return f"<{self.target} server {self.address}>"


def write_password_file(target, path, users):
    """Write a password file in the target's own format: `tether mqtt-passwd` or `mosquitto_passwd`."""
    path = Path(path)
    for name, password in users.items():
        if target == "tether":
            subprocess.run([TETHER_BIN, "mqtt-passwd", str(path), name], input=password + "\n", text=True,
                           check=True, capture_output=True, timeout=30)
        else:
            args = ["mosquitto_passwd", "-b"] + ([] if path.exists() else ["-c"]) + [str(path), name, password]
            subprocess.run(args, check=True, capture_output=True, timeout=30)
