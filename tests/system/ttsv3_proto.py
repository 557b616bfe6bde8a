"""The Things Stack v3 protobuf classes for system tests, generated from the repository's proto/ files.

protoc runs once per content of proto/ into a cache directory under /tmp (keyed by a hash, so an edited
.proto regenerates); the generated modules are then importable. Every message and enum of package
ttn.lorawan.v3 is exposed flat on `pb`:

    from ttsv3_proto import pb
    up = pb.UplinkMessage(raw_payload=b"\x40...")
    down = pb.GatewayDown.FromString(payload)

Needs Debian's protoc (protobuf-compiler) and python3-protobuf 3.21.
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

PROTO_DIR = pathlib.Path(__file__).resolve().parents[2] / "proto"
PROTOC = os.environ.get("PROTOC", "protoc")
_PACKAGE = ("ttn", "lorawan", "v3")


def _proto_files():
    # Only this package's files: proto/ also holds other formats (ttnv2/, see ttnv2_proto.py).
    return sorted(PROTO_DIR.joinpath(*_PACKAGE).rglob("*.proto"))


def _cache_dir():
    digest = hashlib.sha256()
    for path in _proto_files():
        digest.update(str(path.relative_to(PROTO_DIR)).encode() + b"\0" + path.read_bytes() + b"\0")
    return pathlib.Path(tempfile.gettempdir()) / f"tether-ttsv3-proto-{digest.hexdigest()[:16]}"


def _generate(out):
    if (out / "complete").exists():
        return
    # Generate beside the cache and rename, so concurrent test runs never see half a package.
    tmp = pathlib.Path(tempfile.mkdtemp(prefix=out.name + ".", dir=out.parent))
    try:
        subprocess.run([PROTOC, f"-I{PROTO_DIR}", "-I/usr/include", f"--python_out={tmp}",
                        *[str(p) for p in _proto_files()]], check=True, capture_output=True, text=True)
        package = tmp.joinpath(*_PACKAGE)
        for d in (tmp / _PACKAGE[0], tmp.joinpath(*_PACKAGE[:2]), package):
            (d / "__init__.py").touch()
        (tmp / "complete").touch()
        try:
            tmp.rename(out)
        except OSError:  # another run won the race
            if not (out / "complete").exists():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _load():
    out = _cache_dir()
    _generate(out)
    if str(out) not in sys.path:
        sys.path.insert(0, str(out))
    modules = {}
    for path in _proto_files():
        name = ".".join(_PACKAGE) + "." + path.stem + "_pb2"
        modules[path.stem] = importlib.import_module(name)
    flat = types.SimpleNamespace()
    for module in modules.values():
        for key, value in vars(module).items():
            if not key.startswith("_") and key not in ("DESCRIPTOR",):
                setattr(flat, key, value)
    return flat, modules


pb, modules = _load()
"""pb: every message, enum and enum value of ttn.lorawan.v3; modules: the *_pb2 modules by file stem."""
