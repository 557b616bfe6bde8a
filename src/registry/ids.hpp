#pragma once
// Entity IDs as The Things Stack accepts them (identifiers.proto): the regex
// ^[a-z0-9](?:[-]?[a-z0-9]){2,}$ and at most 36 characters, so 3 to 36 lowercase letters, digits and
// dashes with no leading, trailing or double dash. Gateway, application and device IDs all follow it.

#include "registry/error.hpp"

#include <string_view>

namespace tether::registry {

constexpr std::size_t min_id_length = 3;
constexpr std::size_t max_id_length = 36;

bool is_valid_id(std::string_view id) noexcept;

// Frequency plan IDs as lorawan-frequency-plans names them: upper-case letters, digits and '_'
// (EU_863_870, US_902_928_FSB_2). Whether the plan is known is the caller's check.
bool is_valid_frequency_plan_id(std::string_view id) noexcept;

// Display names: at most 50 characters (as TTS), no control characters.
bool is_valid_name(std::string_view name) noexcept;

}  // namespace tether::registry
