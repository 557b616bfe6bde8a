"""The Python classes built from proto/ encode exactly the bytes the C++ codec's unit tests use
(tests/unit/gateway/ttsv3_uplink_codec_test.cpp, ttsv3_downlink_codec_test.cpp), so both sides agree on
every field number involved. Needs no running server."""
from ttsv3_proto import pb

SMALL_UPLINK_HEX = (
    "0a0d401122334400010001aabbccdd2218"
    "0a0d0a0b08c8d00710071a03342f3520a0cff89d0330e807"
    "2a190a050a0367773120e80745000028c24d000028c25d00001841"
    "3a0573696d3a31"
)

CLASS_A_DOWN_HEX = (
    "0a3c0a0560aabbccdd2a22"
    "0a0d0a0b08c8d00710091a03342f352088cccf9e033080897a"
    "420715000060411801"
    "320f67733a646f776e3a746f6b656e3a31"
)


def test_small_uplink_matches_the_cpp_vector():
    up = pb.UplinkMessage(raw_payload=bytes.fromhex("401122334400010001aabbccdd"))
    up.settings.data_rate.lora.bandwidth = 125000
    up.settings.data_rate.lora.spreading_factor = 7
    up.settings.data_rate.lora.coding_rate = "4/5"
    up.settings.frequency = 868100000
    up.settings.timestamp = 1000
    md = up.rx_metadata.add(timestamp=1000, rssi=-42, channel_rssi=-42, snr=9.5)
    md.gateway_ids.gateway_id = "gw1"
    up.correlation_ids.append("sim:1")
    assert up.SerializeToString().hex() == SMALL_UPLINK_HEX


def test_class_a_downlink_matches_the_cpp_vector():
    down = pb.GatewayDown()
    msg = down.downlink_message
    msg.raw_payload = bytes.fromhex("60aabbccdd")
    msg.scheduled.data_rate.lora.bandwidth = 125000
    msg.scheduled.data_rate.lora.spreading_factor = 9
    msg.scheduled.data_rate.lora.coding_rate = "4/5"
    msg.scheduled.frequency = 869525000
    msg.scheduled.timestamp = 2000000
    msg.scheduled.downlink.tx_power = 14
    msg.scheduled.downlink.invert_polarization = True
    msg.correlation_ids.append("gs:down:token:1")
    assert down.SerializeToString().hex() == CLASS_A_DOWN_HEX
    parsed = pb.GatewayDown.FromString(bytes.fromhex(CLASS_A_DOWN_HEX))
    assert parsed.downlink_message.WhichOneof("settings") == "scheduled"


def test_enums_and_well_known_types_are_exposed():
    assert pb.TxAcknowledgment.TOO_LATE == 2
    assert pb.SOURCE_COMBINED_GEOLOCATION == 9
    assert pb.DOWNLINK_PATH_CONSTRAINT_NEVER == 2
    status = pb.GatewayStatus()
    status.versions["model"] = "sim"
    status.time.seconds = 1700000000
    assert pb.GatewayStatus.FromString(status.SerializeToString()) == status
