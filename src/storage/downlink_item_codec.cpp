#include "storage/downlink_item_codec.hpp"

#include "storage/byte_codec.hpp"

#include <limits>

namespace tether::storage {

std::string encode_downlink_item(const downlink_item& item) {
  byte_writer out;
  out.u8(downlink_item_format);
  out.u8(item.f_port);
  out.u8(item.confirmed ? 1 : 0);
  out.u32(item.attempts);
  out.u64(static_cast<std::uint64_t>(item.queued_at));
  out.sized({reinterpret_cast<const char*>(item.frm_payload.data()), item.frm_payload.size()});
  // More than 65,535 correlation IDs is a caller's bug; keep the first ones rather than corrupt.
  const auto n =
      std::min<std::size_t>(item.correlation_ids.size(), std::numeric_limits<std::uint16_t>::max());
  out.u16(static_cast<std::uint16_t>(n));
  for (std::size_t i = 0; i < n; ++i) out.sized(item.correlation_ids[i]);
  return out.take();
}

downlink_item decode_downlink_item(std::string_view blob, const std::string& what) {
  byte_reader in(blob, what);
  if (blob.empty()) in.fail("empty record");
  const auto version = in.u8();
  if (version != downlink_item_format) {
    in.fail("unknown format version " + std::to_string(version) + " (this tether reads version " +
            std::to_string(downlink_item_format) + ")");
  }
  downlink_item item;
  item.f_port = in.u8();
  const auto flags = in.u8();
  if (flags & ~1) in.fail("unknown flags");
  item.confirmed = flags & 1;
  item.attempts = in.u32();
  item.queued_at = static_cast<std::int64_t>(in.u64());
  auto payload = in.sized();
  item.frm_payload.assign(payload.begin(), payload.end());
  const auto n = in.u16();
  item.correlation_ids.reserve(n);
  for (int i = 0; i < n; ++i) item.correlation_ids.emplace_back(in.sized());
  in.finish();
  return item;
}

}  // namespace tether::storage
