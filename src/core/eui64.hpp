#pragma once
// EUI-64: gateway EUIs, DevEUIs and JoinEUIs (8 bytes, shown as 16 upper-case hex digits).

#include "core/fixed_bytes.hpp"

namespace tether::core {

struct eui64_tag;
using eui64 = fixed_bytes<8, eui64_tag>;

}  // namespace tether::core
