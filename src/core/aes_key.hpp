#pragma once
// An AES-128 key (AppKey, NwkSKey, AppSKey): 16 bytes, shown as 32 upper-case hex digits.

#include "core/fixed_bytes.hpp"

namespace tether::core {

struct aes_key_tag;
using aes_key = fixed_bytes<16, aes_key_tag>;

}  // namespace tether::core
