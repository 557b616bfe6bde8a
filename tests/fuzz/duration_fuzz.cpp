// libFuzzer target for core::parse_duration, the reader of every duration flag: any input either
// parses to a duration within [0, max_duration] with no error text, or is refused with a text that
// starts "bad duration '" followed by the input itself.

#include "core/duration.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto d = tether::core::parse_duration(input);
  if (d) {
    if (!d.error.empty() || d.value->count() < 0 || *d.value > tether::core::max_duration) std::abort();
    return 0;
  }
  const std::string head = "bad duration '" + std::string(input) + "': ";
  if (d.error.compare(0, head.size(), head) != 0 || d.error.size() == head.size()) std::abort();
  return 0;
}
