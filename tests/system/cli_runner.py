"""Runs the real `tether` command line against one --data-dir and checks its exit code, for the registry tests.

Exit codes as every entity command has them: 0 ok, 1 failure, 2 usage; a failure must say why on stderr.
"""
import json
import os
import subprocess
from pathlib import Path

from server_control import TETHER_BIN


def db_bytes(data_dir):
    """Every byte of the data dir's database files (WAL included): to show a secret is not stored."""
    return b"".join(p.read_bytes() for p in Path(data_dir).glob("tether.db*"))


class Cli:
    def __init__(self, data_dir, prefix=()):
        self.data_dir = str(data_dir)
        self.prefix = tuple(prefix)  # e.g. ("iot",): the command group every call runs under

    def run(self, *args, expect=0):
        env = dict(os.environ)
        env.pop("TETHER_DATA_DIR", None)
        argv = [*self.prefix, *args]
        proc = subprocess.run([TETHER_BIN, *argv, "--data-dir", self.data_dir], capture_output=True, text=True,
                              timeout=30, env=env)
        assert proc.returncode == expect, (
            f"tether {' '.join(argv)}: exit {proc.returncode}, expected {expect}\n"
            f"stdout: {proc.stdout}\nstderr: {proc.stderr}")
        if expect != 0:
            assert proc.stderr.strip(), "an error must be reported on stderr"
        return proc

    def json(self, *args):
        return json.loads(self.run(*args, "--json").stdout)

    def error(self, *args, expect):
        """Runs a failing command and returns its one-line stderr message."""
        proc = self.run(*args, expect=expect)
        lines = proc.stderr.strip().splitlines()
        if expect == 1:
            assert len(lines) == 1, f"one clear line expected, got: {proc.stderr!r}"
        return proc.stderr.strip()
