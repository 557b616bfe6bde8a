#include "lorawan/fcnt.hpp"

namespace tether::lorawan {

result<fcnt_value> reconstruct_fcnt(std::optional<std::uint32_t> last, std::uint16_t wire_fcnt,
                                    std::uint32_t max_gap) {
  if (!last) {
    if (wire_fcnt > max_gap) return lorawan_error::fcnt_gap_too_large;
    return fcnt_value{wire_fcnt, false};
  }
  const std::uint64_t previous = *last;
  std::uint64_t candidate = (previous & 0xffff0000u) | wire_fcnt;
  if (candidate < previous) candidate += 0x10000;                  // the 16-bit field rolled over
  if (candidate > 0xffffffffu) return lorawan_error::fcnt_replay;  // 32 bits exhausted: rejoin needed
  if (candidate == previous) return fcnt_value{*last, true};
  if (candidate - previous > max_gap) return lorawan_error::fcnt_gap_too_large;
  return fcnt_value{static_cast<std::uint32_t>(candidate), false};
}

}  // namespace tether::lorawan
