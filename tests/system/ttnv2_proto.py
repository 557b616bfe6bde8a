"""TTN v2 protobuf classes for system tests, generated from the repository's proto/ttnv2/ files.

As ttsv3_proto.py: protoc runs once per content of proto/ttnv2/ into a cache directory under /tmp (keyed by a
hash), then the modules are imported. Every message and enum of the ttnv2.* packages is exposed flat on `pb`
(no two of them share a name that matters here; where they do, use `modules`):

    from ttnv2_proto import pb, modules
    up = pb.UplinkMessage(payload=b"\\x40...")
    down = pb.DownlinkMessage.FromString(payload)
    rx = modules["gateway"].RxMetadata()   # gateway.RxMetadata (protocol.RxMetadata is modules["protocol"])

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

PROTO_ROOT = pathlib.Path(__file__).resolve().parents[2] / "proto"
PACKAGE = "ttnv2"
PROTOC = os.environ.get("PROTOC", "protoc")


def _proto_files():
    return sorted((PROTO_ROOT / PACKAGE).glob("*.proto"))


def _cache_dir():
    digest = hashlib.sha256()
    for path in _proto_files():
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return pathlib.Path(tempfile.gettempdir()) / f"tether-ttnv2-proto-{digest.hexdigest()[:16]}"


def _generate(out):
    if (out / "complete").exists():
        return
    tmp = pathlib.Path(tempfile.mkdtemp(prefix=out.name + ".", dir=out.parent))
    try:
        subprocess.run([PROTOC, f"-I{PROTO_ROOT}", f"--python_out={tmp}", *[str(p) for p in _proto_files()]],
                       check=True, capture_output=True, text=True)
        (tmp / PACKAGE / "__init__.py").touch()
        (tmp / "complete").touch()
        try:
            tmp.rename(out)
        except OSError:  # a concurrent run made it first
            if not (out / "complete").exists():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _load():
    out = _cache_dir()
    _generate(out)
    if str(out) not in sys.path:
        sys.path.insert(0, str(out))
    mods = {p.stem: importlib.import_module(f"{PACKAGE}.{p.stem}_pb2") for p in _proto_files()}
    flat = types.SimpleNamespace()
    # router last, so UplinkMessage/DownlinkMessage/... are the router's; gateway before protocol, so the
    # flat RxMetadata/TxConfiguration are gateway.*.
    for stem in ("trace", "lorawan", "protocol", "gateway", "types", "router"):
        for key, value in vars(mods[stem]).items():
            if not key.startswith("_") and key != "DESCRIPTOR":
                setattr(flat, key, value)
    return flat, mods


pb, modules = _load()
"""pb: messages and enums of ttnv2.* flat; modules: the *_pb2 modules by file stem (router, gateway, ...)."""
