"""The Things Stack v3 protobuf classes for system tests, generated from the repository's proto/ files.

protoc runs once per content of proto/ into a cache directory under /tmp (keyed by a hash, so an edited
.proto regenerates); the generated modules are then importable. Every message and enum of package
ttn.lorawan.v3 is exposed flat on `pb`:

    from ttsv3_proto import pb
    up = pb.UplinkMessage(raw_payload=b"\x40...")
    down = pb.GatewayDown.FromString(payload)

Needs Debian's protoc (protobuf-compiler) and python3-protobuf 3.21.
"""
from proto_cache import flatten, load_package

modules = load_package(("ttn", "lorawan", "v3"), "ttsv3")
pb = flatten(modules)
