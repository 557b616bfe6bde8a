#pragma once
// LoRaWAN device address (4 bytes, shown as 8 upper-case hex digits).

#include "core/fixed_bytes.hpp"

namespace tether::core {

struct dev_addr_tag;
using dev_addr = fixed_bytes<4, dev_addr_tag>;

}  // namespace tether::core
