"""TTN v2 protobuf classes for system tests, generated from the repository's proto/ttnv2/ files.

protoc runs once per content of proto/ttnv2/ (proto_cache.py), then the modules are imported. Every message and enum of the ttnv2.* packages is exposed flat on `pb`
(no two of them share a name that matters here; where they do, use `modules`):

    from ttnv2_proto import pb, modules
    up = pb.UplinkMessage(payload=b"\\x40...")
    down = pb.DownlinkMessage.FromString(payload)
    rx = modules["gateway"].RxMetadata()   # gateway.RxMetadata (protocol.RxMetadata is modules["protocol"])

Needs Debian's protoc (protobuf-compiler) and python3-protobuf 3.21.
"""
from proto_cache import flatten, load_package

modules = load_package(("ttnv2",), "ttnv2")
# router last, so UplinkMessage/DownlinkMessage/... are the router's; gateway before protocol, so the flat
# RxMetadata/TxConfiguration are gateway.*.
pb = flatten(modules, ("trace", "lorawan", "protocol", "gateway", "types", "router"))
"""pb: messages and enums of ttnv2.* flat; modules: the *_pb2 modules by file stem (router, gateway, ...)."""
