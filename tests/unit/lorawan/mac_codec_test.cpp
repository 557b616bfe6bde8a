// MAC commands: a {command, bytes} table per direction (ChirpStack style), each row decoded and encoded.

#include "lorawan/mac/mac_codec.hpp"
#include "lorawan/mac/mac_fields.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

namespace tether::lorawan::mac {
namespace {

using test::hex;

struct uplink_row {
  uplink_command command;
  const char* wire;
};

struct downlink_row {
  downlink_command command;
  const char* wire;
};

const std::vector<uplink_row> uplink_table = {
    {link_check_req{}, "02"},
    {link_adr_ans{true, false, true}, "0305"},
    {link_adr_ans{true, true, true}, "0307"},
    {duty_cycle_ans{}, "04"},
    {rx_param_setup_ans{true, true, false}, "0506"},
    {dev_status_ans{255, -32}, "06ff20"},
    {dev_status_ans{0, 31}, "06001f"},
    {dev_status_ans{100, -1}, "06643f"},
    {new_channel_ans{true, false}, "0702"},
    {rx_timing_setup_ans{}, "08"},
    {tx_param_setup_ans{}, "09"},
    {dl_channel_ans{false, true}, "0a01"},
    {device_time_req{}, "0d"},
    {ping_slot_info_req{5}, "1005"},
    {ping_slot_channel_ans{true, true}, "1103"},
    {beacon_timing_req{}, "12"},
    {beacon_freq_ans{true}, "1301"},
    {proprietary{0x80, hex("0102")}, "800102"},
};

const std::vector<downlink_row> downlink_table = {
    {link_check_ans{20, 3}, "021403"},
    {link_adr_req{5, 2, 0x00ff, 0, 1}, "0352ff0001"},
    {link_adr_req{0, 0, 0x0002, 7, 0}, "0300020070"},  // US915 FSB2 block, first command
    {duty_cycle_req{7}, "0407"},
    {rx_param_setup_req{2, 3, 869'525'000}, "0523d2ad84"},
    {dev_status_req{}, "06"},
    {new_channel_req{3, 867'100'000, 0, 5}, "0703184f8450"},
    {new_channel_req{4, 0, 0, 0}, "070400000000"},
    {rx_timing_setup_req{5}, "0805"},
    {tx_param_setup_req{true, true, 5}, "0935"},
    {dl_channel_req{0, 868'100'000}, "0a00287684"},
    {device_time_ans{1'300'000'000, 128}, "0d006d7c4d80"},
    {ping_slot_info_ans{}, "10"},
    {ping_slot_channel_req{869'525'000, 3}, "11d2ad8403"},
    {beacon_timing_ans{0x0102, 7}, "12020107"},
    {beacon_freq_req{869'525'000}, "13d2ad84"},
};

TEST(mac_codec, uplink_table_both_ways) {
  for (const auto& row : uplink_table) {
    SCOPED_TRACE(row.wire);
    bytes out;
    ASSERT_TRUE(encode(row.command, out));
    EXPECT_EQ(test::to_hex(out), test::to_hex(hex(row.wire)));
    const auto list = decode_uplink(hex(row.wire));
    EXPECT_EQ(list.stop, lorawan_error::ok);
    ASSERT_EQ(list.commands.size(), 1u);
    EXPECT_EQ(list.commands[0], row.command);
  }
}

TEST(mac_codec, downlink_table_both_ways) {
  for (const auto& row : downlink_table) {
    SCOPED_TRACE(row.wire);
    bytes out;
    ASSERT_TRUE(encode(row.command, out));
    EXPECT_EQ(test::to_hex(out), test::to_hex(hex(row.wire)));
    const auto list = decode_downlink(hex(row.wire));
    EXPECT_EQ(list.stop, lorawan_error::ok);
    ASSERT_EQ(list.commands.size(), 1u);
    EXPECT_EQ(list.commands[0], row.command);
  }
}

TEST(mac_codec, lists_concatenate) {
  const std::vector<downlink_command> commands = {link_adr_req{0, 0, 0x0002, 7, 0},
                                                  link_adr_req{3, 1, 0xff00, 0, 1}, dev_status_req{}};
  const bytes wire = encode_all(commands).value();
  EXPECT_EQ(test::to_hex(wire), "0300020070033100ff0106");
  EXPECT_EQ(decode_downlink(wire).commands, commands);
}

TEST(mac_codec, unknown_cid_stops_parsing) {
  const auto list = decode_uplink(hex("02 0b01 03 07"));  // 0x0B RekeyInd is 1.1 only
  ASSERT_EQ(list.commands.size(), 1u);
  EXPECT_EQ(list.stop, lorawan_error::unknown_mac_command);
  EXPECT_EQ(list.stop_offset, 1u);
}

TEST(mac_codec, direction_decides_req_or_ans) {
  EXPECT_EQ(decode_uplink(hex("0d")).commands.at(0), uplink_command{device_time_req{}});
  EXPECT_EQ(decode_downlink(hex("0d")).stop, lorawan_error::truncated);  // DeviceTimeAns needs 5 bytes
}

TEST(mac_codec, truncated_command_stops_with_what_came_before) {
  const auto list = decode_downlink(hex("06 0352ff00"));
  ASSERT_EQ(list.commands.size(), 1u);
  EXPECT_EQ(list.stop, lorawan_error::truncated);
  EXPECT_EQ(list.stop_offset, 1u);
}

TEST(mac_codec, encode_refuses_values_that_do_not_fit) {
  bytes out;
  EXPECT_EQ(encode(downlink_command{rx_param_setup_req{0, 0, 869'525'050}}, out).error(),
            lorawan_error::invalid_field);
  EXPECT_EQ(encode(downlink_command{link_adr_req{16, 0, 0, 0, 0}}, out).error(),
            lorawan_error::invalid_field);
  EXPECT_EQ(encode(uplink_command{dev_status_ans{0, 40}}, out).error(), lorawan_error::invalid_field);
  EXPECT_EQ(encode(uplink_command{proprietary{0x10, {}}}, out).error(), lorawan_error::invalid_field);
}

TEST(mac_codec, names_and_fields) {
  EXPECT_STREQ(name_of(downlink_command{link_adr_req{}}), "LinkADRReq");
  EXPECT_STREQ(name_of(uplink_command{dev_status_ans{}}), "DevStatusAns");
  const auto fields = fields_of(downlink_command{rx_param_setup_req{2, 3, 869'525'000}});
  ASSERT_EQ(fields.size(), 3u);
  EXPECT_EQ(fields[2].name, "frequency");
  EXPECT_EQ(fields[2].value, 869'525'000);
}

TEST(mac_codec, max_eirp_table) {
  EXPECT_EQ(max_eirp_dbm(0), 8);
  EXPECT_EQ(max_eirp_dbm(5), 16);
  EXPECT_EQ(max_eirp_dbm(15), 36);
}

}  // namespace
}  // namespace tether::lorawan::mac
