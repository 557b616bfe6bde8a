#pragma once
// The fields of a MAC command as name/value pairs, for logs and the command line's JSON output; keeps
// printers free of one case per command.

#include "lorawan/mac/mac_command.hpp"

#include <cstdint>
#include <string_view>
#include <vector>

namespace tether::lorawan::mac {

struct field {
  std::string_view name;
  std::int64_t value = 0;
  bool is_flag = false;  // a boolean bit
};

std::vector<field> fields_of(const uplink_command& command);
std::vector<field> fields_of(const downlink_command& command);

}  // namespace tether::lorawan::mac
