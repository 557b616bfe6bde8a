"""Python classes from the repository's proto/ files, generated for system tests (ttsv3_proto, ttnv2_proto).

protoc runs once per content of one package's .proto files into a cache directory under /tmp, keyed by a hash
of them (an edited .proto regenerates), beside which it generates and then renames, so concurrent test runs
never see half a package. Needs Debian's protoc (protobuf-compiler) and python3-protobuf 3.21.
"""
import hashlib
import importlib
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import types

PROTO_ROOT = pathlib.Path(__file__).resolve().parents[2] / "proto"
PROTOC = os.environ.get("PROTOC", "protoc")


def load_package(package, name):
    """The *_pb2 modules of proto/<package...>/*.proto, by file stem; `name` labels the cache directory."""
    files = sorted(PROTO_ROOT.joinpath(*package).rglob("*.proto"))
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(PROTO_ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    out = pathlib.Path(tempfile.gettempdir()) / f"tether-{name}-proto-{digest.hexdigest()[:16]}"
    if not (out / "complete").exists():
        _generate(package, files, out)
    if str(out) not in sys.path:
        sys.path.insert(0, str(out))
    return {p.stem: importlib.import_module(".".join(package) + "." + p.stem + "_pb2") for p in files}


def _generate(package, files, out):
    tmp = pathlib.Path(tempfile.mkdtemp(prefix=out.name + ".", dir=out.parent))
    try:
        subprocess.run([PROTOC, f"-I{PROTO_ROOT}", "-I/usr/include", f"--python_out={tmp}", *map(str, files)],
                       check=True, capture_output=True, text=True)
        for depth in range(1, len(package) + 1):
            (tmp.joinpath(*package[:depth]) / "__init__.py").touch()
        (tmp / "complete").touch()
        try:
            tmp.rename(out)
        except OSError:  # a concurrent run made it first
            if not (out / "complete").exists():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def flatten(modules, order=None):
    """Every message and enum of `modules` as attributes of one namespace; later stems in `order` win."""
    flat = types.SimpleNamespace()
    for stem in order or modules:
        for key, value in vars(modules[stem]).items():
            if not key.startswith("_") and key != "DESCRIPTOR":
                setattr(flat, key, value)
    return flat
